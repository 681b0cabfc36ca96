/**
 * Drives js-libp2p's `@libp2p/multistream-select` over a plain net.Socket: its 7.x API wants a
 * libp2p MessageStream, so this subclasses @libp2p/utils' AbstractMultiaddrConnection and maps
 * its five transport hooks onto the socket (what @libp2p/tcp does internally). Also an in-memory
 * pair of the same connections for the benchmark. Loaded only by interop tests and the bench.
 */
import './libp2p-polyfill.js';
import type net from 'node:net';
import { AbstractMultiaddrConnection } from '@libp2p/utils';
import type { SendResult } from '@libp2p/utils';
import { defaultLogger } from '@libp2p/logger';
import { multiaddr } from '@multiformats/multiaddr';

/** The byte list js-libp2p hands to `sendData` (named without importing its transitive package). */
type Uint8ArrayList = Parameters<AbstractMultiaddrConnection['sendData']>[0];

const log = defaultLogger().forComponent('peerway:test:libp2p-socket');

/** A js-libp2p connection backed by a Node socket. */
export class SocketConnection extends AbstractMultiaddrConnection {
  constructor(
    private readonly socket: net.Socket,
    direction: 'inbound' | 'outbound',
  ) {
    super({
      log,
      direction,
      inactivityTimeout: 0,
      remoteAddr: multiaddr(`/ip4/127.0.0.1/tcp/${socket.remotePort ?? 1}`),
    });
    socket.on('data', (b: Buffer) => this.onData(b));
    socket.on('error', (e) => this.abort(e));
    socket.once('close', () => this.onTransportClosed());
    socket.on('drain', () => this.safeDispatchEvent('drain'));
  }

  sendData(list: Uint8ArrayList): SendResult {
    let sentBytes = 0;
    let canSendMore = true;
    for (const b of list) {
      sentBytes += b.byteLength;
      canSendMore = this.socket.write(b);
      if (!canSendMore) break;
    }
    return { sentBytes, canSendMore };
  }

  async sendClose(): Promise<void> {
    this.socket.end();
    return Promise.resolve();
  }

  sendReset(): void {
    this.socket.destroy();
  }

  sendPause(): void {
    this.socket.pause();
  }

  sendResume(): void {
    this.socket.resume();
  }
}

/** One end of an in-memory js-libp2p connection pair (microtask hand-off to the other end). */
class MemoryConnection extends AbstractMultiaddrConnection {
  peer: MemoryConnection | undefined;

  constructor(direction: 'inbound' | 'outbound') {
    super({ log, direction, inactivityTimeout: 0, remoteAddr: multiaddr('/ip4/127.0.0.1/tcp/1') });
  }

  sendData(list: Uint8ArrayList): SendResult {
    const bytes = list.subarray();
    const peer = this.peer!;
    queueMicrotask(() => peer.onData(bytes));
    return { sentBytes: bytes.byteLength, canSendMore: true };
  }

  async sendClose(): Promise<void> {
    const peer = this.peer!;
    queueMicrotask(() => peer.onRemoteCloseWrite());
    return Promise.resolve();
  }

  sendReset(): void {
    const peer = this.peer!;
    queueMicrotask(() => peer.onRemoteReset());
  }

  sendPause(): void {}

  sendResume(): void {}
}

/** A connected in-memory pair of js-libp2p connections: [dialer, listener]. */
export function memoryConnectionPair(): [AbstractMultiaddrConnection, AbstractMultiaddrConnection] {
  const a = new MemoryConnection('outbound');
  const b = new MemoryConnection('inbound');
  a.peer = b;
  b.peer = a;
  return [a, b];
}
