/**
 * Keeps the result of an expensive render for a while: callers within `maxAgeMs` of the last
 * render get its text, and callers during a render share it. A scrape flood then costs one render
 * per period, not one per request.
 *
 * @example
 * ```ts
 * const metrics = new RenderCache(() => registry.metrics(), 1000);
 * const text = await metrics.get();
 * ```
 */
export class RenderCache {
  readonly #render: () => Promise<string>;
  readonly #maxAgeMs: number;
  #text: string | undefined;
  #renderedAt = 0;
  #pending: Promise<string> | undefined;
  /** How many times the render function ran. */
  renders = 0;

  constructor(render: () => Promise<string>, maxAgeMs: number) {
    this.#render = render;
    this.#maxAgeMs = maxAgeMs;
  }

  /** The cached text, or a fresh render when it is older than `maxAgeMs`. */
  get(): Promise<string> {
    if (this.#text !== undefined && performance.now() - this.#renderedAt < this.#maxAgeMs) {
      return Promise.resolve(this.#text);
    }
    this.#pending ??= this.#refresh();
    return this.#pending;
  }

  async #refresh(): Promise<string> {
    try {
      this.renders++;
      const text = await this.#render();
      this.#text = text;
      this.#renderedAt = performance.now();
      return text;
    } finally {
      this.#pending = undefined;
    }
  }
}
