/**
 * The listener's protocol registry (`Multiselect`, after py-libp2p's): handlers by protocol id,
 * counters, and the call that negotiates a stream and starts its handler.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { bump, isPeerwayError, silentLogger, type Logger } from '../core/index.js';
import { ListenerExchange } from './listener-exchange.js';
import type { ListenOptions } from './listener.js';
import { negotiate } from './negotiation.js';
import { ProtocolTable, type Negotiated, type TableEntry } from './protocol-table.js';

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
    const exchange = new ListenerExchange(
      this.table,
      this.stats,
      options.eagerHeader ?? this.eagerHeader,
      pickNegotiated,
    );
    try {
      const result = await negotiate(exchange, stream, {
        signal: options.signal,
        timeout: options.timeout ?? this.timeout,
      });
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
