/**
 * A rate limit per key (a source address, a target host): one {@link TokenBucket} per key, a
 * bounded number of keys, the least recently used forgotten first.
 *
 * @module
 */
import { TokenBucket } from './token-bucket.js';

/** Keys remembered when {@link RateLimiterInit.maxKeys} is not given. */
const DEFAULT_MAX_KEYS = 8192;

/** Options for {@link RateLimiter}. */
export interface RateLimiterInit {
  /** Tokens added per second, per key. */
  perSecond: number;
  /** Bucket size: how many may go at once after a quiet spell. */
  burst: number;
  /** Keys remembered; the least recently used beyond this are forgotten. @default 8192 */
  maxKeys?: number;
  /** Clock in ms, for calls that give none. @default Date.now */
  now?: () => number;
}

interface Entry {
  bucket: TokenBucket;
  lastUsed: number;
}

/** Token buckets by key, bounded in number. */
export class RateLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(init: RateLimiterInit) {
    this.perSecond = init.perSecond;
    this.burst = init.burst;
    this.maxKeys = init.maxKeys ?? DEFAULT_MAX_KEYS;
    this.now = init.now ?? Date.now;
  }

  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string, now = this.now()): boolean {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
      entry = { bucket: new TokenBucket(this.perSecond, this.burst, now), lastUsed: now };
    } else {
      this.entries.delete(key);
    }
    // Re-inserted so the map's order is least recently used first.
    this.entries.set(key, entry);
    entry.lastUsed = now;
    return entry.bucket.take(now);
  }

  /** Forgets keys idle long enough for their bucket to be full again (they start afresh). */
  prune(now = this.now()): void {
    const refillMs = (this.burst / this.perSecond) * 1000;
    for (const [key, entry] of this.entries) {
      if (now - entry.lastUsed < refillMs) break;
      this.entries.delete(key);
    }
  }

  /** Keys remembered now. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets every key. */
  clear(): void {
    this.entries.clear();
  }
}
