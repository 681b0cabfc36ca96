import { RATE_HISTORY_SECONDS } from './constants.js';

/** Messages per second of each service, one sample a second, for the overview chart. */
export interface RateSeries {
  /** Unix seconds of each sample. */
  time: number[];
  /** Messages per second by service name, aligned with `time`. */
  series: Record<string, number[]>;
}

/**
 * Samples each service's message total once a second and keeps the last
 * {@link RATE_HISTORY_SECONDS} differences: a fixed-size window, whatever the uptime.
 */
export class RateHistory {
  readonly #read: () => Record<string, number>;
  readonly #size: number;
  readonly #time: number[] = [];
  readonly #series = new Map<string, number[]>();
  readonly #previous = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  /** `read` returns each service's message total so far. */
  constructor(read: () => Record<string, number>, size: number = RATE_HISTORY_SECONDS) {
    this.#read = read;
    this.#size = size;
  }

  /** Samples every second until {@link RateHistory.stop}. */
  start(): void {
    this.#timer ??= setInterval(() => this.sample(), 1000);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Takes one sample now (the timer calls this; tests may too). */
  sample(now: number = Date.now()): void {
    const totals = this.#read();
    this.#time.push(Math.floor(now / 1000));
    for (const [name, total] of Object.entries(totals)) {
      let series = this.#series.get(name);
      if (series === undefined) {
        series = new Array<number>(this.#time.length - 1).fill(0);
        this.#series.set(name, series);
      }
      const before = this.#previous.get(name);
      series.push(before === undefined ? 0 : Math.max(0, total - before));
      this.#previous.set(name, total);
    }
    for (const series of this.#series.values()) if (series.length < this.#time.length) series.push(0);
    if (this.#time.length > this.#size) {
      this.#time.shift();
      for (const series of this.#series.values()) series.shift();
    }
  }

  /** The window so far. */
  snapshot(): RateSeries {
    return { time: [...this.#time], series: Object.fromEntries(this.#series) };
  }
}
