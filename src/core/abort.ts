import { ErrorCodes } from './codes.js';
import { PeerwayError } from './errors.js';

/** Options accepted by every network call. */
export interface AbortOptions {
  /** Cancels the call; the promise rejects with ERR_ABORTED (or ERR_TIMEOUT for a timeout signal). */
  signal?: AbortSignal | undefined;
}

/**
 * Combines a caller's signal with a timeout. Either may be absent; with neither, returns undefined.
 * A timeout of 0 or Infinity means no timeout.
 */
export function deadline(
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
): AbortSignal | undefined {
  const hasTimeout = timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs);
  if (!hasTimeout) return signal;
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
}

/** Turns a signal's abort reason into a PeerwayError: ERR_TIMEOUT for timeouts, ERR_ABORTED otherwise. */
export function abortError(signal: AbortSignal, what = 'operation'): PeerwayError {
  const reason: unknown = signal.reason;
  if (reason instanceof PeerwayError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new PeerwayError(ErrorCodes.TIMEOUT, `${what} timed out`, { cause: reason });
  }
  return new PeerwayError(ErrorCodes.ABORTED, `${what} aborted`, { cause: reason });
}

/** Throws the signal's PeerwayError if it is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted === true) throw abortError(signal, what);
}

/**
 * Races `promise` against `signal`. On abort, rejects with the signal's PeerwayError and calls
 * `onAbort` (to destroy a socket, say). The abort listener is always removed.
 */
export async function raceSignal<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  what?: string,
  onAbort?: () => void,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    onAbort?.();
    promise.catch(() => {});
    throw abortError(signal, what);
  }
  let listener: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    listener = () => {
      // Reject first: onAbort may synchronously reject `promise` (destroying a socket, say),
      // and the caller must see the abort, not that side effect.
      reject(abortError(signal, what));
      onAbort?.();
    };
    signal.addEventListener('abort', listener, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    if (listener !== undefined) signal.removeEventListener('abort', listener);
    promise.catch(() => {});
  }
}

/** Resolves after `ms` milliseconds; rejects early with ERR_ABORTED/ERR_TIMEOUT when `signal` fires. */
export function sleep(ms: number, options: AbortOptions = {}): Promise<void> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortError(signal, 'sleep'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal!, 'sleep'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
