/**
 * Listens on TCP and/or TLS (through transport's listeners) and runs one {@link RpcConnection} per
 * client with a shared handler, shared counters and a cap on sessions.
 *
 * @module
 */
import type net from 'node:net';
import { ErrorCodes, StartableBase, PeerwayError, type Logger, silentLogger } from '../core/index.js';
import {
  addressBucket,
  listenTcp,
  listenTls,
  type TcpListener,
  type TlsListener,
} from '../transport/index.js';
import { DEFAULT_HOST, HELLO_IDLE_MS, MAX_SESSIONS, MAX_SESSIONS_PER_SOURCE } from './constants.js';
import { RpcConnection, type RpcConnectionInit, type RpcHandler } from './rpc-connection.js';
import { newRpcStats, type RpcStats } from './rpc-stats.js';

/** A certificate and key in PEM. */
export interface TlsIdentity {
  key: string;
  cert: string;
}

/** Session limits passed to every connection. */
export type SessionLimits = Pick<
  RpcConnectionInit,
  | 'maxLine'
  | 'maxInFlight'
  | 'maxBatch'
  | 'handlerTimeout'
  | 'idleTimeout'
  | 'helloTimeout'
  | 'writeHighWater'
  | 'maxWriteBuffer'
>;

/** Options for {@link RpcServer}. */
export interface RpcServerInit {
  handler: RpcHandler;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** TCP port (0 picks one; null: no TCP). @default 0 */
  tcpPort?: number | null;
  /** TLS port (0 picks one; null: no TLS). Needs `tls`. @default null */
  sslPort?: number | null;
  /** Certificate for the TLS listener. */
  tls?: TlsIdentity | undefined;
  /** Sessions at once; more are closed on accept. @default 1000 */
  maxSessions?: number;
  /** Sessions from one IPv4 address or IPv6 /64 at once; more are closed on accept. @default 16 */
  maxSessionsPerSource?: number;
  /**
   * Per-session limits. @default the RpcConnection defaults, except `helloTimeout`: 10000 (a
   * handler calls `connection.identify()` once the client has said who it is)
   */
  limits?: SessionLimits;
  /** @default silentLogger */
  logger?: Logger;
}

/** A JSON-RPC line server over TCP and TLS. */
export class RpcServer extends StartableBase {
  /** Shared JSON-RPC counters of every session. */
  readonly rpcStats: RpcStats = newRpcStats();
  /** Session counters. */
  readonly sessionStats = { accepted: 0, refused: 0, refusedPerSource: 0, open: 0 };
  private readonly sessions = new Set<RpcConnection>();
  private readonly perSource = new Map<string, number>();
  private readonly logger: Logger;
  private tcp: TcpListener | undefined;
  private ssl: TlsListener | undefined;
  private closing = false;

  constructor(private readonly init: RpcServerInit) {
    super();
    this.logger = init.logger ?? silentLogger;
  }

  /** The bound TCP port, once started. */
  get tcpPort(): number | null {
    return this.tcp?.port ?? null;
  }

  /** The bound TLS port, once started. */
  get sslPort(): number | null {
    return this.ssl?.port ?? null;
  }

  /** TLS handshakes that failed (counted by the listener). */
  get tlsHandshakeFailed(): number {
    return this.ssl?.stats.handshakeFailed ?? 0;
  }

  /** Binds the listeners. Rejects with ERR_LISTEN_FAILED. */
  protected async onStart(): Promise<void> {
    const host = this.init.host ?? DEFAULT_HOST;
    const tcpPort = this.init.tcpPort === undefined ? 0 : this.init.tcpPort;
    const sslPort = this.init.sslPort ?? null;
    if (tcpPort !== null) this.tcp = await listenTcp(this.accept, { host, port: tcpPort });
    if (sslPort !== null) {
      const identity = this.init.tls;
      if (identity === undefined) {
        throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'a TLS port needs a certificate (tls)');
      }
      this.ssl = await listenTls(this.accept, {
        host,
        port: sslPort,
        key: identity.key,
        cert: identity.cert,
      });
    }
  }

  /** Closes the listeners and every session. */
  protected async onStop(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.sessions].map((c) => c.close()));
    await Promise.all([this.tcp?.close(), this.ssl?.close()]);
  }

  private readonly accept = (socket: net.Socket): void => {
    if (this.closing || this.sessions.size >= (this.init.maxSessions ?? MAX_SESSIONS)) {
      this.sessionStats.refused++;
      socket.destroy();
      return;
    }
    const source = sourceKey(socket.remoteAddress);
    const fromSource = this.perSource.get(source) ?? 0;
    if (fromSource >= (this.init.maxSessionsPerSource ?? MAX_SESSIONS_PER_SOURCE)) {
      // One source must not hold every slot: the rest of the world keeps its share.
      this.sessionStats.refusedPerSource++;
      socket.destroy();
      return;
    }
    this.perSource.set(source, fromSource + 1);
    socket.setNoDelay(true);
    this.sessionStats.accepted++;
    const connection = new RpcConnection({
      socket,
      handler: this.init.handler,
      stats: this.rpcStats,
      logger: this.logger,
      helloTimeout: HELLO_IDLE_MS,
      ...this.init.limits,
    });
    this.sessions.add(connection);
    this.sessionStats.open = this.sessions.size;
    connection.once('close', () => {
      this.sessions.delete(connection);
      this.sessionStats.open = this.sessions.size;
      const left = (this.perSource.get(source) ?? 1) - 1;
      if (left > 0) this.perSource.set(source, left);
      else this.perSource.delete(source);
    });
  };
}

/** The key sessions are counted under: the IPv4 address, or the IPv6 /64 one subscriber holds. */
function sourceKey(address: string | undefined): string {
  return address === undefined ? '' : addressBucket(address, { ipv4Prefix: 32, ipv6Prefix: 64 });
}
