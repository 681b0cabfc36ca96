import type { Socket } from 'node:net';
import {
  ErrorCodes,
  PeerwayError,
  TypedEmitter,
  deadline,
  raceSignal,
  deferred,
  type AbortOptions,
  type Deferred,
  type Logger,
  silentLogger,
  LineDecoder,
} from '../core/index.js';
import {
  MAX_BATCH,
  MAX_IN_FLIGHT,
  MAX_PENDING_REQUESTS,
  MAX_REQUEST_BYTES,
  MAX_WRITE_BUFFER,
  REQUEST_TIMEOUT_MS,
  SESSION_IDLE_MS,
  WRITE_HIGH_WATER,
} from './constants.js';
import { RpcError } from './rpc-error.js';
import { newRpcStats, type RpcStats } from './rpc-stats.js';
import {
  RpcErrorCodes,
  decodeLine,
  errorObject,
  requestObject,
  resultObject,
  type RpcId,
  type RpcMessage,
  type RpcParams,
  type RpcRequest,
} from './rpc-message.js';

/** Answers one incoming request; its return value is the result. */
export type RpcHandler = (request: RpcRequest, connection: RpcConnection) => unknown;

/** Options for {@link RpcConnection}. */
export interface RpcConnectionInit {
  /** A connected TCP or TLS socket. */
  socket: Socket;
  /** Answers incoming requests; without one every request gets -32601. */
  handler?: RpcHandler;
  /** Longest line accepted; longer ones are dropped and counted. @default 1000000 */
  maxLine?: number;
  /**
   * Requests handled at once (a batch counts each entry, so a large one holds further lines back
   * until it is answered); further lines wait with the socket paused. @default 16
   */
  maxInFlight?: number;
  /** Our own requests waiting for replies at once. @default 64 */
  maxPending?: number;
  /** Entries per batch. @default 64 */
  maxBatch?: number;
  /** A handler slower than this is answered with -102. @default 30000 */
  handlerTimeout?: number;
  /** Close after this long without a received message (0: never). @default 600000 */
  idleTimeout?: number;
  /**
   * The idle timeout until {@link RpcConnection.identify} is called (a server calls it once the
   * client said who it is), when shorter than `idleTimeout`; 0: `idleTimeout` from the start.
   * @default 0
   */
  helloTimeout?: number;
  /** Queued output above which input is paused until the output drains. @default 65536 */
  writeHighWater?: number;
  /** Queued output above which the connection is closed: its peer does not read. @default 4194304 */
  maxWriteBuffer?: number;
  /** Default timeout of our own requests. @default 30000 */
  requestTimeout?: number;
  /** Shared counters. @default a private object */
  stats?: RpcStats;
  /** @default silentLogger */
  logger?: Logger;
}

/**
 * One JSON-RPC 2.0 connection over newline-framed JSON, usable from both ends: it answers
 * incoming requests through `handler` and sends its own with {@link RpcConnection.request}.
 *
 * @example
 * ```ts
 * const rpc = new RpcConnection({ socket: await dialTcp('127.0.0.1', 50001) });
 * console.log(await rpc.request('server.version', ['me', '1.4']));
 * await rpc.close();
 * ```
 */
export class RpcConnection extends TypedEmitter<{ close: [] }> {
  readonly stats: RpcStats;
  /** The remote IP address, as the socket saw it. */
  readonly remoteAddress: string;
  /** Per-connection state a handler may keep (server.version negotiated, client name...). */
  readonly state: Record<string, unknown> = {};
  private readonly socket: Socket;
  private readonly lines: LineDecoder;
  private readonly pending = new Map<RpcId, Deferred<unknown>>();
  private readonly queue: Buffer[] = [];
  private readonly opts: Required<Omit<RpcConnectionInit, 'socket' | 'handler' | 'stats' | 'logger'>>;
  private readonly handler: RpcHandler | undefined;
  private readonly logger: Logger;
  private idleTimer: NodeJS.Timeout | undefined;
  private identified: boolean;
  private outputBlocked = false;
  private inFlight = 0;
  private nextId = 0;
  private closing = false;
  private readonly done = deferred<void>();

  constructor(init: RpcConnectionInit) {
    super();
    this.socket = init.socket;
    this.handler = init.handler;
    this.stats = init.stats ?? newRpcStats();
    this.logger = init.logger ?? silentLogger;
    this.opts = {
      maxLine: init.maxLine ?? MAX_REQUEST_BYTES,
      maxInFlight: init.maxInFlight ?? MAX_IN_FLIGHT,
      maxPending: init.maxPending ?? MAX_PENDING_REQUESTS,
      maxBatch: init.maxBatch ?? MAX_BATCH,
      handlerTimeout: init.handlerTimeout ?? REQUEST_TIMEOUT_MS,
      idleTimeout: init.idleTimeout ?? SESSION_IDLE_MS,
      requestTimeout: init.requestTimeout ?? REQUEST_TIMEOUT_MS,
      helloTimeout: init.helloTimeout ?? 0,
      writeHighWater: init.writeHighWater ?? WRITE_HIGH_WATER,
      maxWriteBuffer: init.maxWriteBuffer ?? MAX_WRITE_BUFFER,
    };
    this.identified = this.opts.helloTimeout === 0;
    this.remoteAddress = this.socket.remoteAddress ?? '';
    // ElectrumX's tolerance: an overlong line is skipped and counted, the connection carries on.
    this.lines = new LineDecoder({ maxLineLength: this.opts.maxLine, onOverflow: 'skip' });
    this.armIdleTimer();
    this.socket.on('data', this.onData);
    this.socket.on('error', this.onError);
    this.socket.once('close', this.onClose);
    if (this.socket.destroyed) this.onClose();
  }

  /** True once the socket closed. */
  get closed(): boolean {
    return this.closing;
  }

  /** Resolves when the connection has closed. */
  get finished(): Promise<void> {
    return this.done.promise;
  }

  /**
   * Sends a request and waits for its result. Rejects with ERR_DISCOVERY_RPC_ERROR (details.code
   * holds the JSON-RPC code), ERR_DISCOVERY_CONNECTION_CLOSED, ERR_TIMEOUT or ERR_ABORTED.
   */
  async request(
    method: string,
    params: RpcParams = [],
    options: AbortOptions & { timeout?: number } = {},
  ): Promise<unknown> {
    if (this.closing) throw closedError(method);
    if (this.pending.size >= this.opts.maxPending) {
      throw new PeerwayError(ErrorCodes.DISCOVERY_TOO_MANY_REQUESTS, `${this.pending.size} requests pending`);
    }
    const id = this.nextId++;
    const reply = deferred<unknown>();
    this.pending.set(id, reply);
    this.send(requestObject(method, params, id));
    try {
      return await raceSignal(
        reply.promise,
        deadline(options.signal, options.timeout ?? this.opts.requestTimeout),
        method,
      );
    } finally {
      this.pending.delete(id);
    }
  }

  /**
   * Marks the peer as identified (for a server: a successful `server.version`): from now on the
   * idle timeout is `idleTimeout` instead of the shorter `helloTimeout`. Idempotent.
   */
  identify(): void {
    if (this.identified || this.closing) return;
    this.identified = true;
    this.armIdleTimer();
  }

  /** Sends a notification (no reply expected). */
  notify(method: string, params: RpcParams = []): void {
    if (!this.closing) this.send(requestObject(method, params));
  }

  /** Closes the connection at once; resolves when the socket has closed. Idempotent. */
  close(): Promise<void> {
    this.destroy();
    return this.done.promise;
  }

  private destroy(): void {
    this.socket.destroy();
    if (this.socket.destroyed && !this.closing) this.onClose();
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    const hello = !this.identified;
    const idle = this.opts.idleTimeout;
    const ms = hello ? (idle > 0 ? Math.min(this.opts.helloTimeout, idle) : this.opts.helloTimeout) : idle;
    this.idleTimer =
      ms > 0
        ? setTimeout(() => {
            this.stats[hello ? 'helloTimeouts' : 'idleTimeouts']++;
            this.logger.debug({ remote: this.remoteAddress, hello }, 'idle timeout');
            this.destroy();
          }, ms)
        : undefined;
  }

  private send(message: unknown): void {
    if (this.closing) return;
    const text = JSON.stringify(message) + '\n';
    const queued = this.socket.writableLength + text.length;
    if (queued > this.opts.maxWriteBuffer) {
      // The peer does not read: its unread replies would grow without bound. Close instead of
      // queueing this one.
      this.stats.outputOverflow++;
      this.logger.debug({ remote: this.remoteAddress, queued }, 'output backed up, dropping connection');
      this.destroy();
      return;
    }
    this.socket.write(text);
    if (this.socket.writableLength >= this.opts.writeHighWater && !this.outputBlocked) {
      // Stop taking requests until the peer reads what it was sent.
      this.outputBlocked = true;
      this.stats.backpressure++;
      this.socket.pause();
      this.socket.once('drain', this.onDrain);
    }
  }

  private readonly onDrain = (): void => {
    this.outputBlocked = false;
    this.pump();
  };

  private readonly onData = (chunk: Buffer): void => {
    const before = this.lines.dropped;
    this.lines.push(chunk);
    for (let line; (line = this.lines.next()) !== null;) this.queue.push(line);
    this.stats.oversize += this.lines.dropped - before;
    this.pump();
  };

  private pump(): void {
    while (
      this.queue.length > 0 &&
      this.inFlight < this.opts.maxInFlight &&
      !this.outputBlocked &&
      !this.closing
    ) {
      this.idleTimer?.refresh();
      this.handleLine(this.queue.shift()!);
    }
    if (this.closing) return;
    if (this.queue.length > 0 || this.outputBlocked) this.socket.pause();
    else this.socket.resume();
  }

  private handleLine(line: Buffer): void {
    if (line.length === 0 || line.every((b) => b === 0x20 || b === 0x09 || b === 0x0d)) return;
    const decoded = decodeLine(line, this.opts.maxBatch);
    if (!decoded.batch) {
      const m = decoded.message;
      if (m.kind === 'response') {
        this.onResponse(m);
        return;
      }
      this.track(this.answer(m).then((reply) => reply !== undefined && this.send(reply)));
      return;
    }
    const requests = decoded.messages.filter((m) => m.kind !== 'response');
    for (const m of decoded.messages) if (m.kind === 'response') this.onResponse(m);
    if (requests.length === 0) return;
    // A batch weighs as many requests as it holds: one line must not buy 64 times the work.
    this.track(
      Promise.all(requests.map((m) => this.answer(m))).then((replies) => {
        const out = replies.filter((r) => r !== undefined);
        if (out.length > 0) this.send(out);
      }),
      requests.length,
    );
  }

  private track(work: Promise<unknown>, weight = 1): void {
    this.inFlight += weight;
    work
      .catch((err: unknown) => this.logger.warn({ err }, 'rpc reply failed'))
      .finally(() => {
        this.inFlight -= weight;
        this.pump();
      });
  }

  /** Runs one request; returns the reply object, or undefined for a notification. */
  private async answer(m: RpcMessage): Promise<Record<string, unknown> | undefined> {
    if (m.kind === 'invalid') {
      this.stats.invalid++;
      this.stats.errorsSent++;
      return errorObject(m.id, m.code, m.message);
    }
    if (m.kind !== 'request') return undefined;
    const isNotification = m.id === undefined;
    if (isNotification) this.stats.notifications++;
    else this.stats.requests++;
    let timer: NodeJS.Timeout | undefined;
    try {
      if (this.handler === undefined)
        throw new RpcError(RpcErrorCodes.METHOD_NOT_FOUND, `unknown method "${m.method}"`);
      const handler = this.handler;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          this.stats.timeouts++;
          reject(new RpcError(RpcErrorCodes.SERVER_BUSY, 'server busy - request timed out'));
        }, this.opts.handlerTimeout);
      });
      const result = await Promise.race([Promise.resolve().then(() => handler(m, this)), timedOut]);
      return isNotification ? undefined : resultObject(m.id ?? null, result);
    } catch (err) {
      const rpc =
        err instanceof RpcError ? err : new RpcError(RpcErrorCodes.INTERNAL_ERROR, 'internal error');
      if (!(err instanceof RpcError)) this.logger.warn({ err, method: m.method }, 'handler failed');
      if (rpc.disconnect) setImmediate(() => this.socket.end());
      if (isNotification) return undefined;
      this.stats.errorsSent++;
      return errorObject(m.id ?? null, rpc.code, rpc.message);
    } finally {
      clearTimeout(timer);
    }
  }

  private onResponse(m: Extract<RpcMessage, { kind: 'response' }>): void {
    const waiter = m.id === null ? undefined : this.pending.get(m.id);
    if (waiter === undefined) {
      this.stats.unexpected++;
      return;
    }
    this.pending.delete(m.id!);
    if (m.error !== undefined) {
      waiter.reject(
        new PeerwayError(ErrorCodes.DISCOVERY_RPC_ERROR, m.error.message, {
          details: { code: m.error.code },
        }),
      );
    } else waiter.resolve(m.result);
  }

  private readonly onError = (err: Error): void => {
    this.logger.debug({ err, remote: this.remoteAddress }, 'socket error');
  };

  private readonly onClose = (): void => {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.idleTimer);
    this.socket.off('data', this.onData);
    this.socket.off('drain', this.onDrain);
    this.queue.length = 0;
    for (const [method, waiter] of this.pending) waiter.reject(closedError(String(method)));
    this.pending.clear();
    this.done.resolve();
    this.emit('close');
  };
}

function closedError(what: string): PeerwayError {
  return new PeerwayError(ErrorCodes.DISCOVERY_CONNECTION_CLOSED, `connection closed (${what})`);
}
