/**
 * The Node driver of a negotiation: runs an {@link Exchange} over a Node Duplex, driven
 * synchronously from its 'readable' events. The exchange decides what to write and how to answer
 * each message; this class owns the stream while it runs: listeners, deadline, abort, errors,
 * backpressure and the hand-back.
 *
 * Reading: in paused mode ('readable' + `read(n)` of exactly what is buffered), so Node never
 * emits an 'end' nobody is listening to yet, and leaving needs no internal state: removing the
 * listener returns the stream to the read mode it was found in.
 *
 * Hand-back: bytes that arrived behind the last negotiation message are put back at the front of
 * its read buffer with `unshift()`, so the protocol reads them first and exactly once, before an
 * EOF that arrived in the same read.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { ErrorCodes, PeerwayError, abortError, type AbortOptions } from '../core/index.js';
import { DEFAULT_NEGOTIATION_TIMEOUT } from './constants.js';
import { unwatchDeadline, watchDeadline, type Expiring } from './deadlines.js';
import { multistreamError, withContext } from './errors.js';
import { STEP_DONE, STEP_IDLE, type Exchange } from './exchange.js';
import { resetStream } from './reset-stream.js';

/** Options shared by every negotiation call. */
export interface NegotiateOptions extends AbortOptions {
  /**
   * Give up after this many milliseconds; 0 disables the deadline. Like `AbortSignal.timeout()`,
   * the deadline alone does not keep the process alive. @default 10000
   */
  timeout?: number | undefined;
}

function noop(): void {}

/** Runs `exchange` on `stream`; resolves with its result once the stream has been handed back. */
export function negotiate<T>(exchange: Exchange<T>, stream: Duplex, options: NegotiateOptions): Promise<T> {
  return new Negotiation(exchange, stream, options).run();
}

/** One negotiation over a Node Duplex. */
class Negotiation<T> implements Expiring {
  // Owned by deadlines.ts: one shared timer instead of a setTimeout per negotiation.
  deadline = 0;
  prevDue: Expiring | undefined = undefined;
  nextDue: Expiring | undefined = undefined;
  private resolve: (value: T) => void = noop;
  private reject: (reason: unknown) => void = noop;
  private prevFlowing: boolean | null = null;
  private done = false;
  /** True while a write is backed up: no reading until the stream drains. */
  private blocked = false;

  constructor(
    private readonly exchange: Exchange<T>,
    private readonly stream: Duplex,
    private readonly options: NegotiateOptions,
  ) {}

  run(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      const { stream } = this;
      const signal = this.options.signal;
      if (signal?.aborted === true) {
        this.fail(abortError(signal, 'multistream negotiation'));
        return;
      }
      if (stream.destroyed || stream.readableEnded) {
        this.fail(multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream already closed'));
        return;
      }
      const misuse = unusable(stream);
      if (misuse !== undefined) {
        this.done = true;
        reject(new PeerwayError(ErrorCodes.INVALID_ARGUMENT, misuse));
        return;
      }
      this.prevFlowing = stream.readableFlowing;
      stream.on('end', this.onEnd);
      stream.on('close', this.onEnd);
      stream.on('error', this.onError);
      // Ask for data first: with a read already pending, adding the 'readable' listener below
      // does not schedule one more tick to start reading (an EOF already seen surfaces as 'end').
      stream.read(0);
      stream.on('readable', this.onReadable);
      if (signal !== undefined) {
        this.onAbort = () => this.fail(abortError(signal, 'multistream negotiation'));
        signal.addEventListener('abort', this.onAbort);
      }
      const timeout = this.options.timeout ?? DEFAULT_NEGOTIATION_TIMEOUT;
      if (timeout > 0 && Number.isFinite(timeout)) watchDeadline(this, timeout);
      try {
        this.exchange.begin();
        this.write();
      } catch (err) {
        this.fail(err);
      }
    });
  }

  /** Writes what the exchange queued; false when the stream's write side is backed up. */
  private write(): boolean {
    const out = this.exchange.takeOutput();
    // Write errors arrive later as 'error'/'close'. The listener's echo completes the exchange
    // synchronously, so a dialer that writes and closes at once (lazy) is still served.
    return out === undefined || this.stream.write(out);
  }

  // Listeners bound once per exchange (cheaper than arrow-function fields under tsx's keepNames).
  private readonly onReadable = this.handleReadable.bind(this);
  private readonly onEnd = this.handleEnd.bind(this);
  private readonly onError = this.handleError.bind(this);
  private onAbort: (() => void) | undefined;
  // Bound only when a write backs up, which an honest peer never makes happen.
  private onDrain: (() => void) | undefined;

  private handleReadable(): void {
    const { stream } = this;
    while (!this.done && !this.blocked) {
      const n = stream.readableLength;
      // Nothing buffered: read() lets a pending EOF surface as 'end' (and otherwise asks for more).
      if (n === 0) {
        stream.read();
        return;
      }
      // Reading exactly what is buffered never schedules 'end' behind our back.
      const chunk = stream.read(n) as Uint8Array | string | null;
      if (chunk === null) return;
      if (typeof chunk === 'string') {
        this.fail(
          new PeerwayError(
            ErrorCodes.INVALID_ARGUMENT,
            'stream has an encoding set; multistream needs bytes',
          ),
        );
        return;
      }
      this.exchange.reader.push(chunk);
      this.answer();
    }
  }

  /**
   * Handles the messages already received. A peer that asks for more than it reads gets no more
   * answers (and nothing more is read from it) until the stream drains: what it costs us stays
   * near the stream's write buffer, not what it sends times what each answer weighs.
   */
  private answer(): void {
    const { exchange } = this;
    try {
      for (;;) {
        const outcome = exchange.step(this.stream.writableHighWaterMark);
        const flowing = this.write();
        if (outcome === STEP_DONE) {
          this.finish();
          return;
        }
        if (!flowing) {
          this.waitForDrain();
          return;
        }
        if (outcome === STEP_IDLE) return;
      }
    } catch (err) {
      this.fail(err);
    }
  }

  private waitForDrain(): void {
    this.blocked = true;
    this.onDrain ??= () => this.handleDrain();
    this.stream.once('drain', this.onDrain);
  }

  private handleDrain(): void {
    if (this.done) return;
    this.blocked = false;
    this.answer();
    if (!this.done && !this.blocked) this.handleReadable();
  }

  private handleEnd(): void {
    this.fail(multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream ended or closed during negotiation'));
  }

  private handleError(err: unknown): void {
    this.fail(
      multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream failed during negotiation', undefined, err),
    );
  }

  /** Called by the shared deadline timer. */
  timedOut(): void {
    this.fail(new PeerwayError(ErrorCodes.TIMEOUT, 'multistream negotiation timed out'));
  }

  private detach(): void {
    const { stream } = this;
    stream.off('readable', this.onReadable);
    stream.off('end', this.onEnd);
    stream.off('close', this.onEnd);
    stream.off('error', this.onError);
    if (this.onDrain !== undefined) stream.off('drain', this.onDrain);
    if (this.onAbort !== undefined) this.options.signal?.removeEventListener('abort', this.onAbort);
    unwatchDeadline(this);
  }

  /** Hands the stream back: unread bytes go back to the front of its buffer. */
  private handBack(): void {
    this.done = true;
    this.detach();
    const { stream } = this;
    const rest = this.exchange.reader.takeRemainder();
    if (rest.length > 0) stream.unshift(rest);
    // Removing our 'readable' listener hands the stream back unread (Node resets readableFlowing
    // to null on the next tick, or resumes it for 'data' listeners that were there before); a
    // stream the caller had paused is paused again right after that, before its code runs.
    if (this.prevFlowing === false) process.nextTick(pauseStream, stream);
  }

  private finish(): void {
    this.handBack();
    this.resolve(this.exchange.result as T);
  }

  private fail(err: unknown): void {
    if (this.done) return;
    const error = withContext(err, this.exchange.context());
    if (this.exchange.keepsStream(err)) {
      this.handBack();
      this.reject(error);
      return;
    }
    this.done = true;
    this.detach();
    // Keep a late socket error from becoming an uncaught exception once our listener is gone.
    this.stream.on('error', noop);
    resetStream(this.stream);
    this.reject(error);
  }
}

/** Why `stream` cannot be negotiated on as it is, if it cannot; the stream is left untouched. */
function unusable(stream: Duplex): string | undefined {
  if (stream.readableObjectMode || stream.readableEncoding !== null) {
    return 'stream must deliver raw bytes (no object mode, no encoding)';
  }
  if (stream.listenerCount('data') > 0 || stream.listenerCount('readable') > 0) {
    // Another reader would see the negotiation bytes and then the early bytes a second time.
    return "stream already has 'data' or 'readable' listeners; negotiation must be its only reader";
  }
  return undefined;
}

function pauseStream(stream: Duplex): void {
  stream.pause();
}
