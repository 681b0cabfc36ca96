/**
 * The dialer as an object (`MultiselectClient`, after py-libp2p's): the same calls as the
 * functions in dialer.ts and ls.ts, with shared defaults, a logger and counters.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { bump, isPeerwayError, silentLogger, type Logger } from '../core/index.js';
import { handshake, select, trySelect, type SelectOptions } from './dialer.js';
import { lazySelect } from './lazy-dialer.js';
import { ls, type LsOptions } from './ls.js';
import type { NegotiateOptions } from './negotiation.js';

/** Options for {@link MultiselectClient}. */
export interface MultiselectClientInit {
  /** Deadline for each call in milliseconds, unless the call gives its own; 0 disables it. @default 10000 */
  timeout?: number;
  /** Where failures are logged (debug level). @default silentLogger */
  logger?: Logger;
}

/** Counters of a {@link MultiselectClient}. */
export interface MultiselectClientStats {
  [key: string]: number | Record<string, number>;
  /** Protocols agreed. */
  selected: number;
  /** `ls` replies received (a `na` answer counts too). */
  ls: number;
  /** Failed calls by error code. */
  failed: Record<string, number>;
}

/**
 * Dialer-side negotiation with shared defaults and counters.
 *
 * @example
 * ```ts
 * const client = new MultiselectClient({ timeout: 5000 });
 * const protocol = await client.selectOneOf(socket, ['/noise', '/tls/1.0.0']);
 * ```
 */
export class MultiselectClient {
  /** Counters, read by the node's metrics. */
  readonly stats: MultiselectClientStats = { selected: 0, ls: 0, failed: {} };
  private readonly timeout: number | undefined;
  private readonly logger: Logger;

  constructor(init: MultiselectClientInit = {}) {
    this.timeout = init.timeout;
    this.logger = init.logger ?? silentLogger;
  }

  /** Exchanges headers only (before {@link MultiselectClient.trySelect}). */
  handshake(stream: Duplex, options: NegotiateOptions = {}): Promise<void> {
    return this.track(handshake(stream, this.with(options)));
  }

  /** Handshake and the first of `protocols` the listener accepts (see {@link select}). */
  async selectOneOf(
    stream: Duplex,
    protocols: readonly string[],
    options: SelectOptions = {},
  ): Promise<string> {
    const protocol = await this.track(select(stream, protocols, this.with(options)));
    this.stats.selected++;
    return protocol;
  }

  /** One proposal on a stream whose handshake is done. */
  async trySelect(stream: Duplex, protocol: string, options: NegotiateOptions = {}): Promise<string> {
    const result = await this.track(trySelect(stream, protocol, this.with(options)));
    this.stats.selected++;
    return result;
  }

  /** The listener's protocol list, or undefined if it answered `na`. */
  async ls(stream: Duplex, options: LsOptions = {}): Promise<string[] | undefined> {
    const list = await this.track(ls(stream, this.with(options)));
    this.stats.ls++;
    return list;
  }

  /** Lazy select (see {@link lazySelect} for when it is unsafe). */
  lazySelect(stream: Duplex, protocol: string, options: NegotiateOptions = {}): Duplex {
    return lazySelect(stream, protocol, this.with(options));
  }

  private with<T extends NegotiateOptions>(options: T): T {
    return options.timeout === undefined && this.timeout !== undefined
      ? { ...options, timeout: this.timeout }
      : options;
  }

  private async track<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (err) {
      bump(this.stats.failed, isPeerwayError(err) ? err.code : 'unknown');
      this.logger.debug({ err }, 'multistream select failed');
      throw err;
    }
  }
}
