import { TokenBucket } from '../core/index.js';
import { RATE_LIMIT_KEYS } from './constants.js';

/** Options for {@link RateLimiter}. */
export interface RateLimiterInit {
  /** Tokens added per second, per key. */
  perSecond: number;
  /** Bucket size: how many may go at once after a quiet spell. */
  burst: number;
  /** Keys remembered; the least recently used beyond this are forgotten. @default 8192 */
  maxKeys?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

/**
 * A token bucket per key (a source or target address), with a bounded key map, so that neither
 * spoofed sources nor many targets can grow memory or turn us into an amplifier.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly init: RateLimiterInit;
  private readonly now: () => number;

  constructor(init: RateLimiterInit) {
    this.init = init;
    this.now = init.now ?? Date.now;
  }

  /** Takes one token for `key`; false when its bucket is empty. */
  take(key: string): boolean {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= (this.init.maxKeys ?? RATE_LIMIT_KEYS)) {
        this.buckets.delete(this.buckets.keys().next().value!);
      }
      bucket = new TokenBucket(this.init.perSecond, this.init.burst, now);
    } else {
      this.buckets.delete(key);
    }
    // Re-insert to keep the map in least-recently-used order.
    this.buckets.set(key, bucket);
    return bucket.take(now);
  }

  /** Forgets every key. */
  clear(): void {
    this.buckets.clear();
  }
}
