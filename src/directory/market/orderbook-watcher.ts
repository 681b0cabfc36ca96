/**
 * A long-running orderbook: keeps a taker's directories connected, collects the book every
 * `refreshInterval`, and tells what changed.
 *
 * ```
 *  start() ─ connect all ─┬─ fetchOrderbook ─ diff ─ bonds assessed ─ events ─ sleep ─┐
 *                         └────────────────────────────────────────────────────────────┘
 *  nickLeave (a maker left every directory) ─ its offers go at once ─ events
 * ```
 * An offer absent from `missingRefreshes` complete collections in a row is gone (one missed
 * answer over Tor is common); a maker leaving every directory takes its offers at once.
 *
 * @module
 */
import {
  Lifecycle,
  silentLogger,
  sleep,
  TypedEmitter,
  type AbortOptions,
  type Logger,
} from '../../core/index.js';
import {
  DEFAULT_ORDERBOOK_MIN_WAIT_MS,
  DEFAULT_ORDERBOOK_QUIET_PERIOD_MS,
  DEFAULT_ORDERBOOK_TIMEOUT_MS,
  DEFAULT_WATCH_MISSING_REFRESHES,
  DEFAULT_WATCH_RECONNECT_INTERVAL_MS,
  DEFAULT_WATCH_REFRESH_INTERVAL_MS,
} from './constants.js';
import type { FidelityBondProof } from './fidelity-bond.js';
import type { MultiDirectoryClient } from './multi-directory-client.js';
import {
  toOrderbookJson,
  type AssessedBond,
  type BondAssessment,
  type OrderbookJson,
} from './orderbook-json.js';
import type { OrderbookEntry, OrderbookProgress, OrderbookResult } from './orderbook-collector.js';

/** A maker's bond to assess. */
export interface BondToAssess {
  counterparty: string;
  proof: FidelityBondProof;
}

/**
 * Checks bonds against a chain view and values them (see `ChainBondAssessor`). Returns one
 * assessment per bond, in order.
 */
export interface BondAssessor {
  assess(bonds: readonly BondToAssess[], options?: AbortOptions): Promise<BondAssessment[]>;
}

/** Why an offer left the book. */
export type OfferRemovalReason = 'missing' | 'left';

/** Events of {@link OrderbookWatcher}. */
export type OrderbookWatcherEvents = {
  /** A (counterparty, oid) offer appeared. */
  offerAdded: [offer: OrderbookEntry];
  /** An offer's terms or the maker's bond changed. */
  offerChanged: [offer: OrderbookEntry, previous: OrderbookEntry];
  /** An offer left: absent from enough collections, or its maker left every directory. */
  offerRemoved: [offer: OrderbookEntry, reason: OfferRemovalReason];
  /** A collection finished and was applied (after the offer events). */
  refreshed: [result: WatcherRefresh];
  /** A collection could not run (no directory connected, or it threw). */
  refreshFailed: [reason: string];
  /** Anything in {@link OrderbookWatcher.snapshot} changed. */
  change: [];
  /** The collection in progress changed (for progress displays). */
  progress: [progress: OrderbookProgress];
};

/** Summary of one applied collection. */
export interface WatcherRefresh {
  /** Offers in the book afterwards. */
  offers: number;
  added: number;
  changed: number;
  removed: number;
  /** Channels that delivered offers in this collection. */
  directoriesAnswered: string[];
  /** Why the collection ended. */
  reason: OrderbookResult['reason'];
  /** How long the collection took. */
  elapsedMs: number;
}

/** Options for {@link OrderbookWatcher}. */
export interface OrderbookWatcherInit {
  /** The taker whose directories are watched; the watcher starts and stops it. */
  taker: MultiDirectoryClient;
  /** Time between the end of one collection and the start of the next. @default 60000 */
  refreshInterval?: number;
  /** Collections an offer may miss in a row before it is removed. @default 2 */
  missingRefreshes?: number;
  /** One collection's ceiling. @default 120000 */
  timeout?: number;
  /** A collection never ends early before this. @default 30000 */
  minWait?: number;
  /** A collection ends once no offer arrived for this long (after `minWait`). @default 15000 */
  quietPeriod?: number;
  /** Disconnected directories are redialled this often. @default 30000 */
  reconnectInterval?: number;
  /** Checks and values bonds on chain; without it bonds show as `unchecked`. @default undefined */
  bonds?: BondAssessor;
  /** Where the watcher logs. @default silentLogger */
  logger?: Logger;
}

/** Counters of {@link OrderbookWatcher}. */
export interface OrderbookWatcherStats {
  refreshes: number;
  refreshFailures: number;
  added: number;
  changed: number;
  removed: number;
  bondChecks: number;
  bondCheckFailures: number;
  [key: string]: number;
}

interface Tracked {
  entry: OrderbookEntry;
  missed: number;
}

/**
 * Keeps the orderbook of a set of directories current.
 *
 * @example
 * ```ts
 * const taker = new MultiDirectoryClient({ directoryServers, identity: NickIdentity.generate() });
 * const watcher = new OrderbookWatcher({ taker, refreshInterval: 60_000 });
 * watcher.on('offerAdded', (o) => console.log('new offer', o.counterparty, o.oid));
 * await watcher.start();
 * const json = watcher.snapshot();       // { offers: [...], fidelitybonds: [...] }
 * await watcher.stop();
 * ```
 */
export class OrderbookWatcher extends TypedEmitter<OrderbookWatcherEvents> {
  /** Counters; read at any time. */
  readonly stats: OrderbookWatcherStats = {
    refreshes: 0,
    refreshFailures: 0,
    added: 0,
    changed: 0,
    removed: 0,
    bondChecks: 0,
    bondCheckFailures: 0,
  };
  /** The taker this watcher drives. */
  readonly taker: MultiDirectoryClient;
  readonly #refreshInterval: number;
  readonly #missingRefreshes: number;
  readonly #fetch: { timeout: number; minWait: number; quietPeriod: number };
  readonly #reconnectInterval: number;
  readonly #assessor: BondAssessor | undefined;
  readonly #logger: Logger;
  readonly #offers = new Map<string, Tracked>();
  #bonds: AssessedBond[] = [];
  #json: OrderbookJson | undefined;
  #lastRefresh: WatcherRefresh | undefined;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  readonly #onNickLeave = (nick: string): void => this.#dropCounterparty(nick);
  readonly #onProgress = (p: OrderbookProgress): void => {
    this.emit('progress', p);
  };
  readonly #life = new Lifecycle(
    () => this.#start(),
    () => this.#stop(),
  );

  constructor(init: OrderbookWatcherInit) {
    super();
    this.taker = init.taker;
    this.#refreshInterval = init.refreshInterval ?? DEFAULT_WATCH_REFRESH_INTERVAL_MS;
    this.#missingRefreshes = Math.max(1, init.missingRefreshes ?? DEFAULT_WATCH_MISSING_REFRESHES);
    this.#fetch = {
      timeout: init.timeout ?? DEFAULT_ORDERBOOK_TIMEOUT_MS,
      minWait: init.minWait ?? DEFAULT_ORDERBOOK_MIN_WAIT_MS,
      quietPeriod: init.quietPeriod ?? DEFAULT_ORDERBOOK_QUIET_PERIOD_MS,
    };
    this.#reconnectInterval = init.reconnectInterval ?? DEFAULT_WATCH_RECONNECT_INTERVAL_MS;
    this.#assessor = init.bonds;
    this.#logger = init.logger ?? silentLogger;
  }

  /**
   * Connects the taker's directories (those that fail are retried every `reconnectInterval`)
   * and starts the refresh loop. Resolves once the first connection pass is over.
   */
  start(): Promise<void> {
    return this.#life.start();
  }

  /** Ends the loop and any collection at once, and stops the taker. Idempotent. */
  stop(): Promise<void> {
    return this.#life.stop();
  }

  /** Same as {@link stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** The current offers, sorted by counterparty then oid. */
  offers(): OrderbookEntry[] {
    return [...this.#offers.values()]
      .map((t) => t.entry)
      .sort((a, b) =>
        a.counterparty < b.counterparty ? -1 : a.counterparty > b.counterparty ? 1 : a.oid - b.oid,
      );
  }

  /** The current bonds with what the chain said about them. */
  bonds(): readonly AssessedBond[] {
    return this.#bonds;
  }

  /** The last applied collection, if any. */
  get lastRefresh(): WatcherRefresh | undefined {
    return this.#lastRefresh;
  }

  /** The book in ob-watcher's JSON shape (built once per change). */
  snapshot(): OrderbookJson {
    this.#json ??= toOrderbookJson(this.offers(), this.#bonds);
    return this.#json;
  }

  /**
   * Runs one collection now and applies it (the loop does this every `refreshInterval`).
   * Without a connected directory it does nothing and emits `refreshFailed`.
   */
  async refresh(options: AbortOptions = {}): Promise<WatcherRefresh | undefined> {
    const signal =
      options.signal === undefined
        ? this.#abort.signal
        : AbortSignal.any([options.signal, this.#abort.signal]);
    if (this.taker.clients.size === 0) {
      this.#failed('no directory connected');
      return undefined;
    }
    const result = await this.taker.fetchOrderbook({ ...this.#fetch, signal });
    if (result.reason === 'aborted' || result.reason === 'stopped') return undefined;
    return this.#apply(result, signal);
  }

  async #start(): Promise<void> {
    this.taker.on('nickLeave', this.#onNickLeave);
    this.taker.on('orderbookProgress', this.#onProgress);
    await this.taker.start();
    this.taker.startPeriodicReconnect(this.#reconnectInterval);
    this.#loop = this.#run();
  }

  async #stop(): Promise<void> {
    this.#abort.abort();
    await this.taker.stop();
    await this.#loop;
    this.taker.off('nickLeave', this.#onNickLeave);
    this.taker.off('orderbookProgress', this.#onProgress);
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        await this.refresh();
      } catch (err) {
        if (signal.aborted) break;
        this.#failed((err as Error).message);
      }
      try {
        await sleep(this.#refreshInterval, { signal });
      } catch {
        break;
      }
    }
  }

  #failed(reason: string): void {
    this.stats.refreshFailures += 1;
    this.#logger.debug({ reason }, 'orderbook refresh failed');
    this.emit('refreshFailed', reason);
  }

  async #apply(result: OrderbookResult, signal: AbortSignal): Promise<WatcherRefresh> {
    let added = 0;
    let changed = 0;
    let removed = 0;
    const seen = new Set<string>();
    for (const entry of result.offers) {
      const key = offerKey(entry.counterparty, entry.oid);
      seen.add(key);
      const known = this.#offers.get(key);
      if (known === undefined) {
        this.#offers.set(key, { entry, missed: 0 });
        added += 1;
        this.emit('offerAdded', entry);
        continue;
      }
      known.missed = 0;
      if (!sameTerms(known.entry, entry)) {
        const previous = known.entry;
        known.entry = entry;
        changed += 1;
        this.emit('offerChanged', entry, previous);
      } else {
        known.entry = entry;
      }
    }
    for (const [key, tracked] of this.#offers) {
      if (seen.has(key)) continue;
      tracked.missed += 1;
      if (tracked.missed < this.#missingRefreshes) continue;
      this.#offers.delete(key);
      removed += 1;
      this.emit('offerRemoved', tracked.entry, 'missing');
    }
    const bondsChanged = await this.#assessBonds(signal);
    this.stats.refreshes += 1;
    this.stats.added += added;
    this.stats.changed += changed;
    this.stats.removed += removed;
    const refresh: WatcherRefresh = {
      offers: this.#offers.size,
      added,
      changed,
      removed,
      directoriesAnswered: result.directoriesAnswered,
      reason: result.reason,
      elapsedMs: result.elapsedMs,
    };
    this.#lastRefresh = refresh;
    this.emit('refreshed', refresh);
    if (added + changed + removed > 0 || bondsChanged) this.#changed();
    return refresh;
  }

  /** Re-assesses the bond of every maker in the book; true when anything about them changed. */
  async #assessBonds(signal: AbortSignal): Promise<boolean> {
    const byMaker = new Map<string, FidelityBondProof>();
    for (const { entry } of this.#offers.values()) {
      if (entry.bond !== undefined) byMaker.set(entry.counterparty, entry.bond);
    }
    const wanted = [...byMaker].sort(([a], [b]) => (a < b ? -1 : 1));
    let assessments: BondAssessment[];
    if (this.#assessor === undefined || wanted.length === 0) {
      assessments = wanted.map(() => ({ status: 'unchecked', value: 0 }));
    } else {
      this.stats.bondChecks += wanted.length;
      try {
        assessments = await this.#assessor.assess(
          wanted.map(([counterparty, proof]) => ({ counterparty, proof })),
          { signal },
        );
      } catch (err) {
        this.stats.bondCheckFailures += 1;
        this.#logger.debug({ err }, 'bond check failed');
        assessments = wanted.map(() => ({ status: 'invalid', reason: 'chain-error', value: 0 }));
      }
    }
    const next: AssessedBond[] = wanted.map(([counterparty, proof], i) => ({
      counterparty,
      proof,
      assessment: assessments[i] ?? { status: 'invalid', reason: 'chain-error', value: 0 },
    }));
    const same =
      next.length === this.#bonds.length &&
      next.every((b, i) => JSON.stringify(b) === JSON.stringify(this.#bonds[i]));
    this.#bonds = next;
    return !same;
  }

  #dropCounterparty(nick: string): void {
    let removed = 0;
    for (const [key, tracked] of this.#offers) {
      if (tracked.entry.counterparty !== nick) continue;
      this.#offers.delete(key);
      removed += 1;
      this.emit('offerRemoved', tracked.entry, 'left');
    }
    const bonds = this.#bonds.filter((b) => b.counterparty !== nick);
    if (removed === 0 && bonds.length === this.#bonds.length) return;
    this.#bonds = bonds;
    this.stats.removed += removed;
    this.#changed();
  }

  #changed(): void {
    this.#json = undefined;
    this.emit('change');
  }
}

function offerKey(counterparty: string, oid: number): string {
  return `${counterparty} ${oid}`;
}

function sameTerms(a: OrderbookEntry, b: OrderbookEntry): boolean {
  return (
    a.type === b.type &&
    a.minsize === b.minsize &&
    a.maxsize === b.maxsize &&
    a.txfee === b.txfee &&
    a.cjfee === b.cjfee &&
    bondKey(a.bond) === bondKey(b.bond)
  );
}

function bondKey(bond: FidelityBondProof | undefined): string {
  return bond === undefined ? '' : `${bond.txid}:${bond.vout}:${bond.locktime}:${bond.certExpiry}`;
}
