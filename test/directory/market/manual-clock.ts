// A clock tests move by hand: timers fire in order as `advance` passes their due time.
import type { Clock, TimerHandle } from '../../../src/directory/market/clock.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  #now = 0;
  #next = 1;
  #timers: Timer[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#timers.push({ id, at: this.#now + ms, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Pending timers; a finished component must leave none. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const first = this.#timers[0];
      if (first === undefined || first.at > end) break;
      this.#timers.shift();
      this.#now = first.at;
      first.fn();
    }
    this.#now = end;
  }
}
