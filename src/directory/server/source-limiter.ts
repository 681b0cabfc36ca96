/**
 * A rate limit per source address (handshakes per IP): one token bucket per address, a bounded
 * number of addresses, idle ones forgotten.
 *
 * @module
 */
import { TokenBucket } from '../../core/index.js';

interface Source {
  bucket: TokenBucket;
  lastUsed: number;
}

/** Token buckets keyed by source address. */
export class SourceLimiter {
  readonly #sources = new Map<string, Source>();
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxSources: number;

  /**
   * @param rate tokens per second per source.
   * @param burst bucket size per source.
   * @param maxSources most sources remembered; the least recently used is forgotten first.
   */
  constructor(rate: number, burst: number, maxSources: number) {
    this.#rate = rate;
    this.#burst = burst;
    this.#maxSources = maxSources;
  }

  /** Takes one token for `source`; false when its budget is spent. */
  admit(source: string, now: number): boolean {
    let entry = this.#sources.get(source);
    if (entry === undefined) {
      if (this.#sources.size >= this.#maxSources) {
        this.#sources.delete(this.#sources.keys().next().value!);
      }
      entry = { bucket: new TokenBucket(this.#rate, this.#burst, now), lastUsed: now };
    }
    // Re-inserted so the map's order is least recently used first.
    this.#sources.delete(source);
    this.#sources.set(source, entry);
    entry.lastUsed = now;
    return entry.bucket.take(now);
  }

  /** Forgets sources idle long enough for their bucket to be full again (they start afresh). */
  prune(now: number): void {
    const refill = (this.#burst / this.#rate) * 1000;
    for (const [source, entry] of this.#sources) {
      if (now - entry.lastUsed < refill) break;
      this.#sources.delete(source);
    }
  }

  /** Sources remembered now. */
  get size(): number {
    return this.#sources.size;
  }
}
