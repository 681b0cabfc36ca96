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
  /** Requests past a connection's request cap, answered with a bare 503 by Node. */
  requestsDropped: number;
  /** Requests that carried a body (none of our routes reads one): answered, then the connection closed. */
  bodiesRefused: number;
}

/** Limits of {@link guardConnections}. */
export interface ConnectionLimits {
  /** Most connections open at once. */
  maxConnections: number;
  /** A connection with no traffic for this long is closed. */
  idleTimeoutMs: number;
  /** Requests one connection may make; later ones get 503 and the connection closes. */
  maxRequestsPerConnection: number;
}

/**
 * Caps the HTTP server's connections with its own accounting, so that idle connections cannot
 * lock honest clients out: at the cap, a new connection takes the place of the oldest one that has
 * no request in flight (one that never sent a request, or a kept-alive one between requests); only
 * when every connection is busy is the newcomer refused. Silent connections time out, and one
 * connection's pipelined requests are capped.
 */
export function guardConnections(
  server: Server,
  limits: ConnectionLimits,
  stats: HttpStats,
  logger: Logger,
): void {
  // Insertion order is age: the first idle entry is the oldest idle connection.
  const open = new Map<Socket, Connection>();
  server.setTimeout(limits.idleTimeoutMs);
  server.maxRequestsPerSocket = limits.maxRequestsPerConnection;
  // Node answers requests past the cap with a 503 but keeps reading the connection: close it once
  // the answers it owes are written.
  server.on('dropRequest', (_req: IncomingMessage, socket: Socket) => {
    stats.requestsDropped++;
    const entry = open.get(socket);
    if (entry === undefined || entry.closing) return;
    entry.closing = true;
    setImmediate(() => closeIfDone(socket, entry));
  });
  server.on('timeout', (socket: Socket) => {
    stats.timedOut++;
    socket.destroy();
  });
  server.on('connection', (socket: Socket) => {
    if (open.size >= limits.maxConnections && !evictOldestIdle(open, stats)) {
      stats.refused++;
      if (stats.refused === 1 || stats.refused % 1000 === 0) {
        logger.warn({ refused: stats.refused, max: limits.maxConnections }, 'http connection cap reached');
      }
      socket.destroy();
      return;
    }
    stats.accepted++;
    open.set(socket, { inFlight: 0, closing: false });
    socket.once('close', () => open.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const entry = open.get(req.socket);
    if (entry === undefined) return;
    entry.inFlight++;
    res.once('close', () => {
      entry.inFlight--;
      closeIfDone(req.socket, entry);
    });
  });
}

/** What the guard knows of one open connection. */
interface Connection {
  /** Requests routed and not yet answered. */
  inFlight: number;
  /** Past its request cap: closed once nothing is in flight. */
  closing: boolean;
}

function closeIfDone(socket: Socket, entry: Connection): void {
  if (entry.closing && entry.inFlight === 0) socket.destroy();
}

function evictOldestIdle(open: Map<Socket, Connection>, stats: HttpStats): boolean {
  for (const [socket, entry] of open) {
    if (entry.inFlight > 0) continue;
    open.delete(socket);
    socket.destroy();
    stats.evicted++;
    return true;
  }
  return false;
}
