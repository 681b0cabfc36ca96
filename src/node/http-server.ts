import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { ErrorCodes, PeerwayError, type Logger } from '../core/index.js';
import { HTTP_BODY_TIMEOUT_MS, MAX_REQUEST_BODY_BYTES, MAX_URL_LENGTH } from './constants.js';
import { ConnectionGuard, type ConnectionLimits, type HttpStats } from './http-connections.js';

/** A route's answer: a JSON value, or text (or bytes) with its content type. */
export type RouteResult =
  | { json: unknown; status?: number }
  | { text: string | Uint8Array; contentType: string; status?: number; cacheSeconds?: number };

/** What a handler learns of its request. */
export interface RouteRequest {
  /** The path's `:name` segments (and `*` for the rest of a path under a `/*` route). */
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** A POST's body, parsed as JSON (at most {@link MAX_REQUEST_BODY_BYTES}); undefined otherwise. */
  body?: unknown;
}

/** A handler: answers a request. */
export type RouteHandler = (req: RouteRequest) => RouteResult | Promise<RouteResult>;

/**
 * A route with more than GET: `post` reads a small JSON body; `delete` takes none; `stream` takes
 * the response over (server-sent events) and must end it itself.
 */
export interface RouteMethods {
  get?: RouteHandler;
  post?: RouteHandler;
  delete?: RouteHandler;
  stream?: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * Handlers by path: an exact path, a path with `:name` segments (`/api/x/:id/peers`), or a prefix
 * ending in `/*`. A bare function is a GET (and HEAD) handler.
 */
export type Routes = Record<string, RouteHandler | RouteMethods>;

interface CompiledRoute {
  segments: string[];
  wildcard: boolean;
  methods: RouteMethods;
}

/** Splits the routes into exact ones (a map) and patterns (tried in order). */
function compile(routes: Routes): { exact: Map<string, RouteMethods>; patterns: CompiledRoute[] } {
  const exact = new Map<string, RouteMethods>();
  const patterns: CompiledRoute[] = [];
  for (const [path, route] of Object.entries(routes)) {
    const methods = typeof route === 'function' ? { get: route } : route;
    if (!path.includes(':') && !path.endsWith('/*')) {
      exact.set(path, methods);
      continue;
    }
    const wildcard = path.endsWith('/*');
    const segments = (wildcard ? path.slice(0, -2) : path).split('/');
    patterns.push({ segments, wildcard, methods });
  }
  return { exact, patterns };
}

/** Matches a path against a compiled pattern; the params when it matches. */
function match(route: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined {
  const { segments, wildcard } = route;
  if (wildcard ? parts.length <= segments.length : parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i]!;
    if (segment.startsWith(':')) {
      if (part === '') return undefined;
      try {
        params[segment.slice(1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (segment !== part) return undefined;
  }
  if (wildcard) params['*'] = parts.slice(segments.length).join('/');
  return params;
}

/**
 * The node's HTTP server: GET (and HEAD) routes by exact path, `:name` segments or `/*` prefix,
 * a few POST routes with a small JSON body, server-sent event streams, and JSON 404/405/500 for
 * everything else. No framework; the handful of routes does not need one. A request that carries
 * a body to a route that reads none is answered and its connection closed rather than the body
 * drained.
 * Connections are capped, and budgeted per source address (see {@link ConnectionGuard}): a TCP
 * listener screens each one before it reaches Node's HTTP machinery.
 */
export class HttpServer {
  readonly #server: Server;
  readonly #tcp: TcpServer;
  readonly #exact: Map<string, RouteMethods>;
  readonly #patterns: CompiledRoute[];
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
    ({ exact: this.#exact, patterns: this.#patterns } = compile(routes));
    this.#logger = logger;
    this.#server = createServer((req, res) => {
      if (!this.#guard.admit(req, res)) return;
      this.stats.requests++;
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

  /** The route for a path, with its params; undefined when none matches. */
  #resolve(path: string): { methods: RouteMethods; params: Record<string, string> } | undefined {
    const exact = this.#exact.get(path);
    if (exact !== undefined) return { methods: exact, params: {} };
    const parts = path.split('/');
    for (const route of this.#patterns) {
      const params = match(route, parts);
      if (params !== undefined) return { methods: route.methods, params };
    }
    return undefined;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    const found = url.length > MAX_URL_LENGTH ? undefined : this.#resolve(url.split('?', 1)[0]!);
    const readsBody = method === 'POST' && found?.methods.post !== undefined;
    if (hasBody(req) && !readsBody) this.#closeAfter(req, res);
    if (url.length > MAX_URL_LENGTH) return send(res, 414, { error: 'URL too long' });
    if (found === undefined) return send(res, 404, { error: 'not found', path: url.split('?', 1)[0] });
    const { methods, params } = found;
    const query = new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '');
    const request: RouteRequest = { params, query, headers: req.headers };
    if (method === 'GET' && methods.stream !== undefined) {
      methods.stream(req, res);
      return;
    }
    let handler: RouteHandler | undefined;
    if (method === 'GET' || method === 'HEAD') handler = methods.get;
    else if (method === 'POST') handler = methods.post;
    else if (method === 'DELETE') handler = methods.delete;
    if (handler === undefined) {
      const allow = [
        methods.get || methods.stream ? 'GET, HEAD' : '',
        methods.post ? 'POST' : '',
        methods.delete ? 'DELETE' : '',
      ]
        .filter((m) => m !== '')
        .join(', ');
      res.setHeader('allow', allow);
      return send(res, 405, { error: 'method not allowed' });
    }
    if (readsBody) {
      const body = await readJsonBody(req);
      if ('error' in body) {
        this.stats.bodiesRefused++;
        res.shouldKeepAlive = false;
        res.setHeader('connection', 'close');
        res.once('finish', () => req.socket.destroy());
        return send(res, body.status, { error: body.error });
      }
      request.body = body.value;
    }
    const result = await handler(request);
    const headOnly = method === 'HEAD';
    if ('json' in result) send(res, result.status ?? 200, result.json, headOnly);
    else {
      const cache = result.cacheSeconds === undefined ? 'no-store' : `max-age=${result.cacheSeconds}`;
      res.writeHead(result.status ?? 200, {
        'content-type': result.contentType,
        'content-length': Buffer.byteLength(result.text),
        'cache-control': cache,
        'x-content-type-options': 'nosniff',
      });
      res.end(headOnly ? undefined : result.text);
    }
  }
}

/**
 * Reads a JSON body of at most {@link MAX_REQUEST_BODY_BYTES} within {@link HTTP_BODY_TIMEOUT_MS}:
 * a longer, slower or malformed one is refused (413, 408, 400) and its connection closed.
 */
function readJsonBody(req: IncomingMessage): Promise<{ value: unknown } | { error: string; status: number }> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BODY_BYTES) {
      resolve({ error: `body over ${MAX_REQUEST_BODY_BYTES} bytes`, status: 413 });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (out: { value: unknown } | { error: string; status: number }): void => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(out);
    };
    const timer = setTimeout(() => finish({ error: 'body too slow', status: 408 }), HTTP_BODY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        req.pause();
        finish({ error: `body over ${MAX_REQUEST_BODY_BYTES} bytes`, status: 413 });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return finish({ value: {} });
      try {
        finish({ value: JSON.parse(text) as unknown });
      } catch {
        finish({ error: 'body is not JSON', status: 400 });
      }
    };
    const onError = (): void => finish({ error: 'body not received', status: 400 });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
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
