import {
  ErrorCodes,
  Lifecycle,
  PeerwayError,
  bump,
  silentLogger,
  type Logger,
  type Startable,
} from '../core/index.js';
import { UdpEndpoint } from '../transport/index.js';
import { isUnknownAddress, type UdpAddress } from './address.js';
import { MAX_DATAGRAM_SIZE, PREFIX_LENGTH, RECEIVE_BUFFER_BYTES } from './constants.js';
import { SocketReach } from './socket-reach.js';

/** Receives the datagrams whose first 22 bytes are the listener's prefix (and a message id follows). */
export type PrefixListener = (data: Uint8Array, source: UdpAddress) => void;

/** py-ipv8 binds every interface. */
const DEFAULT_HOST = '0.0.0.0';

/** Options for {@link Endpoint}. */
export interface EndpointInit {
  /**
   * Interface to bind. An IPv6 literal makes an IPv6 socket: `'::1'` or another IPv6 address
   * reaches IPv6 peers only; `'::'` is dual-stack (unless `ipv6Only`) and reaches IPv4 peers too,
   * through IPv4-mapped addresses.
   * @default '0.0.0.0' (py-ipv8's default)
   */
  host?: string;
  /** On a socket bound to `'::'`, refuse IPv4 traffic. @default false */
  ipv6Only?: boolean;
  /** UDP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Larger datagrams are dropped by the socket and counted as `dropped.oversize`. @default 65507 */
  maxDatagramSize?: number;
  /** Kernel receive buffer in bytes (the OS caps it). @default 2 MiB */
  receiveBufferSize?: number;
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
 * Owns one UDP socket (transport's {@link UdpEndpoint}) and hands each datagram to the community
 * registered for its 22-byte prefix. Several communities share one endpoint. This is the one
 * place a datagram's size and prefix are checked: a listener only ever sees its own prefix
 * followed by a message id.
 *
 * @example
 * ```ts
 * await using endpoint = new Endpoint({ host: '127.0.0.1', port: 0 });
 * await endpoint.start();
 * endpoint.addPrefixListener(prefix, (data, from) => { ... });
 * ```
 */
export class Endpoint implements Startable {
  private readonly counters: EndpointStats = {
    received: 0,
    sent: 0,
    bytesReceived: 0,
    bytesSent: 0,
    dropped: {},
  };
  private readonly logger: Logger;
  private readonly listeners = new Map<string, PrefixListener>();
  private fallback: PrefixListener | undefined;
  private readonly udp: UdpEndpoint;
  private readonly reach: SocketReach;
  private readonly life = new Lifecycle(
    () => this.udp.start(),
    async () => {
      this.listeners.clear();
      await this.udp.stop();
    },
  );

  constructor(init: EndpointInit = {}) {
    this.logger = init.logger ?? silentLogger;
    const host = init.host ?? DEFAULT_HOST;
    const ipv6Only = init.ipv6Only ?? false;
    this.reach = new SocketReach(host, ipv6Only);
    this.udp = new UdpEndpoint({
      host,
      port: init.port ?? 0,
      ipv6Only,
      maxDatagramSize: init.maxDatagramSize ?? MAX_DATAGRAM_SIZE,
      receiveBufferSize: init.receiveBufferSize ?? RECEIVE_BUFFER_BYTES,
      logger: this.logger,
    });
    this.udp.on('message', (data, from) => this.dispatch(data, this.reach.plainSource(from.host, from.port)));
  }

  /** Counters; `dropped.oversize` is what the socket refused for its size. */
  get stats(): EndpointStats {
    const oversize = this.udp.stats.droppedOversize;
    if (oversize > 0) this.counters.dropped['oversize'] = oversize;
    return this.counters;
  }

  /** Binds the socket; concurrent calls share one bind. Rejects with ERR_LISTEN_FAILED. */
  start(): Promise<void> {
    return this.life.start();
  }

  /** The bound address; throws before start() has finished. */
  get address(): UdpAddress {
    if (!this.life.running) throw new PeerwayError(ErrorCodes.CLOSED, 'endpoint not started');
    const { host, port } = this.udp.address;
    return { host, port };
  }

  /** True while the socket is open. */
  get isOpen(): boolean {
    return this.life.running;
  }

  /** Registers the listener for a 22-byte prefix. Throws ERR_OVERLAY_PREFIX_IN_USE. */
  addPrefixListener(prefix: Uint8Array, listener: PrefixListener): void {
    const key = prefixKey(prefix);
    if (this.listeners.has(key)) throw new PeerwayError(ErrorCodes.OVERLAY_PREFIX_IN_USE, 'prefix in use');
    this.listeners.set(key, listener);
  }

  /**
   * Receives datagrams whose prefix no community registered (a tracker answers for every
   * community this way); `undefined` removes it.
   */
  setFallbackListener(listener: PrefixListener | undefined): void {
    this.fallback = listener;
  }

  /** Removes the listener for a prefix. */
  removePrefixListener(prefix: Uint8Array): void {
    this.listeners.delete(prefixKey(prefix));
  }

  /** True when this endpoint's socket can send to `address`'s family (IPv4, IPv6 or both). */
  canReach(address: UdpAddress): boolean {
    return this.reach.canReach(address);
  }

  /**
   * Sends one datagram; silently counts and drops what cannot be sent (closed, port 0, a name
   * rather than an IP literal, or a family the socket cannot reach: IPv6 from an IPv4 socket,
   * IPv4 from a socket bound to one IPv6 address).
   */
  send(to: UdpAddress, data: Uint8Array): void {
    if (!this.isOpen || isUnknownAddress(to) || to.port <= 0 || !this.reach.canReach(to)) {
      bump(this.counters.dropped, 'unsendable');
      return;
    }
    this.counters.sent++;
    this.counters.bytesSent += data.length;
    try {
      if (!this.udp.send(data, this.reach.socketHost(to.host), to.port)) {
        bump(this.counters.dropped, 'socketError');
      }
    } catch (err) {
      // Only an oversize datagram throws; the transport counts every other failure itself.
      bump(this.counters.dropped, 'socketError');
      this.logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'udp send refused');
    }
  }

  /**
   * Hands a datagram to the listener of its prefix: the endpoint's socket calls this, and so may
   * another socket that receives overlay packets (the broadcast bootstrapper's).
   */
  dispatch(data: Uint8Array, from: UdpAddress): void {
    this.counters.received++;
    this.counters.bytesReceived += data.length;
    if (data.length < PREFIX_LENGTH + 1) {
      bump(this.counters.dropped, 'short');
      return;
    }
    const listener = this.listeners.get(prefixKey(data));
    if (listener === undefined) {
      if (this.fallback !== undefined) {
        this.fallback(data, from);
        return;
      }
      bump(this.counters.dropped, 'unknownPrefix');
      return;
    }
    // Listeners never throw: a community counts and drops what it cannot handle; the transport
    // catches and counts anything that escapes all the same.
    listener(data, from);
  }

  /** Closes the socket; idempotent (returns the same promise). */
  stop(): Promise<void> {
    return this.life.stop();
  }

  /** Same as {@link stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
