import { isIP } from 'node:net';
import { ErrorCodes, PeerwayError, bump, silentLogger, type Logger } from '../core/index.js';
import { isUnknownAddress, type UdpAddress } from './address.js';
import { MAX_DATAGRAM_SIZE, PREFIX_LENGTH } from './constants.js';
import { bindDatagramSocket, type DatagramSocket } from './datagram-socket.js';

/** Receives the datagrams whose first 22 bytes are the listener's prefix. */
export type PrefixListener = (data: Uint8Array, source: UdpAddress) => void;

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

const MAPPED_IPV4 = '::ffff:';

/** Which destination families a bound socket can reach. */
interface Reach {
  readonly ipv4: 'direct' | 'mapped' | 'no';
  readonly ipv6: boolean;
}

function reachOf(boundHost: string, ipv6Only: boolean): Reach {
  if (isIP(boundHost) !== 6) return { ipv4: 'direct', ipv6: false };
  // Only the wildcard bind accepts and sends IPv4 (as ::ffff:a.b.c.d); a specific IPv6 address cannot.
  return { ipv4: boundHost === '::' && !ipv6Only ? 'mapped' : 'no', ipv6: true };
}

/** IPv4 senders on a dual-stack socket arrive as `::ffff:a.b.c.d`: show them as plain IPv4. */
function plainSource(from: UdpAddress): UdpAddress {
  return from.host.startsWith(MAPPED_IPV4) && isIP(from.host.slice(MAPPED_IPV4.length)) === 4
    ? { host: from.host.slice(MAPPED_IPV4.length), port: from.port }
    : from;
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
  private reach: Reach = { ipv4: 'no', ipv6: false };
  private stopping: Promise<void> | undefined;

  constructor(init: EndpointInit = {}) {
    this.init = init;
    this.logger = init.logger ?? silentLogger;
  }

  /** Binds the socket. */
  async start(): Promise<void> {
    if (this.stopping !== undefined) throw new PeerwayError(ErrorCodes.CLOSED, 'endpoint stopped');
    if (this.socket !== undefined) return;
    const host = this.init.host ?? '0.0.0.0';
    const ipv6Only = this.init.ipv6Only ?? false;
    this.socket = await bindDatagramSocket(
      {
        onMessage: (data, from) =>
          this.receive(data, this.reach.ipv4 === 'mapped' ? plainSource(from) : from),
        onError: (err) => {
          bump(this.stats.dropped, 'socketError');
          this.logger.debug({ err: err.message }, 'udp socket error');
        },
      },
      {
        host,
        port: this.init.port ?? 0,
        ipv6Only,
        // The transport drops datagrams over this size before they reach us.
        maxDatagramSize: this.init.maxDatagramSize ?? MAX_DATAGRAM_SIZE,
      },
    );
    this.reach = reachOf(host, ipv6Only);
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

  /** True when this endpoint's socket can send to `address`'s family (IPv4, IPv6 or both). */
  canReach(address: UdpAddress): boolean {
    const kind = isIP(address.host);
    return kind === 4 ? this.reach.ipv4 !== 'no' : kind === 6 && this.reach.ipv6;
  }

  /**
   * Sends one datagram; silently counts and drops what cannot be sent (closed, port 0, a name
   * rather than an IP literal, or a family the socket cannot reach: IPv6 from an IPv4 socket,
   * IPv4 from a socket bound to one IPv6 address).
   */
  send(to: UdpAddress, data: Uint8Array): void {
    if (!this.isOpen || isUnknownAddress(to) || to.port <= 0 || !this.canReach(to)) {
      bump(this.stats.dropped, 'unsendable');
      return;
    }
    this.stats.sent++;
    this.stats.bytesSent += data.length;
    const mapped = this.reach.ipv4 === 'mapped' && isIP(to.host) === 4;
    this.socket!.send(data, mapped ? { host: MAPPED_IPV4 + to.host, port: to.port } : to);
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
