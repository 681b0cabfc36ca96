/**
 * The js-libp2p driver: runs an {@link Exchange} over a js-libp2p 3 `MessageStream` (a connection
 * being upgraded, or a muxed stream), the stream type `@libp2p/multistream-select` 7 works on.
 * Portable: it needs only the stream's EventTarget surface, so it runs wherever js-libp2p does.
 *
 * The stream is described structurally ({@link Libp2pMessageStream}), so peerway needs no
 * js-libp2p package at run time or for its types; js-libp2p's `Stream` and `MultiaddrConnection`
 * fit it as they are.
 *
 * @module
 */
import { ErrorCodes, abortError, isPeerwayError, type PeerwayError } from '../core/portable.js';
import { DEFAULT_NEGOTIATION_TIMEOUT } from './constants.js';
import { NegotiationDriver } from './driver.js';
import { multistreamError } from './errors.js';
import type { Exchange } from './exchange.js';

/**
 * What a js-libp2p stream hands to its listeners: bytes for 'message' (one array, or a
 * `Uint8ArrayList`, iterable over its arrays), an error for a 'close' that was an abort.
 */
export interface Libp2pMessageEvent {
  /** The event's name ('message', 'close', ...). */
  readonly type?: string;
  /** A 'message' event's bytes. */
  readonly data?: Uint8Array | Iterable<Uint8Array>;
  /** A 'close' event's error, when the stream was aborted or reset. */
  readonly error?: Error | undefined;
}

/** A listener of a {@link Libp2pMessageStream}. */
export type Libp2pStreamListener = (evt: Libp2pMessageEvent) => void;

/**
 * The part of js-libp2p's `MessageStream` (@libp2p/interface 3) that negotiation uses: its
 * events, `send` (false when the caller should wait for 'drain'), `unshift` to hand unread bytes
 * back, and `abort`. js-libp2p's `Stream` and `MultiaddrConnection` both fit.
 */
export interface Libp2pMessageStream {
  /** `'open'` until the stream closes, aborts or resets. */
  readonly status: string;
  /** A muxed stream's view of the remote's write side (`'writable'` until it closes). */
  readonly remoteWriteStatus?: string;
  /** Bytes received and not yet dispatched as 'message' events. */
  readonly readBufferLength?: number;
  /** Listens for 'message', 'close', 'remoteCloseWrite' or 'drain'. */
  addEventListener(type: string, listener: Libp2pStreamListener, options?: unknown): void;
  /** Removes a listener added with `addEventListener`. */
  removeEventListener(type: string, listener: Libp2pStreamListener, options?: unknown): void;
  /** Queues bytes to send; false when the caller should wait for 'drain'. */
  send(data: Uint8Array): boolean;
  /** Puts bytes back at the front of the read buffer, to be dispatched before newer ones. */
  unshift(data: Uint8Array): void;
  /** Stops reading from the transport until `resume()`. */
  pause?(): void;
  /** Resumes reading after `pause()`. */
  resume?(): void;
  /** Closes the stream at once with an error (a reset for a muxed stream). */
  abort(err: Error): void;
}

/** Options of a negotiation on a js-libp2p stream. */
export interface MessageStreamNegotiateOptions {
  /** Cancels the negotiation; js-libp2p passes one bounded by its negotiation timeout. */
  signal?: AbortSignal | undefined;
  /**
   * Give up after this many milliseconds; 0 disables it. @default 10000 without a `signal`, none
   * with one (the signal then bounds the negotiation, as js-libp2p's own module relies on)
   */
  timeout?: number | undefined;
}

/**
 * Bytes a peer may send us while our own answers are backed up, before the negotiation fails:
 * 64 KiB, far past what an honest dialer pipelines (a header and a few proposals).
 */
export const MAX_BYTES_WHILE_BLOCKED = 64 * 1024;

/** Answers are written in batches of at most this many bytes (js-libp2p streams have no high-water mark). */
const FLUSH_AT = 16 * 1024;

/** True once the remote can send nothing more (what js-libp2p's byte stream calls EOF). */
function ended(stream: Libp2pMessageStream): boolean {
  if (stream.status !== 'open') return true;
  return stream.remoteWriteStatus !== undefined && stream.remoteWriteStatus !== 'writable';
}

/** Runs `exchange` on a js-libp2p stream; resolves with its result once the stream is handed back. */
export function negotiateMessageStream<T>(
  exchange: Exchange<T>,
  stream: Libp2pMessageStream,
  options: MessageStreamNegotiateOptions,
): Promise<T> {
  return new StreamNegotiation(stream).run(exchange, options);
}

/** One negotiation over a js-libp2p stream. */
class StreamNegotiation extends NegotiationDriver {
  protected readonly flushAt = FLUSH_AT;
  private paused = false;
  private remoteEnded = false;

  constructor(private readonly stream: Libp2pMessageStream) {
    super();
  }

  run<T>(exchange: Exchange<T>, options: MessageStreamNegotiateOptions): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const { stream } = this;
      const signal = options.signal;
      if (signal?.aborted === true) {
        this.failAtStart(exchange, resolve, reject, abortError(signal, 'multistream negotiation'));
        return;
      }
      if (stream.status !== 'open') {
        const err = multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream already closed');
        this.failAtStart(exchange, resolve, reject, err);
        return;
      }
      stream.addEventListener('message', this.onMessage);
      stream.addEventListener('close', this.onClose);
      stream.addEventListener('remoteCloseWrite', this.onRemoteCloseWrite);
      const timeout = options.timeout ?? (signal === undefined ? DEFAULT_NEGOTIATION_TIMEOUT : 0);
      this.start(exchange, resolve, reject, signal, timeout);
      // The remote may have closed its side before we started (its bytes are still buffered).
      if (this.exchange !== undefined && ended(stream) && (stream.readBufferLength ?? 0) === 0) {
        this.onRemoteCloseWrite();
      }
    });
  }

  protected send(bytes: Uint8Array): boolean {
    return this.stream.send(bytes);
  }

  private readonly onMessage = (evt: Libp2pMessageEvent): void => {
    const exchange = this.exchange;
    if (exchange === undefined) return;
    const { data } = evt;
    if (data === undefined) return;
    const { reader } = exchange;
    if (data instanceof Uint8Array) reader.push(data);
    else for (const chunk of data) reader.push(chunk);
    if (this.blocked) {
      if (reader.buffered > MAX_BYTES_WHILE_BLOCKED) {
        this.fail(
          multistreamError(
            ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS,
            `peer sent more than ${MAX_BYTES_WHILE_BLOCKED} bytes while our answers were backed up`,
          ),
        );
      }
      return;
    }
    if (this.answer()) this.checkEnded();
  };

  protected waitForDrain(): void {
    this.stream.addEventListener('drain', this.onDrain);
    if (this.stream.pause !== undefined) {
      try {
        this.stream.pause();
        this.paused = true;
      } catch {
        // A closing stream cannot pause; the byte cap above still holds.
      }
    }
  }

  private readonly onDrain = (): void => {
    if (this.exchange === undefined) return;
    this.stream.removeEventListener('drain', this.onDrain);
    this.unpause();
    if (this.drained()) this.checkEnded();
  };

  private unpause(): void {
    if (!this.paused) return;
    this.paused = false;
    try {
      this.stream.resume?.();
    } catch {
      // Closed meanwhile: the 'close' listener reports it.
    }
  }

  private readonly onClose = (evt: Libp2pMessageEvent): void => {
    this.fail(
      multistreamError(
        ErrorCodes.MULTISTREAM_EOF,
        'stream closed during negotiation',
        undefined,
        evt?.error ?? undefined,
      ),
    );
  };

  private readonly onRemoteCloseWrite = (): void => {
    if (this.exchange === undefined) return;
    this.remoteEnded = true;
    // Bytes still buffered are dispatched first; fail once they are handled without a result.
    if (!this.blocked) this.checkEnded();
  };

  /** Fails once the remote has closed its side and every byte it sent was handled. */
  private checkEnded(): void {
    if (this.remoteEnded && (this.stream.readBufferLength ?? 0) === 0) {
      this.fail(multistreamError(ErrorCodes.MULTISTREAM_EOF, 'remote closed its side during negotiation'));
    }
  }

  private detach(): void {
    const { stream } = this;
    stream.removeEventListener('message', this.onMessage);
    stream.removeEventListener('close', this.onClose);
    stream.removeEventListener('remoteCloseWrite', this.onRemoteCloseWrite);
    stream.removeEventListener('drain', this.onDrain);
    this.unpause();
  }

  // A refusal leaves the stream to the caller (js-libp2p aborts it itself, or tries again).
  protected override keepsStream(exchange: Exchange<unknown>, err: unknown): boolean {
    return exchange.keepsStream(err) || isPeerwayError(err, ErrorCodes.MULTISTREAM_NA);
  }

  protected handBack(rest: Uint8Array): void {
    this.detach();
    if (rest.length > 0 && this.stream.status === 'open') this.stream.unshift(rest);
  }

  protected discard(error: PeerwayError): void {
    this.detach();
    if (this.stream.status === 'open') this.stream.abort(error);
  }
}
