import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../core/index.js';

/** Counters of the node's HTTP server, exported on /metrics as `peerway_http_<counter>`. */
export interface HttpStats {
  /** Requests routed. */
  requests: number;
  /** Connections accepted. */
  accepted: number;
  /** New connections closed at once: the cap was reached and every open one had a request in flight. */
  refused: number;
  /** Idle connections closed to make room for a new one at the cap. */
  evicted: number;
  /** Connections closed after the idle timeout. */
  timedOut: number;
  /** Requests pipelined past a connection's cap of unanswered ones; the connection was closed. */
  requestsDropped: number;
  /** Requests that carried a body (none of our routes reads one): answered, then the connection closed. */
  bodiesRefused: number;
}

/** Limits of {@link ConnectionGuard}. */
export interface ConnectionLimits {
  /** Most connections open at once. */
  maxConnections: number;
  /** A connection with no traffic for this long is closed. */
  idleTimeoutMs: number;
  /** Most requests one connection may have waiting for their answers (HTTP/1.1 pipelining). */
  maxPipelined: number;
}

/** What the guard knows of one open connection. */
interface Connection {
  /** Requests admitted and not yet answered. */
  inFlight: number;
}

/**
 * Caps the HTTP server's connections with its own accounting, so that idle connections cannot
 * lock honest clients out: at the cap, a new connection takes the place of the oldest one that has
 * no request in flight (one that never sent a request, or a kept-alive one between requests); only
 * when every connection is busy is the newcomer refused. Silent connections time out. A connection
 * that pipelines more requests than the cap is closed, so one read of a flood costs a bounded
 * number of answers and the event loop stays free for everyone else.
 */
export class ConnectionGuard {
  // Insertion order is age: the first idle entry is the oldest idle connection.
  readonly #open = new Map<Socket, Connection>();
  readonly #limits: ConnectionLimits;
  readonly #stats: HttpStats;
  readonly #logger: Logger;

  constructor(server: Server, limits: ConnectionLimits, stats: HttpStats, logger: Logger) {
    this.#limits = limits;
    this.#stats = stats;
    this.#logger = logger;
    server.setTimeout(limits.idleTimeoutMs);
    server.on('timeout', (socket: Socket) => {
      stats.timedOut++;
      socket.destroy();
    });
    server.on('connection', (socket: Socket) => this.#onConnection(socket));
  }

  /**
   * Call first for every request: false when the request must not be answered (its connection is
   * gone, or has just been closed for pipelining past the cap).
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const socket = req.socket;
    const entry = this.#open.get(socket);
    if (entry === undefined || socket.destroyed) return false;
    if (entry.inFlight >= this.#limits.maxPipelined) {
      this.#stats.requestsDropped++;
      socket.destroy();
      return false;
    }
    entry.inFlight++;
    res.once('close', () => entry.inFlight--);
    return true;
  }

  #onConnection(socket: Socket): void {
    if (this.#open.size >= this.#limits.maxConnections && !this.#evictOldestIdle()) {
      this.#stats.refused++;
      if (this.#stats.refused === 1 || this.#stats.refused % 1000 === 0) {
        this.#logger.warn(
          { refused: this.#stats.refused, max: this.#limits.maxConnections },
          'http connection cap reached',
        );
      }
      socket.destroy();
      return;
    }
    this.#stats.accepted++;
    this.#open.set(socket, { inFlight: 0 });
    socket.once('close', () => this.#open.delete(socket));
  }

  #evictOldestIdle(): boolean {
    for (const [socket, entry] of this.#open) {
      if (entry.inFlight > 0) continue;
      this.#open.delete(socket);
      socket.destroy();
      this.#stats.evicted++;
      return true;
    }
    return false;
  }
}
