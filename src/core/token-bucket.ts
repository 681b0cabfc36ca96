/**
 * A token bucket: `rate` tokens per second refill up to `burst`; each message takes one.
 *
 * @module
 */

/**
 * One rate limiter (per connection, per address...). Plain fields keep it small when thousands
 * are alive. `now` is in milliseconds; a clock that goes backwards refills nothing.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(500, 1000, Date.now());
 * if (!bucket.take(Date.now())) dropMessage();
 * ```
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token; false when the bucket is empty (the message should be dropped). */
  take(now: number): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
