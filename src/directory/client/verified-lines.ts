/**
 * Remembers privmsg lines whose signature already verified. A taker on three directories gets
 * most answers three times, byte for byte; the copies need no second ECDSA check, since the same
 * bytes verify the same way. Keys are SHA-256 digests of the whole line (sender, recipient, data,
 * key and signature), so memory stays bounded whatever the line length. Only successes are kept.
 *
 * @module
 */
import { hash } from 'node:crypto';
import { DEFAULT_VERIFIED_LINES } from './constants.js';

/** Counters of a {@link VerifiedLineCache}. */
export interface VerifiedLineCacheStats {
  hits: number;
  misses: number;
  [key: string]: number;
}

/**
 * A bounded set of verified lines (oldest forgotten first), shared by the clients of one pool.
 *
 * @example
 * ```ts
 * const verifiedLines = new VerifiedLineCache();
 * const client = new DirectoryClient({ host, port, identity, verifiedLines });
 * ```
 */
export class VerifiedLineCache {
  readonly stats: VerifiedLineCacheStats = { hits: 0, misses: 0 };
  readonly #max: number;
  readonly #seen = new Set<string>();
  // The line of the last miss and its digest: a miss is usually followed by add() of the same
  // line once it verified, which then needs no second SHA-256.
  #lastLine = '';
  #lastKey = '';

  /** @param max - most lines remembered. @default 10000 */
  constructor(max = DEFAULT_VERIFIED_LINES) {
    this.#max = max;
  }

  /** True when this exact line verified before (counted as a hit or a miss). */
  has(line: string): boolean {
    const key = digest(line);
    const found = this.#seen.has(key);
    if (found) this.stats.hits += 1;
    else {
      this.stats.misses += 1;
      this.#lastLine = line;
      this.#lastKey = key;
    }
    return found;
  }

  /** Records a line that verified. */
  add(line: string): void {
    const key = this.#lastKey !== '' && line === this.#lastLine ? this.#lastKey : digest(line);
    this.#lastLine = this.#lastKey = '';
    if (this.#seen.has(key)) return;
    if (this.#seen.size >= this.#max) this.#seen.delete(this.#seen.values().next().value!);
    this.#seen.add(key);
  }

  /** Lines remembered. */
  get size(): number {
    return this.#seen.size;
  }
}

function digest(line: string): string {
  return hash('sha256', line, 'base64');
}
