/**
 * The lifecycle of a part that works before it is started: a pool dials on demand, a set of peer
 * links dials without a listener. Its `stop()` runs the stop work whether or not `start()` was
 * called, and aborts {@link OnDemandLifecycle.signal} at once so that no stop waits out a dial.
 *
 * @module
 */
import { Lifecycle, type LifecycleState } from '../../core/index.js';

/** core's `Lifecycle`, for parts that are usable before `start()`. */
export class OnDemandLifecycle {
  readonly #closer = new AbortController();
  readonly #life: Lifecycle;

  /**
   * @param onStart the start work; skipped when stop() came first.
   * @param onStop the stop work; runs once, started or not.
   */
  constructor(onStart: () => Promise<void> | void, onStop: () => Promise<void> | void) {
    this.#life = new Lifecycle(() => (this.stopping ? undefined : onStart()), onStop);
  }

  /** True once stop() was called. */
  get stopping(): boolean {
    return this.#closer.signal.aborted;
  }

  /** Aborted when stop() is called: combine it into the signal of every dial. */
  get signal(): AbortSignal {
    return this.#closer.signal;
  }

  /** The underlying lifecycle's state. */
  get state(): LifecycleState {
    return this.#life.state;
  }

  /** Runs the start work once; later calls return the same promise. */
  start(): Promise<void> {
    return this.#life.start();
  }

  /** Runs the stop work once; every call returns the same promise. */
  stop(): Promise<void> {
    this.#closer.abort();
    // Never started: start now (a no-op, as stopping is set) so the stop work runs as usual.
    if (this.#life.state === 'idle') void this.#life.start();
    return this.#life.stop();
  }
}
