import { assertArgument } from './errors.js';

/** Options for {@link Backoff}. */
export interface BackoffOptions {
  /** First delay in milliseconds. @default 1000 */
  initialDelay?: number;
  /** Largest delay in milliseconds, jitter included. @default 30000 */
  maxDelay?: number;
  /** Growth factor per attempt. @default 2 */
  factor?: number;
  /**
   * Jitter as a fraction of the delay: the delay is drawn uniformly from
   * `[d * (1 - jitter), d * (1 + jitter)]`, then capped. 0 disables it. @default 0.2
   */
  jitter?: number;
  /** Random source in [0, 1); inject a fixed one for deterministic tests. @default Math.random */
  random?: () => number;
}

/**
 * Exponential backoff with jitter and a cap.
 *
 * @example
 * ```ts
 * const b = new Backoff({ initialDelay: 5000, maxDelay: 30000, factor: 1.5 });
 * for (;;) { if (await tryConnect()) break; await sleep(b.next(), { signal }); }
 * ```
 */
export class Backoff {
  /** Number of delays handed out since the last reset. */
  attempt = 0;
  private readonly initialDelay: number;
  private readonly maxDelay: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.initialDelay = options.initialDelay ?? 1000;
    this.maxDelay = options.maxDelay ?? 30_000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.2;
    this.random = options.random ?? Math.random;
    assertArgument(this.initialDelay >= 0, 'initialDelay must be >= 0');
    assertArgument(this.maxDelay >= this.initialDelay, 'maxDelay must be >= initialDelay');
    assertArgument(this.factor >= 1, 'factor must be >= 1');
    assertArgument(this.jitter >= 0 && this.jitter <= 1, 'jitter must be in [0, 1]');
  }

  /** The delay for `attempt` (0-based) without advancing. */
  delayFor(attempt: number): number {
    const base = Math.min(this.maxDelay, this.initialDelay * this.factor ** attempt);
    const spread = base * this.jitter;
    const value = base - spread + 2 * spread * this.random();
    return Math.max(0, Math.min(this.maxDelay, Math.round(value)));
  }

  /** The next delay in milliseconds; advances the attempt counter. */
  next(): number {
    return this.delayFor(this.attempt++);
  }

  /** Starts over from the initial delay (call after a success). */
  reset(): void {
    this.attempt = 0;
  }
}
