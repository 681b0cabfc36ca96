import { randomInt } from 'node:crypto';
import { ErrorCodes, PeerwayError } from '../core/index.js';

/** A cache lives this long unless it sets its own `timeoutMs` (py-ipv8's 10 s). */
export const DEFAULT_CACHE_TIMEOUT_MS = 10_000;
/** Caches a {@link RequestCache} holds at most, by default: one per outstanding request. */
export const DEFAULT_MAX_CACHES = 10_000;
/** Numbers are drawn from 0..65535, as py-ipv8's `RandomNumberCache` does (they fit an `H` field). */
const NUMBER_SPACE = 65_536;
/** Tries before a random number is given up on (the space is nearly full). */
const NUMBER_TRIES = 1000;

function cacheError(message: string, details: Record<string, unknown>): PeerwayError {
  return new PeerwayError(ErrorCodes.OVERLAY_REQUEST_CACHE, message, { details });
}

/**
 * State about one outstanding request, found again by its prefix (a name for the kind of
 * request) and number (sent in the request, echoed in the answer), as in py-ipv8's `NumberCache`.
 * Subclass it, keep what the answer needs, and override {@link onTimeout}.
 *
 * @example
 * ```ts
 * class PingCache extends NumberCache {
 *   static readonly cacheName = 'ping';
 *   constructor(cache: RequestCache, readonly sentAt: number) {
 *     super(PingCache.cacheName, cache.claimNumber(PingCache.cacheName));
 *   }
 *   override onTimeout(): void { console.log('no pong'); }
 * }
 * ```
 */
export class NumberCache {
  /** How long the cache waits for its answer (ms), after which it is removed and timed out. */
  timeoutMs: number = DEFAULT_CACHE_TIMEOUT_MS;

  constructor(
    /** The kind of request. */
    readonly prefix: string,
    /** The request's number. */
    readonly number: number,
  ) {
    if (!Number.isSafeInteger(number)) throw new TypeError('a cache number is an integer');
  }

  /** Called once when no answer came within {@link timeoutMs}; the cache is already removed. */
  onTimeout(): void {}
}

/** A cache class with a name, so that `get(PingCache, n)` finds it and checks its type. */
export type CacheClass<C extends NumberCache> = (abstract new (...args: never[]) => C) & {
  readonly cacheName: string;
};

/** Options for a {@link RequestCache}. */
export interface RequestCacheInit {
  /** Caches held at most; `add` past it throws ERR_OVERLAY_REQUEST_CACHE. @default 10000 */
  maxSize?: number;
}

/**
 * Numbered caches with timeouts, for matching answers to requests (py-ipv8's `RequestCache`):
 * `add` a cache when sending a request, `pop` it when the answer with its number arrives; a cache
 * that gets no answer is removed and its `onTimeout` called. Bounded, and its timers never keep
 * the process alive.
 *
 * @example
 * ```ts
 * const caches = new RequestCache();
 * const ping = caches.add(new PingCache(caches, Date.now()));
 * send(ping.number);
 * // later, on a pong carrying `n`:
 * const answered = caches.pop(PingCache, n); // undefined when unknown or timed out
 * ```
 */
export class RequestCache {
  private readonly caches = new Map<string, { cache: NumberCache; timer: NodeJS.Timeout }>();
  private readonly maxSize: number;
  private closed = false;
  /** Caches that timed out, and `onTimeout` calls that threw. */
  readonly stats = { timedOut: 0, timeoutErrors: 0 };

  constructor(init: RequestCacheInit = {}) {
    this.maxSize = init.maxSize ?? DEFAULT_MAX_CACHES;
  }

  /** Caches held now. */
  get size(): number {
    return this.caches.size;
  }

  /**
   * Holds `cache` until it is popped or times out. Throws ERR_OVERLAY_REQUEST_CACHE when its
   * number is in use for its prefix, when the cache is full, or after {@link shutdown}.
   */
  add<C extends NumberCache>(cache: C): C {
    const key = keyOf(cache.prefix, cache.number);
    const details = { prefix: cache.prefix, number: cache.number };
    if (this.closed) throw cacheError('the request cache is shut down', details);
    if (this.caches.has(key)) throw cacheError('this number is already in use', details);
    if (this.caches.size >= this.maxSize)
      throw cacheError('the request cache is full', { ...details, max: this.maxSize });
    if (!(cache.timeoutMs > 0)) throw new TypeError('a cache timeout is positive');
    const timer = setTimeout(() => this.expire(key), cache.timeoutMs);
    timer.unref();
    this.caches.set(key, { cache, timer });
    return cache;
  }

  /** True when a cache with this prefix (or class) and number is held. */
  has(prefix: string | CacheClass<NumberCache>, number: number): boolean {
    return this.caches.has(keyOf(nameOf(prefix), number));
  }

  /** The cache with this prefix and number, left in place. */
  get(prefix: string, number: number): NumberCache | undefined;
  /** The cache of this class and number, left in place (undefined if another type holds it). */
  get<C extends NumberCache>(cls: CacheClass<C>, number: number): C | undefined;
  get(prefix: string | CacheClass<NumberCache>, number: number): NumberCache | undefined {
    const cache = this.caches.get(keyOf(nameOf(prefix), number))?.cache;
    return typeof prefix === 'string' || cache instanceof prefix ? cache : undefined;
  }

  /** Removes and returns the cache with this prefix and number: the answer arrived. */
  pop(prefix: string, number: number): NumberCache | undefined;
  /** Removes and returns the cache of this class and number (undefined, and kept, if another type holds it). */
  pop<C extends NumberCache>(cls: CacheClass<C>, number: number): C | undefined;
  pop(prefix: string | CacheClass<NumberCache>, number: number): NumberCache | undefined {
    const key = keyOf(nameOf(prefix), number);
    const entry = this.caches.get(key);
    if (entry === undefined) return undefined;
    if (typeof prefix !== 'string' && !(entry.cache instanceof prefix)) return undefined;
    clearTimeout(entry.timer);
    this.caches.delete(key);
    return entry.cache;
  }

  /**
   * A random number in 0..65535 not in use for `prefix` (py-ipv8's `RandomNumberCache`). Throws
   * ERR_OVERLAY_REQUEST_CACHE when none is found.
   */
  claimNumber(prefix: string | CacheClass<NumberCache>): number {
    const name = nameOf(prefix);
    for (let i = 0; i < NUMBER_TRIES; i++) {
      const n = randomInt(NUMBER_SPACE);
      if (!this.caches.has(keyOf(name, n))) return n;
    }
    throw cacheError('no free number for this prefix', { prefix: name });
  }

  /** Drops every cache without timing it out; later `add`s throw. Idempotent. */
  shutdown(): void {
    this.closed = true;
    for (const { timer } of this.caches.values()) clearTimeout(timer);
    this.caches.clear();
  }

  private expire(key: string): void {
    const entry = this.caches.get(key);
    if (entry === undefined) return;
    this.caches.delete(key);
    this.stats.timedOut++;
    try {
      entry.cache.onTimeout();
    } catch {
      // A timer callback that throws would take the process down; count it instead.
      this.stats.timeoutErrors++;
    }
  }
}

function nameOf(prefix: string | CacheClass<NumberCache>): string {
  return typeof prefix === 'string' ? prefix : prefix.cacheName;
}

function keyOf(prefix: string, number: number): string {
  return `${prefix}:${number}`;
}
