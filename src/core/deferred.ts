/** A promise with its resolve and reject functions exposed (Node 20 lacks Promise.withResolvers). */
export interface Deferred<T> {
  /** The pending promise. */
  readonly promise: Promise<T>;
  /** Fulfils the promise. */
  resolve(value: T | PromiseLike<T>): void;
  /** Rejects the promise. */
  reject(reason: unknown): void;
}

/**
 * Creates a {@link Deferred}.
 *
 * @example
 * ```ts
 * const ready = deferred<void>();
 * socket.once('connect', () => ready.resolve());
 * await ready.promise;
 * ```
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
