import { isIP } from 'node:net';
import { ErrorCodes, PeerwayError, bump, silentLogger, type Logger } from '../core/index.js';
import { isUnknownAddress, type UdpAddress } from './address.js';
import { MAX_DATAGRAM_SIZE, PREFIX_LENGTH } from './constants.js';
import { bindDatagramSocket, type DatagramSocket } from './datagram-socket.js';

/** Receives the datagrams whose first 22 bytes are the listener's prefix. */
export type PrefixListener = (data: Uint8Array, source: UdpAddress) => void;

/** Options for {@link Endpoint}. */
export interface EndpointInit {
  /** Interface to bind. @default '0.0.0.0' (py-ipv8's default) */
  host?: string;
  /** UDP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Larger datagrams are dropped and counted. @default 65507 */
  maxDatagramSize?: number;
  /** Logger; never receives packet contents. @default silentLogger */
  logger?: Logger;
}

/** Counters of an {@link Endpoint}. */
export interface EndpointStats {
  [key: string]: number | Record<string, number>;
  received: number;
  sent: number;
  bytesReceived: number;
  bytesSent: number;
  dropped: Record<string, number>;
}

const prefixKey = (data: Uint8Array): string =>
  Buffer.from(data.buffer, data.byteOffset, PREFIX_LENGTH).toString('latin1');

/**
 * Owns one UDP socket and hands each datagram to the community registered for its 22-byte
 * prefix. Several communities share one endpoint.
 *
 * @example
 * ```ts
 * await using endpoint = new Endpoint({ host: '127.0.0.1', port: 0 });
 * await endpoint.start();
 * endpoint.addPrefixListener(prefix, (data, from) => { ... });
 * ```
 */
export class Endpoint {
  readonly stats: EndpointStats = { received: 0, sent: 0, bytesReceived: 0, bytesSent: 0, dropped: {} };
  private readonly init: EndpointInit;
  private readonly logger: Logger;
  private readonly listeners = new Map<string, PrefixListener>();
  private socket: DatagramSocket | undefined;
  private stopping: Promise<void> | undefined;

  constructor(init: EndpointInit = {}) {
    this.init = init;
    this.logger = init.logger ?? silentLogger;
  }

  /** Binds the socket. */
  async start(): Promise<void> {
    if (this.stopping !== undefined) throw new PeerwayError(ErrorCodes.CLOSED, 'endpoint stopped');
    if (this.socket !== undefined) return;
    this.socket = await bindDatagramSocket(
      {
        onMessage: (data, from) => this.receive(data, from),
        onError: (err) => {
          bump(this.stats.dropped, 'socketError');
          this.logger.debug({ err: err.message }, 'udp socket error');
        },
      },
      {
        host: this.init.host ?? '0.0.0.0',
        port: this.init.port ?? 0,
        // The transport drops datagrams over this size before they reach us.
        maxDatagramSize: this.init.maxDatagramSize ?? MAX_DATAGRAM_SIZE,
      },
    );
  }

  /** The bound address; throws before start(). */
  get address(): UdpAddress {
    if (this.socket === undefined) throw new PeerwayError(ErrorCodes.CLOSED, 'endpoint not started');
    return this.socket.address;
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.socket !== undefined && this.stopping === undefined;
  }

  /** Registers the listener for a 22-byte prefix. Throws ERR_OVERLAY_PREFIX_IN_USE. */
  addPrefixListener(prefix: Uint8Array, listener: PrefixListener): void {
    const key = prefixKey(prefix);
    if (this.listeners.has(key)) throw new PeerwayError(ErrorCodes.OVERLAY_PREFIX_IN_USE, 'prefix in use');
    this.listeners.set(key, listener);
  }

  /** Removes the listener for a prefix. */
  removePrefixListener(prefix: Uint8Array): void {
    this.listeners.delete(prefixKey(prefix));
  }

  /** Sends one datagram; silently counts and drops what cannot be sent (closed, IPv6, port 0). */
  send(to: UdpAddress, data: Uint8Array): void {
    if (!this.isOpen || isUnknownAddress(to) || to.port <= 0 || isIP(to.host) !== 4) {
      bump(this.stats.dropped, 'unsendable');
      return;
    }
    this.stats.sent++;
    this.stats.bytesSent += data.length;
    this.socket!.send(data, to);
  }

  private receive(data: Uint8Array, from: UdpAddress): void {
    this.stats.received++;
    this.stats.bytesReceived += data.length;
    if (data.length > (this.init.maxDatagramSize ?? MAX_DATAGRAM_SIZE)) {
      bump(this.stats.dropped, 'oversize');
      return;
    }
    if (data.length < PREFIX_LENGTH + 1) {
      bump(this.stats.dropped, 'short');
      return;
    }
    const listener = this.listeners.get(prefixKey(data));
    if (listener === undefined) {
      bump(this.stats.dropped, 'unknownPrefix');
      return;
    }
    try {
      listener(data, from);
    } catch (err) {
      // Communities catch their own decode errors; anything reaching here is a bug, never fatal.
      bump(this.stats.dropped, 'listenerError');
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'prefix listener threw');
    }
  }

  /** Closes the socket; idempotent (returns the same promise). */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.listeners.clear();
      await this.socket?.close();
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
