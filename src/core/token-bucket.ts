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

  /**
   * Takes `cost` tokens (one message, or a message's bytes); false when fewer are left (the
   * message should be dropped). @default cost 1
   */
  take(now: number, cost = 1): boolean {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
      this.last = now;
    }
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
