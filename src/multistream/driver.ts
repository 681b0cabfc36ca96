/**
 * What both drivers of an {@link Exchange} share: the promise, the deadline, the abort signal, the
 * answer loop with its backpressure stop, and the finishing steps (hand the stream back with the
 * bytes read past the last message, or end it after a failure). A driver subclass owns one kind of
 * stream: a Node Duplex (negotiation.ts) or a js-libp2p stream (message-stream.ts). Portable.
 *
 * @module
 */
import { ErrorCodes, PeerwayError, abortError } from '../core/portable.js';
import { unwatchDeadline, watchDeadline, type Expiring } from './deadlines.js';
import { withContext } from './errors.js';
import { STEP_DONE, STEP_IDLE, type Exchange } from './exchange.js';

function noop(): void {}

/** Runs negotiations on one stream, one at a time. */
export abstract class NegotiationDriver implements Expiring {
  // Owned by deadlines.ts: one shared timer instead of a setTimeout per negotiation.
  deadline = 0;
  prevDue: Expiring | undefined = undefined;
  nextDue: Expiring | undefined = undefined;
  /** The running negotiation; undefined before, between and after negotiations. */
  protected exchange: Exchange<unknown> | undefined = undefined;
  /** True while a write is backed up: nothing more is answered until the stream drains. */
  protected blocked = false;
  private resolve: (value: unknown) => void = noop;
  private reject: (reason: unknown) => void = noop;
  private signal: AbortSignal | undefined = undefined;
  // Bound once per driver, and only for a caller that passes a signal.
  private onAbort: (() => void) | undefined = undefined;

  /** Answers are queued up to this many bytes before they are written. */
  protected abstract readonly flushAt: number;
  /** Writes `bytes`; false when the stream asks the writer to wait for it to drain. */
  protected abstract send(bytes: Uint8Array): boolean;
  /** Stops reading until the stream drains, then calls {@link NegotiationDriver.drained}. */
  protected abstract waitForDrain(): void;
  /** Leaves the stream to the caller, with `rest` (bytes read past the last message) at its front. */
  protected abstract handBack(rest: Uint8Array): void;
  /** Ends the stream after a failure that leaves it unusable. */
  protected abstract discard(error: PeerwayError): void;
  /** Whether a failure with `err` leaves the stream to the caller instead of ending it. */
  protected keepsStream(exchange: Exchange<unknown>, err: unknown): boolean {
    return exchange.keepsStream(err);
  }
  /** Runs right after a negotiation's promise settled with its stream handed back. */
  protected handedBack(): void {}

  /**
   * Makes `exchange` the running negotiation and sends its opening messages. The caller has
   * checked the stream and listens to it; `timeout` 0 means no deadline.
   */
  protected start<T>(
    exchange: Exchange<T>,
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
    signal: AbortSignal | undefined,
    timeout: number,
  ): void {
    this.exchange = exchange;
    this.resolve = resolve as (value: unknown) => void;
    this.reject = reject;
    this.blocked = false;
    if (signal !== undefined) {
      this.signal = signal;
      this.onAbort ??= this.aborted.bind(this);
      signal.addEventListener('abort', this.onAbort);
    }
    if (timeout > 0 && Number.isFinite(timeout)) watchDeadline(this, timeout);
    try {
      exchange.begin();
      this.write(exchange);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Makes `exchange` the running negotiation only to fail it with `err` at once. */
  protected failAtStart<T>(
    exchange: Exchange<T>,
    resolve: (value: T) => void,
    reject: (reason: unknown) => void,
    err: unknown,
  ): void {
    this.exchange = exchange;
    this.resolve = resolve as (value: unknown) => void;
    this.reject = reject;
    this.fail(err);
  }

  /** Writes what the exchange queued; false when the stream's write side is backed up. */
  private write(exchange: Exchange<unknown>): boolean {
    const out = exchange.takeOutput();
    // Write errors arrive later as the stream's own events. The listener's echo completes the
    // exchange synchronously, so a dialer that writes and closes at once (lazy) is still served.
    return out === undefined || this.send(out);
  }

  /**
   * Handles the messages already received. A peer that asks for more than it reads gets no more
   * answers (and nothing more is read from it) until the stream drains: what it costs us stays
   * near the stream's write buffer, not what it sends times what each answer weighs. Returns true
   * when the negotiation still runs and waits for more bytes.
   */
  protected answer(): boolean {
    const exchange = this.exchange;
    if (exchange === undefined) return false;
    try {
      for (;;) {
        const outcome = exchange.step(this.flushAt);
        const flowing = this.write(exchange);
        if (outcome === STEP_DONE) {
          this.finish(exchange);
          return false;
        }
        if (!flowing) {
          this.blocked = true;
          this.waitForDrain();
          return false;
        }
        if (outcome === STEP_IDLE) return true;
      }
    } catch (err) {
      this.fail(err);
      return false;
    }
  }

  /** The stream drained: answer what waited; returns {@link NegotiationDriver.answer}'s verdict. */
  protected drained(): boolean {
    if (this.exchange === undefined) return false;
    this.blocked = false;
    return this.answer();
  }

  private aborted(): void {
    const { signal } = this;
    if (signal !== undefined) this.fail(abortError(signal, 'multistream negotiation'));
  }

  /** Called by the shared deadline timer. */
  timedOut(): void {
    this.fail(new PeerwayError(ErrorCodes.TIMEOUT, 'multistream negotiation timed out'));
  }

  /** Ends the running negotiation's bookkeeping (deadline, abort listener). */
  private settle(): void {
    this.exchange = undefined;
    this.blocked = false;
    unwatchDeadline(this);
    const { signal } = this;
    if (signal !== undefined) {
      this.signal = undefined;
      if (this.onAbort !== undefined) signal.removeEventListener('abort', this.onAbort);
    }
  }

  private finish(exchange: Exchange<unknown>): void {
    const { resolve } = this;
    this.settle();
    this.handBack(exchange.reader.takeRemainder());
    resolve(exchange.result);
    this.handedBack();
  }

  /** Fails the running negotiation (a no-op when none runs). */
  protected fail(err: unknown): void {
    const exchange = this.exchange;
    if (exchange === undefined) return;
    const { reject } = this;
    this.settle();
    const error = withContext(err, exchange.context());
    if (this.keepsStream(exchange, err)) {
      this.handBack(exchange.reader.takeRemainder());
      reject(error);
      this.handedBack();
      return;
    }
    this.discard(error);
    reject(error);
  }
}
