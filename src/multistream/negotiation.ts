/**
 * The Node driver of a negotiation: runs an {@link Exchange} over a Node Duplex, driven
 * synchronously from its 'data' events. The exchange decides what to write and how to answer
 * each message; the shared {@link NegotiationDriver} keeps the deadline, the abort signal and the
 * finishing steps; this class owns the stream's listeners, its flowing state and backpressure.
 *
 * Reading: in flowing mode through our own 'data' listener, so each chunk is answered as the
 * stream delivers it, with no tick in between. Before that the stream's flowing state is noted:
 * null for a stream nobody has read yet, false for one its owner paused.
 *
 * Hand-back: the flowing state is set back first, then bytes that arrived behind the last
 * negotiation message are put back at the front of the read buffer with `unshift()`, so the
 * protocol reads them first and exactly once, before an EOF that arrived in the same read. A
 * stream that does not flow emits no 'end' until its new reader reads.
 *
 * Back to back: the listeners stay on the stream until the end of the microtask checkpoint in
 * which the negotiation's promise settles, and a negotiation started there (by code awaiting the
 * last one: the next select on the same connection, trySelect after a na, ls then select) takes
 * them over instead of removing and adding four listeners. Until then they ignore everything, so
 * code that reads the stream at once is not disturbed; they are gone before the next I/O event
 * or tick.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { ErrorCodes, PeerwayError, abortError, type AbortOptions } from '../core/index.js';
import { DEFAULT_NEGOTIATION_TIMEOUT } from './constants.js';
import { NegotiationDriver } from './driver.js';
import { multistreamError } from './errors.js';
import type { Exchange } from './exchange.js';
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

/**
 * Schedules the release: a reaction on a settled promise queues one microtask, as
 * `queueMicrotask()` does without the async resource and bound function Node makes for each call.
 */
const SETTLED = Promise.resolve();

/**
 * Drivers that handed their stream back and still listen, until their release: only those whose
 * promise settled in the current microtask checkpoint, so a scan is short, and no stream gets a
 * WeakMap entry (set and deleted per stream) just in case it negotiates again.
 */
const handedBack: DuplexDriver[] = [];

/** Runs `exchange` on `stream`; resolves with its result once the stream has been handed back. */
export function negotiate<T>(exchange: Exchange<T>, stream: Duplex, options: NegotiateOptions): Promise<T> {
  return (claim(stream) ?? new DuplexDriver(stream)).run(exchange, options);
}

/** The driver that just handed `stream` back, taken off the list, if there is one. */
function claim(stream: Duplex): DuplexDriver | undefined {
  for (let i = 0; i < handedBack.length; i++) {
    const driver = handedBack[i]!;
    if (driver.stream === stream) {
      driver.unlist(i);
      return driver;
    }
  }
  return undefined;
}

/** Node's `Readable` has a setter for `readableFlowing` (its typings call it read-only). */
type FlowingDuplex = Duplex & { readableFlowing: boolean | null };

/** Negotiations on one Node Duplex. */
class DuplexDriver extends NegotiationDriver {
  protected readonly flushAt: number;
  readonly stream: FlowingDuplex;
  /** Our listeners are on the stream. */
  private listening = false;
  /** On the {@link handedBack} list. */
  private listed = false;
  private releaseQueued = false;
  private drainListening = false;
  /** The stream's flowing state before the running negotiation, restored at hand-back. */
  private prevFlowing: false | null = null;

  // Bound once per stream (cheaper than arrow-function fields under tsx's keepNames).
  private readonly onData = this.handleData.bind(this);
  private readonly onEnd = this.handleEnd.bind(this);
  private readonly onError = this.handleError.bind(this);
  private readonly onDrain = this.handleDrain.bind(this);
  private readonly release = this.handleRelease.bind(this);

  constructor(stream: FlowingDuplex) {
    super();
    this.stream = stream;
    this.flushAt = stream.writableHighWaterMark;
  }

  run<T>(exchange: Exchange<T>, options: NegotiateOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { stream } = this;
      const signal = options.signal;
      if (signal?.aborted === true) {
        this.failAtStart(exchange, resolve, reject, abortError(signal, 'multistream negotiation'));
        return;
      }
      if (stream.destroyed || stream.readableEnded) {
        const err = multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream already closed');
        this.failAtStart(exchange, resolve, reject, err);
        return;
      }
      const misuse = unusable(stream, this.listening ? 1 : 0);
      if (misuse !== undefined) {
        reject(new PeerwayError(ErrorCodes.INVALID_ARGUMENT, misuse));
        return;
      }
      this.prevFlowing = stream.readableFlowing === false ? false : null;
      if (!this.listening) this.listen();
      this.start(exchange, resolve, reject, signal, options.timeout ?? DEFAULT_NEGOTIATION_TIMEOUT);
      this.flow();
    });
  }

  private listen(): void {
    const { stream } = this;
    this.listening = true;
    // Not flowing while the listener goes on, or adding it would schedule a resume of its own.
    stream.readableFlowing = false;
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  private unlisten(): void {
    if (!this.listening) return;
    const { stream } = this;
    this.listening = false;
    stream.off('data', this.onData);
    stream.off('end', this.onEnd);
    stream.off('close', this.onEnd);
    stream.off('error', this.onError);
    this.stopWaitingForDrain();
  }

  /** Delivers the stream's chunks to the running negotiation: those already buffered, then new ones. */
  private flow(): void {
    const { stream } = this;
    const exchange = this.exchange;
    if (exchange === undefined || this.blocked) return;
    stream.readableFlowing = true;
    // Bytes buffered before we flowed (put back by the last negotiation, or sent early): read()
    // hands them to our 'data' listener a chunk at a time, and may end the negotiation.
    while (stream.readableLength > 0) {
      stream.read();
      if (this.exchange !== exchange || this.blocked) return;
    }
    // Keeps the source reading, and lets an EOF already received surface as 'end'.
    stream.read(0);
  }

  private handleData(chunk: Uint8Array | string): void {
    const exchange = this.exchange;
    // Between a hand-back and the release, the stream belongs to its caller: not ours to read.
    if (exchange === undefined) return;
    if (typeof chunk === 'string') {
      this.fail(
        new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'stream has an encoding set; multistream needs bytes'),
      );
      return;
    }
    exchange.reader.push(chunk);
    if (!this.blocked) this.answer();
  }

  protected send(bytes: Uint8Array): boolean {
    return this.stream.write(bytes);
  }

  /** Stops the flow until the stream drains; an honest peer never makes this happen. */
  protected waitForDrain(): void {
    this.stream.readableFlowing = false;
    if (!this.drainListening) {
      this.drainListening = true;
      this.stream.once('drain', this.onDrain);
    }
  }

  private stopWaitingForDrain(): void {
    if (!this.drainListening) return;
    this.drainListening = false;
    this.stream.off('drain', this.onDrain);
  }

  private handleDrain(): void {
    this.drainListening = false;
    if (this.drained()) this.flow();
  }

  private handleEnd(): void {
    this.fail(multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream ended or closed during negotiation'));
  }

  private handleError(err: unknown): void {
    this.fail(
      multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream failed during negotiation', undefined, err),
    );
  }

  protected handBack(rest: Uint8Array): void {
    const { stream } = this;
    this.stopWaitingForDrain();
    // Stop the flow before putting bytes back, or unshift() would hand them straight to us.
    if (this.prevFlowing === false) stream.pause();
    else stream.readableFlowing = null;
    if (rest.length > 0) stream.unshift(rest);
  }

  /** Keeps the listeners for a negotiation started by whoever awaited this one (see above). */
  protected override handedBack(): void {
    if (!this.listed) {
      this.listed = true;
      handedBack.push(this);
    }
    if (!this.releaseQueued) {
      this.releaseQueued = true;
      void SETTLED.then(this.release);
    }
  }

  /** Takes this driver off the {@link handedBack} list, where it sits at `at` if known. */
  unlist(at = handedBack.indexOf(this)): void {
    if (!this.listed) return;
    this.listed = false;
    handedBack.splice(at, 1);
  }

  private handleRelease(): void {
    this.releaseQueued = false;
    if (this.exchange !== undefined) return;
    this.unlist();
    this.unlisten();
  }

  protected discard(): void {
    const { stream } = this;
    this.unlisten();
    // Keep a late socket error from becoming an uncaught exception once our listener is gone.
    stream.on('error', noop);
    resetStream(stream);
  }
}

/**
 * Why `stream` cannot be negotiated on as it is, if it cannot; the stream is left untouched.
 * `ownDataListeners` is 1 when our driver still listens from the last negotiation.
 */
function unusable(stream: Duplex, ownDataListeners: number): string | undefined {
  if (stream.readableObjectMode || stream.readableEncoding !== null) {
    return 'stream must deliver raw bytes (no object mode, no encoding)';
  }
  if (stream.listenerCount('data') > ownDataListeners || stream.listenerCount('readable') > 0) {
    // Another reader would see the negotiation bytes and then the early bytes a second time.
    return "stream already has 'data' or 'readable' listeners; negotiation must be its only reader";
  }
  return undefined;
}
