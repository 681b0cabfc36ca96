/**
 * The time source the collectors run on. The real one wraps `Date.now` and `setTimeout`; tests
 * pass a manual clock and move time themselves, so early-exit rules are checked without waiting.
 *
 * @module
 */

/** A handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = object | number;

/** Time and timers, injectable. */
export interface Clock {
  /** Milliseconds since an arbitrary origin; only differences matter. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** The process clock: `performance.now()` and Node timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
