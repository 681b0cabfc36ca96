/**
 * The lifecycle contract every long-lived part follows, and a small helper that implements its
 * promise semantics once so that no class has to hand-roll them.
 *
 * @module
 */
import { ErrorCodes } from './codes.js';
import { PeerwayError } from './errors.js';

/**
 * A long-lived part: a server, a client, a pool, an endpoint.
 *
 * - `start()` is async; concurrent calls share one start (two calls never bind two sockets).
 * - `stop()` returns the same promise on every call and leaves no socket, timer or listener behind;
 *   called during a start, it waits for that start to settle first.
 * - `Symbol.asyncDispose` calls `stop()`, so `await using` works.
 */
export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Where a {@link Lifecycle} is. */
export type LifecycleState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

/**
 * Runs a part's start and stop work at most once each, with the {@link Startable} semantics.
 *
 * @example
 * ```ts
 * class Server implements Startable {
 *   readonly #life = new Lifecycle(() => this.#open(), () => this.#close());
 *   start(): Promise<void> { return this.#life.start(); }
 *   stop(): Promise<void> { return this.#life.stop(); }
 *   [Symbol.asyncDispose](): Promise<void> { return this.stop(); }
 * }
 * ```
 */
export class Lifecycle {
  #state: LifecycleState = 'idle';
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  readonly #onStart: () => Promise<void> | void;
  readonly #onStop: () => Promise<void> | void;

  /**
   * @param onStart the part's start work; if it throws, the part is stopped (so `onStop` must
   *   cope with a half-done start) and `start()` rejects with that error.
   * @param onStop the part's stop work; runs once, and only if start was called.
   */
  constructor(onStart: () => Promise<void> | void, onStop: () => Promise<void> | void) {
    this.#onStart = onStart;
    this.#onStop = onStop;
  }

  /** The current state. */
  get state(): LifecycleState {
    return this.#state;
  }

  /** True between a successful start and the first stop. */
  get running(): boolean {
    return this.#state === 'running';
  }

  /** Starts once; later calls return the same promise. Rejects with `ERR_CLOSED` after a stop. */
  start(): Promise<void> {
    if (this.#stopping !== undefined) {
      return Promise.reject(
        new PeerwayError(ErrorCodes.CLOSED, 'cannot start: this part was stopped; create a new one'),
      );
    }
    this.#starting ??= this.#runStart();
    return this.#starting;
  }

  /** Stops once; every call returns the same promise. */
  stop(): Promise<void> {
    this.#stopping ??= this.#runStop();
    return this.#stopping;
  }

  async #runStart(): Promise<void> {
    this.#state = 'starting';
    try {
      await this.#onStart();
    } catch (err) {
      // Undo a half-done start here, without waiting on this start's own promise.
      this.#stopping ??= this.#runStopWork();
      await this.#stopping.catch(() => undefined);
      throw err;
    }
    if (this.#state === 'starting') this.#state = 'running';
  }

  async #runStop(): Promise<void> {
    if (this.#starting === undefined) {
      this.#state = 'stopped';
      return;
    }
    // Let a start in progress settle, so stop never races the sockets it is opening.
    await this.#starting.catch(() => undefined);
    await this.#runStopWork();
  }

  async #runStopWork(): Promise<void> {
    this.#state = 'stopping';
    try {
      await this.#onStop();
    } finally {
      this.#state = 'stopped';
    }
  }
}

/**
 * A base for a long-lived part that extends nothing else: it implements {@link Startable} with a
 * {@link Lifecycle} around the subclass's {@link StartableBase.onStart} and
 * {@link StartableBase.onStop}, so the part writes only its own start and stop work.
 *
 * @example
 * ```ts
 * class Poller extends StartableBase {
 *   #timer: NodeJS.Timeout | undefined;
 *   protected onStart(): void { this.#timer = setInterval(() => this.poll(), 1000); }
 *   protected onStop(): void { clearInterval(this.#timer); }
 * }
 * ```
 */
export abstract class StartableBase implements Startable {
  readonly #life = new Lifecycle(
    () => this.onStart(),
    () => this.onStop(),
  );

  /** The part's start work; if it throws, {@link StartableBase.onStop} runs and `start()` rejects. */
  protected abstract onStart(): Promise<void> | void;

  /** The part's stop work: runs once, and only if `start()` was called. */
  protected abstract onStop(): Promise<void> | void;

  /** True between a successful start and the first stop. */
  get running(): boolean {
    return this.#life.running;
  }

  /** Starts once; concurrent and later calls return the same promise. */
  start(): Promise<void> {
    return this.#life.start();
  }

  /** Stops once; every call returns the same promise. */
  stop(): Promise<void> {
    return this.#life.stop();
  }

  /** Calls {@link StartableBase.stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
