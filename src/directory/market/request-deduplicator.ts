/**
 * Maker-side duplicate suppression. A taker connected to several directories may reach a maker
 * through more than one of them (and joinmarket-ng makers answer through every directory), so the
 * same request can arrive two or three times within moments. The fingerprint is
 * `from:command:first-argument`, remembered for a short window: a `!fill` for the same oid, or a
 * second `!orderbook` from the same taker, inside the window is dropped.
 *
 * @module
 */
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_DEDUP_WINDOW_MS, MAX_DEDUP_ENTRIES } from './constants.js';

/** Options for {@link RequestDeduplicator}. */
export interface RequestDeduplicatorInit {
  /** How long a fingerprint is remembered. @default 30000 (joinmarket-ng's maker window) */
  windowMs?: number;
  /** Most fingerprints remembered; the oldest is forgotten first. @default 10000 */
  maxEntries?: number;
  /** Time source. @default systemClock */
  clock?: Clock;
}

/** Counters of {@link RequestDeduplicator}. */
export interface RequestDeduplicatorStats {
  fresh: number;
  duplicates: number;
  evicted: number;
  [key: string]: number;
}

/**
 * Remembers recent requests.
 *
 * @example
 * ```ts
 * const dedup = new RequestDeduplicator();
 * if (dedup.isDuplicate(from, 'fill', args[0])) return; // same fill through another directory
 * ```
 */
export class RequestDeduplicator {
  /** Counters; read at any time. */
  readonly stats: RequestDeduplicatorStats = { fresh: 0, duplicates: 0, evicted: 0 };
  readonly #windowMs: number;
  readonly #max: number;
  readonly #clock: Clock;
  // Insertion order is arrival order, so the first entries are always the oldest.
  readonly #seen = new Map<string, number>();

  constructor(init: RequestDeduplicatorInit = {}) {
    this.#windowMs = init.windowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    this.#max = init.maxEntries ?? MAX_DEDUP_ENTRIES;
    this.#clock = init.clock ?? systemClock;
  }

  /**
   * True when the same (from, command, first argument) was seen within the window; otherwise
   * records it and returns false.
   */
  isDuplicate(from: string, command: string, firstArg = ''): boolean {
    const now = this.#clock.now();
    this.#expire(now);
    const key = `${from}:${command.startsWith('!') ? command.slice(1) : command}:${firstArg}`;
    if (this.#seen.has(key)) {
      this.stats.duplicates += 1;
      return true;
    }
    if (this.#seen.size >= this.#max) {
      const oldest = this.#seen.keys().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
      this.stats.evicted += 1;
    }
    this.#seen.set(key, now);
    this.stats.fresh += 1;
    return false;
  }

  /** Forgets everything (a new session). */
  clear(): void {
    this.#seen.clear();
  }

  /** Number of fingerprints remembered. */
  get size(): number {
    return this.#seen.size;
  }

  #expire(now: number): void {
    for (const [key, at] of this.#seen) {
      if (now - at < this.#windowMs) break;
      this.#seen.delete(key);
    }
  }
}
