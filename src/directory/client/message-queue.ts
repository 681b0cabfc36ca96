/**
 * A bounded queue read as an async iterable: producers push, one consumer iterates. When full,
 * the oldest item is dropped (and counted); close() ends the iteration.
 *
 * @module
 */

/** Bounded FIFO with an async-iterator face. */
export class MessageQueue<T> implements AsyncIterable<T> {
  /** Items dropped because the queue was full. */
  dropped = 0;
  private items: T[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private done = false;

  constructor(private readonly limit: number) {}

  /** Items waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item (or hands it straight to a waiting reader). */
  push(item: T): void {
    if (this.done) return;
    if (this.waiter !== undefined) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: item, done: false });
      return;
    }
    if (this.size >= this.limit) {
      this.head++;
      this.dropped++;
    }
    this.items.push(item);
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Ends the iteration once the queued items are read. */
  close(): void {
    this.done = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.size > 0) {
          const value = this.items[this.head]!;
          this.items[this.head++] = undefined as T;
          if (this.head === this.items.length) {
            this.items = [];
            this.head = 0;
          }
          return Promise.resolve({ value, done: false });
        }
        if (this.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiter = resolve;
        });
      },
      return: () => {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
