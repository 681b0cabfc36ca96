/**
 * The listener side as a registry (`Multiselect`, after py-libp2p's) and as a one-call `handle`.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import {
  ErrorCodes,
  bump,
  isPeerwayError,
  silentLogger,
  toPeerwayError,
  type Logger,
} from '../core/index.js';
import { multistreamError } from './errors.js';
import {
  ListenExchange,
  ProtocolTable,
  type ListenOptions,
  type Negotiated,
  type TableEntry,
} from './negotiate.js';

/**
 * Runs a negotiated protocol on its stream. A rejection or throw destroys the stream. From the
 * moment it is called the stream is the handler's, errors included: attach an 'error' listener
 * (a peer that writes and resets, as lazy dialers may, makes the echo's write fail).
 */
export type ProtocolHandler = (stream: Duplex, protocol: string) => void | Promise<void>;

/** Options for {@link Multiselect}. */
export interface MultiselectInit {
  /** Protocols offered from the start, id to handler. @default {} */
  handlers?: Record<string, ProtocolHandler>;
  /** Negotiation deadline in milliseconds; 0 disables it. @default 10000 */
  timeout?: number;
  /** Send our header before reading anything, as go-multistream does. @default false */
  eagerHeader?: boolean;
  /** Where failures are logged (debug level). @default silentLogger */
  logger?: Logger;
}

/** Counters of a {@link Multiselect}. */
export interface MultiselectStats {
  [key: string]: number | Record<string, number>;
  /** Negotiations that ended with an echoed protocol. */
  negotiated: number;
  /** Proposals answered with `na`. */
  na: number;
  /** `ls` requests answered. */
  ls: number;
  /** Handlers that threw or rejected. */
  handlerErrors: number;
  /** Failed negotiations by error code. */
  failed: Record<string, number>;
}

/**
 * A listener's protocol registry: add handlers, then `handle()` each new stream (negotiate and
 * run the handler) or `negotiate()` it and run the handler yourself.
 *
 * @example
 * ```ts
 * const mss = new Multiselect({ handlers: { '/echo/1.0.0': (s) => s.pipe(s) } });
 * await using server = await listenTcp((socket) => void mss.handle(socket).catch(() => {}));
 * ```
 */
export class Multiselect {
  /** Counters, read by the node's metrics. */
  readonly stats: MultiselectStats = { negotiated: 0, na: 0, ls: 0, handlerErrors: 0, failed: {} };
  private readonly table = new ProtocolTable<ProtocolHandler>();
  private readonly timeout: number | undefined;
  private readonly eagerHeader: boolean;
  private readonly logger: Logger;

  constructor(init: MultiselectInit = {}) {
    this.timeout = init.timeout;
    this.eagerHeader = init.eagerHeader ?? false;
    this.logger = init.logger ?? silentLogger;
    for (const [protocol, handler] of Object.entries(init.handlers ?? {})) this.addHandler(protocol, handler);
  }

  /** Offers `protocol`, replacing any handler it had. Throws ERR_INVALID_ARGUMENT for a bad id. */
  addHandler(protocol: string, handler: ProtocolHandler): void {
    this.table.set(protocol, handler);
  }

  /** Stops offering `protocol`; returns whether it was offered. */
  removeHandler(protocol: string): boolean {
    return this.table.delete(protocol);
  }

  /** The offered protocols, in the order they were added (also the `ls` order). */
  getProtocols(): string[] {
    return this.table.protocols();
  }

  /**
   * Runs the listener side of the negotiation on `stream` and resolves with the agreed protocol
   * and its handler, without running it. On failure the stream is reset and the promise rejects
   * with a PeerwayError listing the proposals refused.
   */
  async negotiate(stream: Duplex, options: ListenOptions = {}): Promise<Negotiated<ProtocolHandler>> {
    const exchange = new ListenExchange(
      stream,
      this.table,
      this.stats,
      options.eagerHeader ?? this.eagerHeader,
      pickNegotiated,
      {
        signal: options.signal,
        timeout: options.timeout ?? this.timeout,
      },
    );
    try {
      const result = await exchange.run();
      this.stats.negotiated++;
      return result;
    } catch (err) {
      bump(this.stats.failed, isPeerwayError(err) ? err.code : 'unknown');
      this.logger.debug({ err }, 'multistream negotiation failed');
      throw err;
    }
  }

  /**
   * Negotiates, then starts the protocol's handler on the stream (not awaited). Resolves with the
   * protocol once negotiation is done. A handler that throws or rejects gets its stream destroyed.
   */
  async handle(stream: Duplex, options: ListenOptions = {}): Promise<string> {
    const { protocol, handler } = await this.negotiate(stream, options);
    runHandler(handler, stream, protocol, (err) => {
      this.stats.handlerErrors++;
      this.logger.debug({ err, protocol }, 'protocol handler failed');
    });
    return protocol;
  }
}

function runHandler(
  handler: ProtocolHandler,
  stream: Duplex,
  protocol: string,
  onError: (err: unknown) => void,
): void {
  const fail = (err: unknown): void => {
    onError(err);
    stream.destroy();
  };
  try {
    const result = handler(stream, protocol);
    if (result instanceof Promise) result.catch(fail);
  } catch (err) {
    fail(err);
  }
}

function pickNegotiated(entry: TableEntry<ProtocolHandler>): Negotiated<ProtocolHandler> {
  return entry.negotiated;
}

function pickProtocol(entry: TableEntry<undefined>): string {
  return entry.frames.protocol;
}

const tables = new Map<string, ProtocolTable<undefined>>();
const TABLE_CACHE_LIMIT = 256;
const NO_COUNTERS = { na: 0, ls: 0 };

function tableFor(protocols: readonly string[]): ProtocolTable<undefined> {
  // A server passes the same list every time: check it element by element before joining a key.
  if (last !== undefined && sameList(last.list, protocols)) return last.table;
  const key = protocols.join('\n');
  let table = tables.get(key);
  if (table === undefined) {
    table = new ProtocolTable<undefined>();
    for (const p of protocols) table.set(p, undefined);
    if (tables.size >= TABLE_CACHE_LIMIT) tables.clear();
    tables.set(key, table);
  }
  last = { list: [...protocols], table };
  return table;
}

let last: { list: readonly string[]; table: ProtocolTable<undefined> } | undefined;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The listener in one call: negotiates one of `protocols` on `stream` and resolves with it. Given
 * a handler map or a {@link Multiselect}, also starts the chosen handler. The stream then carries
 * the protocol, with any bytes the dialer sent behind its proposal delivered first.
 *
 * @example
 * ```ts
 * const server = await listenTcp(async (socket) => {
 *   const protocol = await handle(socket, ['/echo/1.0.0'], { timeout: 5000 });
 *   socket.pipe(socket);
 * });
 * ```
 */
export function handle(
  stream: Duplex,
  protocols: string | readonly string[] | Record<string, ProtocolHandler> | Multiselect,
  options: ListenOptions = {},
): Promise<string> {
  if (protocols instanceof Multiselect) return protocols.handle(stream, options);
  if (typeof protocols === 'string' || Array.isArray(protocols)) {
    const list: readonly string[] =
      typeof protocols === 'string' ? [protocols] : (protocols as readonly string[]);
    if (list.length === 0)
      return Promise.reject(multistreamError(ErrorCodes.INVALID_ARGUMENT, 'no protocols to offer'));
    let table;
    try {
      table = tableFor(list);
    } catch (err) {
      return Promise.reject(toPeerwayError(err, ErrorCodes.INVALID_ARGUMENT));
    }
    return new ListenExchange(
      stream,
      table,
      NO_COUNTERS,
      options.eagerHeader ?? false,
      pickProtocol,
      options,
    ).run();
  }
  return new Multiselect({ handlers: protocols as Record<string, ProtocolHandler> }).handle(stream, options);
}
