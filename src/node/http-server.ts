import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { ErrorCodes, PeerwayError, type Logger } from '../core/index.js';
import { MAX_URL_LENGTH } from './constants.js';
import { ConnectionGuard, type ConnectionLimits, type HttpStats } from './http-connections.js';

/** A route's answer: a JSON value, or text with its content type. */
export type RouteResult = { json: unknown; status?: number } | { text: string; contentType: string };

/** GET handlers by exact path. */
export type Routes = Record<string, () => RouteResult | Promise<RouteResult>>;

/**
 * The node's HTTP server: exact-path GET (and HEAD) routes, JSON 404/405/500 for everything
 * else. No framework; the handful of routes does not need one. No route reads a request body, so
 * a request that carries one is answered and its connection closed rather than the body drained.
 * Connections are capped, and budgeted per source address (see {@link ConnectionGuard}): a TCP
 * listener screens each one before it reaches Node's HTTP machinery.
 */
export class HttpServer {
  readonly #server: Server;
  readonly #tcp: TcpServer;
  readonly #routes: Routes;
  readonly #logger: Logger;
  readonly #guard: ConnectionGuard;
  #closing: Promise<void> | undefined;
  /** What the server accepted, refused and closed. */
  readonly stats: HttpStats = {
    requests: 0,
    accepted: 0,
    refused: 0,
    evicted: 0,
    timedOut: 0,
    requestsDropped: 0,
    bodiesRefused: 0,
    overBudget: 0,
  };

  constructor(routes: Routes, logger: Logger, limits: ConnectionLimits) {
    this.#routes = routes;
    this.#logger = logger;
    this.#server = createServer((req, res) => {
      if (!this.#guard.admit(req, res)) return;
      this.stats.requests++;
      if (hasBody(req)) this.#closeAfter(req, res);
      this.#handle(req, res).catch((err: unknown) => {
        this.#logger.error({ err: String(err), url: req.url }, 'request failed');
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
        else res.destroy();
      });
    });
    this.#guard = new ConnectionGuard(this.#server, limits, this.stats, logger);
    // The TCP listener screens each connection before handing it to the HTTP server (Node's
    // documented way to inject a connection): a refused one never gets a parser.
    this.#tcp = createTcpServer({ noDelay: true }, (socket) => {
      if (this.#guard.accept(socket)) this.#server.emit('connection', socket);
    });
  }

  /**
   * Answers with `Connection: close` and closes the socket once the answer is out: Node would
   * otherwise read the unread body to its end to keep the connection alive.
   */
  #closeAfter(req: IncomingMessage, res: ServerResponse): void {
    this.stats.bodiesRefused++;
    const socket = req.socket;
    res.shouldKeepAlive = false;
    res.setHeader('connection', 'close');
    res.once('finish', () => socket.destroy());
  }

  /** Binds; port 0 picks a free one. Throws ERR_LISTEN_FAILED. */
  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => {
        reject(
          new PeerwayError(ErrorCodes.LISTEN_FAILED, `cannot listen on ${host}:${port}: ${err.message}`, {
            cause: err,
          }),
        );
      };
      this.#tcp.once('error', onError);
      this.#tcp.listen(port, host, () => {
        this.#tcp.off('error', onError);
        // Starts the HTTP server's own connection tracking (header and request timeouts,
        // closeAllConnections), which Node sets up when the HTTP server itself listens.
        this.#server.emit('listening');
        resolve();
      });
    });
    return this.#tcp.address() as AddressInfo;
  }

  /** Stops listening and drops open connections (keep-alive ones too); idempotent. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      if (!this.#tcp.listening) {
        resolve();
        return;
      }
      this.#tcp.close(() => resolve());
      // Stops the HTTP server's connection checks; it never listened itself, hence the ignored error.
      this.#server.close(() => {});
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (url.length > MAX_URL_LENGTH) return send(res, 414, { error: 'URL too long' });
    const path = url.split('?', 1)[0]!;
    const route = Object.hasOwn(this.#routes, path) ? this.#routes[path] : undefined;
    if (route === undefined) return send(res, 404, { error: 'not found', path });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, { error: 'method not allowed' });
    }
    const result = await route();
    const headOnly = req.method === 'HEAD';
    if ('json' in result) send(res, result.status ?? 200, result.json, headOnly);
    else {
      res.writeHead(200, { 'content-type': result.contentType, 'cache-control': 'no-store' });
      res.end(headOnly ? undefined : result.text);
    }
  }
}

function send(res: ServerResponse, status: number, body: unknown, headOnly = false): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(headOnly ? undefined : text);
}

/** True when the request announces a body (any length but 0, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}
