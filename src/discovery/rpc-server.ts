/**
 * Listens on TCP and/or TLS and runs one {@link RpcConnection} per client with a shared handler,
 * shared counters and a cap on sessions.
 *
 * @module
 */
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { ErrorCodes, PeerwayError, type Logger, silentLogger } from '../core/index.js';
import { MAX_SESSIONS } from './constants.js';
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
  'maxLine' | 'maxInFlight' | 'maxBatch' | 'handlerTimeout' | 'idleTimeout'
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
  /** Per-session limits. @default the RpcConnection defaults */
  limits?: SessionLimits;
  /** @default silentLogger */
  logger?: Logger;
}

/** A JSON-RPC line server over TCP and TLS. */
export class RpcServer {
  /** Shared JSON-RPC counters of every session. */
  readonly rpcStats: RpcStats = newRpcStats();
  /** Session counters. */
  readonly sessionStats = { accepted: 0, refused: 0, open: 0 };
  private readonly sessions = new Set<RpcConnection>();
  private readonly servers: net.Server[] = [];
  private readonly logger: Logger;
  private tcp: number | null = null;
  private ssl: number | null = null;
  private stopping: Promise<void> | undefined;

  constructor(private readonly init: RpcServerInit) {
    this.logger = init.logger ?? silentLogger;
  }

  /** The bound TCP port, once started. */
  get tcpPort(): number | null {
    return this.tcp;
  }

  /** The bound TLS port, once started. */
  get sslPort(): number | null {
    return this.ssl;
  }

  /** Binds the listeners. */
  async start(): Promise<void> {
    const host = this.init.host ?? '127.0.0.1';
    const tcpPort = this.init.tcpPort === undefined ? 0 : this.init.tcpPort;
    const sslPort = this.init.sslPort ?? null;
    try {
      if (tcpPort !== null) this.tcp = await this.listen(net.createServer(this.accept), host, tcpPort);
      if (sslPort !== null) {
        if (this.init.tls === undefined) throw new Error('sslPort needs a tls identity');
        const server = tls.createServer({ key: this.init.tls.key, cert: this.init.tls.cert });
        server.on('secureConnection', this.accept);
        server.on('tlsClientError', (err) => this.logger.debug({ err }, 'tls handshake failed'));
        this.ssl = await this.listen(server, host, sslPort);
      }
    } catch (err) {
      await this.stop();
      throw new PeerwayError(ErrorCodes.LISTEN_FAILED, `discovery listen on ${host} failed`, { cause: err });
    }
  }

  private async listen(server: net.Server, host: string, port: number): Promise<number> {
    this.servers.push(server);
    server.listen({ host, port });
    await once(server, 'listening');
    return (server.address() as net.AddressInfo).port;
  }

  private readonly accept = (socket: net.Socket): void => {
    if (this.stopping !== undefined || this.sessions.size >= (this.init.maxSessions ?? MAX_SESSIONS)) {
      this.sessionStats.refused++;
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.sessionStats.accepted++;
    const connection = new RpcConnection({
      socket,
      handler: this.init.handler,
      stats: this.rpcStats,
      logger: this.logger,
      ...this.init.limits,
    });
    this.sessions.add(connection);
    this.sessionStats.open = this.sessions.size;
    connection.once('close', () => {
      this.sessions.delete(connection);
      this.sessionStats.open = this.sessions.size;
    });
  };

  /** Closes the listeners and every session; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const closed = this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      await Promise.all([...this.sessions].map((c) => c.close()));
      await Promise.all(closed);
    })();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
