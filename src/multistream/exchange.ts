/**
 * One negotiation as a state machine over bytes, with no I/O: received chunks go in with
 * `reader.push()`, `step()` handles the complete messages, and `takeOutput()` hands out what to
 * write. Subclasses (dialer, listener, ls) decide what to write and how to answer each message;
 * the drivers (a Node Duplex in negotiation.ts, a js-libp2p stream in message-stream.ts) own the
 * stream, the deadline and the hand-back. Portable.
 *
 * @module
 */
import { concatBytes } from './bytes.js';
import { MessageReader } from './message-reader.js';

/** `step()` stopped because no complete message is left. */
export const STEP_IDLE = 0;
/** `step()` stopped because the queued output reached the flush size; more messages may wait. */
export const STEP_FLUSH = 1;
/** `step()` finished the negotiation: `result` is set. */
export const STEP_DONE = 2;
/** What `step()` returns. */
export type StepOutcome = typeof STEP_IDLE | typeof STEP_FLUSH | typeof STEP_DONE;

/** Base of every negotiation state machine. */
export abstract class Exchange<T> {
  /** The received messages; a subclass raises its limits for an `ls` reply. */
  readonly reader = new MessageReader();
  /** Set by the subclass before `onMessage` returns true. */
  result: T | undefined;
  // Bytes to write: usually one cached frame, an array only when a chunk needs several answers.
  private out: Uint8Array | Uint8Array[] | undefined;
  private outBytes = 0;

  /** Queues the opening messages (with `send`). */
  abstract begin(): void;

  /** Handles one message; returns true when the negotiation is complete. */
  protected abstract onMessage(message: Uint8Array): boolean;

  /** Facts about the negotiation for error details (role, protocols tried). */
  abstract context(): Record<string, unknown>;

  /**
   * Whether a failure with `err` leaves the stream usable, so the driver hands it back instead of
   * resetting it (a `na` to {@link trySelect}, after which the caller may propose again).
   */
  keepsStream(_err: unknown): boolean {
    return false;
  }

  /**
   * Handles the complete messages received so far. Stops when the negotiation is done, when no
   * complete message is left, or once `flushAt` bytes of answers are queued (so a peer that asks
   * for more than it reads is answered no faster than it reads). Throws on a protocol error.
   */
  step(flushAt: number): StepOutcome {
    for (;;) {
      const message = this.reader.next();
      if (message === null) return STEP_IDLE;
      if (this.onMessage(message)) return STEP_DONE;
      if (this.outBytes >= flushAt) return STEP_FLUSH;
    }
  }

  /** Removes and returns the queued output as one byte array, or undefined when none is queued. */
  takeOutput(): Uint8Array | undefined {
    const out = this.out;
    if (out === undefined) return undefined;
    this.out = undefined;
    this.outBytes = 0;
    return Array.isArray(out) ? concatBytes(out) : out;
  }

  /** Queues bytes; everything queued while handling one chunk goes out in one write. */
  protected send(frame: Uint8Array): void {
    this.outBytes += frame.length;
    const out = this.out;
    if (out === undefined) this.out = frame;
    else if (Array.isArray(out)) out.push(frame);
    else this.out = [out, frame];
  }

  /** Replaces the queue when it holds exactly `only` (to send header + answer as one cached frame). */
  protected replaceQueued(only: Uint8Array, replacement: Uint8Array): boolean {
    if (this.out !== only) return false;
    this.out = replacement;
    return true;
  }
}
