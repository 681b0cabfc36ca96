import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../core/index.js';
import { AddressBudget, type AddressRates } from './http-address-budget.js';

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
  /** Connections closed because their source address spent its budget of connections or requests. */
  overBudget: number;
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
  /** Budget of new connections and requests per source address (see {@link AddressBudget}). */
  perAddress: AddressRates;
}

/** What the guard knows of one open connection. */
interface Connection {
  /** Requests admitted and not yet answered. */
  inFlight: Set<IncomingMessage>;
  /** The source address, whose budget the connection's requests spend. */
  address: string;
}

/**
 * Caps the HTTP server's connections with its own accounting, so that idle connections cannot
 * lock honest clients out: at the cap, a new connection takes the place of the oldest one that has
 * no request in flight (one that never sent a request, or a kept-alive one between requests); only
 * when every connection is busy is the newcomer refused. Silent connections time out. A connection
 * that pipelines more requests than the cap is closed, so one read of a flood costs a bounded
 * number of answers and the event loop stays free for everyone else. Each source address has a
 * budget of new connections and requests per second ({@link AddressBudget}); an address past it
 * is closed at accept, before Node parses (and, on close, aborts one by one) what it pipelined.
 */
export class ConnectionGuard {
  // Insertion order is age: the first idle entry is the oldest idle connection.
  readonly #open = new Map<Socket, Connection>();
  readonly #limits: ConnectionLimits;
  readonly #stats: HttpStats;
  readonly #logger: Logger;
  readonly #budget: AddressBudget;

  constructor(server: Server, limits: ConnectionLimits, stats: HttpStats, logger: Logger) {
    this.#limits = limits;
    this.#budget = new AddressBudget(limits.perAddress);
    this.#stats = stats;
    this.#logger = logger;
    server.setTimeout(limits.idleTimeoutMs);
    server.on('timeout', (socket: Socket) => {
      stats.timedOut++;
      socket.destroy();
    });
  }

  /**
   * Call first for every request: false when the request must not be answered (its connection is
   * gone, or has just been closed for pipelining past the cap).
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const socket = req.socket;
    const entry = this.#open.get(socket);
    if (entry === undefined) return drop(req);
    // Every request parsed spends the address's budget, answered or not: parsing it has cost.
    const withinBudget = this.#budget.takeRequest(entry.address);
    if (socket.destroyed) return drop(req);
    if (entry.inFlight.size >= this.#limits.maxPipelined) {
      this.#stats.requestsDropped++;
      return this.#close(socket, entry, req);
    }
    if (!withinBudget) {
      this.#stats.overBudget++;
      return this.#close(socket, entry, req);
    }
    entry.inFlight.add(req);
    res.once('close', () => entry.inFlight.delete(req));
    return true;
  }

  /** Closes a connection and drops its requests, the one being admitted too; returns false. */
  #close(socket: Socket, entry: Connection, req: IncomingMessage): false {
    for (const pending of entry.inFlight) drop(pending);
    socket.destroy();
    return drop(req);
  }

  /**
   * Call for every accepted TCP connection before it reaches the HTTP server: false when it was
   * closed (its address is over budget, or the cap is full of busy connections), so a refused
   * connection costs no HTTP parser and no request objects.
   */
  accept(socket: Socket): boolean {
    // A socket that closed before accept completed has no address; it is gone already.
    const address = socket.remoteAddress ?? '';
    if (!this.#budget.takeConnection(address)) {
      this.#stats.overBudget++;
      socket.destroy();
      return false;
    }
    if (this.#open.size >= this.#limits.maxConnections && !this.#evictOldestIdle()) {
      this.#stats.refused++;
      if (this.#stats.refused === 1 || this.#stats.refused % 1000 === 0) {
        this.#logger.warn(
          { refused: this.#stats.refused, max: this.#limits.maxConnections },
          'http connection cap reached',
        );
      }
      socket.destroy();
      return false;
    }
    this.#stats.accepted++;
    this.#open.set(socket, { inFlight: new Set(), address });
    socket.once('close', () => this.#open.delete(socket));
    return true;
  }

  #evictOldestIdle(): boolean {
    for (const [socket, entry] of this.#open) {
      if (entry.inFlight.size > 0) continue;
      this.#open.delete(socket);
      socket.destroy();
      this.#stats.evicted++;
      return true;
    }
    return false;
  }
}

/**
 * Destroys a request that will not be answered, without an error; returns false. When its
 * connection closes, Node aborts every request not yet answered with an ECONNRESET error whose
 * stack it formats (with source maps, about half a millisecond each): a request destroyed already
 * skips that, so closing a connection that pipelined a hundred requests stays cheap.
 */
function drop(req: IncomingMessage): false {
  req.destroy();
  return false;
}
