import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import { ErrorCodes, PeerwayError, TypedEmitter, silentLogger, type Logger } from '../core/index.js';
import { MAX_UDP_PAYLOAD } from './constants.js';

/** Where a datagram came from. */
export interface UdpSource {
  /** Sender IP address (IPv6 without brackets). */
  host: string;
  /** Sender port. */
  port: number;
  family: 'IPv4' | 'IPv6';
}

/** Init for {@link UdpEndpoint}. */
export interface UdpEndpointInit {
  /** Interface to bind; an IPv6 literal makes an IPv6 socket. @default '127.0.0.1' */
  host?: string | undefined;
  /** Port to bind; 0 picks a free one. @default 0 */
  port?: number | undefined;
  /** On an IPv6 socket, refuse IPv4-mapped traffic. @default false */
  ipv6Only?: boolean | undefined;
  /** Allow sending to broadcast addresses (SO_BROADCAST). @default false */
  broadcast?: boolean | undefined;
  /** Share the port with other sockets that ask for it too (SO_REUSEADDR). @default false */
  reuseAddr?: boolean | undefined;
  /**
   * Kernel receive buffer in bytes (SO_RCVBUF), to absorb bursts while the event loop is busy;
   * the OS caps it (Linux: net.core.rmem_max). @default the OS default
   */
  receiveBufferSize?: number | undefined;
  /**
   * Largest datagram payload sent or accepted, in bytes. Larger inbound ones are dropped and
   * counted; a larger outbound one throws ERR_DATAGRAM_TOO_LARGE.
   * @default 65507 (the IPv4 maximum)
   */
  maxDatagramSize?: number | undefined;
  /** Where problems are logged. @default silent */
  logger?: Logger | undefined;
}

/** Counters of a {@link UdpEndpoint}. */
export interface UdpStats {
  [key: string]: number;
  received: number;
  bytesReceived: number;
  sent: number;
  bytesSent: number;
  /** Inbound datagrams over `maxDatagramSize`, dropped. */
  droppedOversize: number;
  /** Sends the OS or the resolver refused, and sends after stop(). */
  sendErrors: number;
  /** Errors thrown by `message` listeners (caught so the socket keeps running). */
  handlerErrors: number;
  /** Errors the socket itself reported. */
  socketErrors: number;
}

/** Events of a {@link UdpEndpoint}. */
export type UdpEndpointEvents = {
  /** A datagram arrived. The buffer is the caller's to keep. */
  message: [data: Buffer, from: UdpSource];
};

/**
 * A UDP socket for datagram protocols: bind, send, receive with the source address, a maximum
 * datagram size, counters. Send failures are counted, never thrown into the event loop; a throwing
 * `message` listener is caught and counted too.
 *
 * @example
 * ```ts
 * await using endpoint = new UdpEndpoint({ host: '0.0.0.0', port: 8090, maxDatagramSize: 2048 });
 * endpoint.on('message', (data, from) => console.log(from.host, from.port, data.length));
 * await endpoint.start();
 * endpoint.send(Buffer.from('hi'), '203.0.113.5', 8090);
 * ```
 */
export class UdpEndpoint extends TypedEmitter<UdpEndpointEvents> {
  /** Counters; read them any time. */
  readonly stats: UdpStats = {
    received: 0,
    bytesReceived: 0,
    sent: 0,
    bytesSent: 0,
    droppedOversize: 0,
    sendErrors: 0,
    handlerErrors: 0,
    socketErrors: 0,
  };
  /** Largest payload sent or accepted. */
  readonly maxDatagramSize: number;
  private readonly host: string;
  private readonly requestedPort: number;
  private readonly ipv6Only: boolean;
  private readonly broadcast: boolean;
  private readonly reuseAddr: boolean;
  private readonly receiveBufferSize: number | undefined;
  private readonly logger: Logger;
  private socket: dgram.Socket | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(init: UdpEndpointInit = {}) {
    super();
    this.host = init.host ?? '127.0.0.1';
    this.requestedPort = init.port ?? 0;
    this.ipv6Only = init.ipv6Only ?? false;
    this.broadcast = init.broadcast ?? false;
    this.reuseAddr = init.reuseAddr ?? false;
    this.receiveBufferSize = init.receiveBufferSize;
    this.maxDatagramSize = init.maxDatagramSize ?? MAX_UDP_PAYLOAD;
    this.logger = init.logger ?? silentLogger;
  }

  /** The bound address; throws ERR_CLOSED before start() has finished or after stop(). */
  get address(): { host: string; port: number; family: 'IPv4' | 'IPv6' } {
    if (this.socket === undefined || this.stopping !== undefined) {
      throw new PeerwayError(ErrorCodes.CLOSED, 'UDP endpoint is not bound');
    }
    const info = this.socket.address();
    return { host: info.address, port: info.port, family: info.family === 'IPv6' ? 'IPv6' : 'IPv4' };
  }

  /** Binds the socket. Rejects with ERR_LISTEN_FAILED; a second call returns the same promise. */
  start(): Promise<void> {
    if (this.stopping !== undefined)
      return Promise.reject(new PeerwayError(ErrorCodes.CLOSED, 'UDP endpoint stopped'));
    this.starting ??= this.bind();
    return this.starting;
  }

  private async bind(): Promise<void> {
    const type = net.isIPv6(this.host) ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type, ipv6Only: this.ipv6Only, reuseAddr: this.reuseAddr });
    socket.on('message', (data, rinfo) => this.onMessage(data, rinfo));
    socket.on('error', (err) => {
      this.stats.socketErrors++;
      this.logger.warn({ err: err.message }, 'udp socket error');
    });
    try {
      socket.bind({ address: this.host, port: this.requestedPort });
      await once(socket, 'listening');
      if (this.broadcast) socket.setBroadcast(true);
      if (this.receiveBufferSize !== undefined) socket.setRecvBufferSize(this.receiveBufferSize);
    } catch (err) {
      try {
        socket.close();
      } catch {
        // already closed by the failed bind
      }
      throw new PeerwayError(
        ErrorCodes.LISTEN_FAILED,
        `UDP bind on ${this.host}:${this.requestedPort} failed`,
        {
          cause: err,
        },
      );
    }
    this.socket = socket;
  }

  private onMessage(data: Buffer, rinfo: dgram.RemoteInfo): void {
    if (data.length > this.maxDatagramSize) {
      this.stats.droppedOversize++;
      return;
    }
    this.stats.received++;
    this.stats.bytesReceived += data.length;
    const from: UdpSource = {
      host: rinfo.address,
      port: rinfo.port,
      family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4',
    };
    try {
      this.emit('message', data, from);
    } catch (err) {
      this.stats.handlerErrors++;
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'udp message handler failed',
      );
    }
  }

  /**
   * Sends one datagram. Throws ERR_DATAGRAM_TOO_LARGE for a payload over `maxDatagramSize`; any
   * other failure (not bound, stopped, refused by the OS) is counted in `stats.sendErrors` and
   * makes this return false.
   */
  send(data: Uint8Array, host: string, port: number): boolean {
    if (data.length > this.maxDatagramSize) {
      throw new PeerwayError(
        ErrorCodes.DATAGRAM_TOO_LARGE,
        `datagram of ${data.length} bytes exceeds ${this.maxDatagramSize}`,
        {
          details: { size: data.length, limit: this.maxDatagramSize },
        },
      );
    }
    const socket = this.socket;
    if (socket === undefined || this.stopping !== undefined) {
      this.stats.sendErrors++;
      return false;
    }
    try {
      socket.send(data, port, host, (err) => {
        if (err === null) {
          this.stats.sent++;
          this.stats.bytesSent += data.length;
          return;
        }
        this.stats.sendErrors++;
        this.logger.debug({ err: err.message, host, port }, 'udp send failed');
      });
      return true;
    } catch (err) {
      // dgram throws synchronously for a bad port or address argument.
      this.stats.sendErrors++;
      this.logger.debug(
        { err: err instanceof Error ? err.message : String(err), host, port },
        'udp send refused',
      );
      return false;
    }
  }

  /** Closes the socket and removes every listener; idempotent (returns the same promise). */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private async close(): Promise<void> {
    await this.starting?.catch(() => {});
    const socket = this.socket;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.removeAllListeners();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/**
 * Creates and binds a {@link UdpEndpoint}.
 *
 * @example
 * ```ts
 * const endpoint = await bindUdp({ host: '127.0.0.1', port: 0 });
 * ```
 */
export async function bindUdp(init: UdpEndpointInit = {}): Promise<UdpEndpoint> {
  const endpoint = new UdpEndpoint(init);
  await endpoint.start();
  return endpoint;
}
