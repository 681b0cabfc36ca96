/**
 * The Node driver for any Duplex: runs an {@link Exchange} driven synchronously from the stream's
 * 'readable' events; the shared {@link NegotiationDriver} keeps the deadline, the abort signal
 * and the finishing steps. (TCP and TLS sockets get the faster {@link SocketDriver}.)
 *
 * Reading: in paused mode ('readable' + `read(n)` of exactly what is buffered), so Node never
 * emits an 'end' nobody is listening to yet, even for a stream that pushes its data and its EOF
 * together from inside `_read()`; and leaving needs no internal state: removing the listener
 * returns the stream to the read mode it was found in.
 *
 * Hand-back: bytes that arrived behind the last negotiation message are put back at the front of
 * its read buffer with `unshift()`, so the protocol reads them first and exactly once, before an
 * EOF that arrived in the same read.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { ErrorCodes, PeerwayError, abortError } from '../core/index.js';
import { DEFAULT_NEGOTIATION_TIMEOUT } from './constants.js';
import { NegotiationDriver } from './driver.js';
import { multistreamError } from './errors.js';
import type { Exchange } from './exchange.js';
import type { NegotiateOptions } from './negotiation.js';
import { resetStream } from './reset-stream.js';

function noop(): void {}

/** Node's `Readable` has a setter for `readableFlowing` (its typings call it read-only). */
export type FlowingDuplex = Duplex & { readableFlowing: boolean | null };

/** Negotiations on one Node Duplex, one at a time. */
export class DuplexDriver extends NegotiationDriver {
  protected readonly flushAt: number;
  readonly stream: FlowingDuplex;
  /** The stream's flowing state before the running negotiation. */
  protected prevFlowing: boolean | null = null;
  private drainListening = false;
  // Bound once per driver (cheaper than arrow-function fields under tsx's keepNames).
  protected readonly onEnd = this.handleEnd.bind(this);
  protected readonly onError = this.handleError.bind(this);
  private readonly onDrain = this.handleDrain.bind(this);
  private onReadable: (() => void) | undefined = undefined;

  constructor(stream: FlowingDuplex) {
    super();
    this.stream = stream;
    this.flushAt = stream.writableHighWaterMark;
  }

  /** Runs `exchange`; resolves with its result once the stream has been handed back. */
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
      const misuse = unusable(stream, this.ownDataListeners());
      if (misuse !== undefined) {
        reject(new PeerwayError(ErrorCodes.INVALID_ARGUMENT, misuse));
        return;
      }
      this.listen();
      this.start(exchange, resolve, reject, signal, options.timeout ?? DEFAULT_NEGOTIATION_TIMEOUT);
      this.read();
    });
  }

  /** How many of the stream's 'data' listeners are ours (kept from the last negotiation). */
  protected ownDataListeners(): number {
    return 0;
  }

  /** Notes the stream's read mode and starts listening. */
  protected listen(): void {
    const { stream } = this;
    this.prevFlowing = stream.readableFlowing;
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
    // Ask for data first: with a read already pending, adding the 'readable' listener below
    // does not schedule one more tick to start reading (an EOF already seen surfaces as 'end').
    stream.read(0);
    this.onReadable ??= this.read.bind(this);
    stream.on('readable', this.onReadable);
  }

  /** Stops listening (the stream's own read-mode bookkeeping follows). */
  protected unlisten(): void {
    const { stream } = this;
    if (this.onReadable !== undefined) stream.off('readable', this.onReadable);
    stream.off('end', this.onEnd);
    stream.off('close', this.onEnd);
    stream.off('error', this.onError);
    this.stopWaitingForDrain();
  }

  /** Hands what the stream has buffered to the running negotiation. */
  protected read(): void {
    const { stream } = this;
    for (;;) {
      const exchange = this.exchange;
      if (exchange === undefined || this.blocked) return;
      const n = stream.readableLength;
      // Nothing buffered: read() lets a pending EOF surface as 'end' (and otherwise asks for more).
      if (n === 0) {
        stream.read();
        return;
      }
      // Reading exactly what is buffered never schedules 'end' behind our back.
      const chunk = stream.read(n) as Uint8Array | string | null;
      if (chunk === null) return;
      this.take(exchange, chunk);
    }
  }

  /** Gives a received chunk to `exchange` and answers what it completes. */
  protected take(exchange: Exchange<unknown>, chunk: Uint8Array | string): void {
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

  /** Reads nothing more until the stream drains; an honest peer never makes this happen. */
  protected waitForDrain(): void {
    if (this.drainListening) return;
    this.drainListening = true;
    this.stream.once('drain', this.onDrain);
  }

  protected stopWaitingForDrain(): void {
    if (!this.drainListening) return;
    this.drainListening = false;
    this.stream.off('drain', this.onDrain);
  }

  private handleDrain(): void {
    this.drainListening = false;
    if (this.drained()) this.read();
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
    this.unlisten();
    if (rest.length > 0) stream.unshift(rest);
    // Removing our 'readable' listener hands the stream back unread (Node resets readableFlowing
    // to null on the next tick, or resumes it for 'data' listeners that were there before); a
    // stream the caller had paused is paused again right after that, before its code runs.
    if (this.prevFlowing === false) process.nextTick(pauseStream, stream);
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
 * `ownDataListeners` counts the 'data' listeners a driver kept from the last negotiation.
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

function pauseStream(stream: Duplex): void {
  stream.pause();
}
