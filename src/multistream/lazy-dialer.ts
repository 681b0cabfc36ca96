/**
 * Lazy ("optimistic", 0.5-RTT) select: with exactly one protocol, the header, the proposal and the
 * first application bytes leave in one write, and the caller gets a stream at once. The listener's
 * header and echo are checked before the first application byte is delivered; `na` or anything
 * else makes the first read fail. Ending the stream sends FIN at once: it never waits for the
 * negotiation (a request/response protocol that ends its request with FIN would deadlock).
 *
 * Unsafe for nested negotiation (go-multistream#20): if the listener refuses the protocol, it
 * reads the application bytes that follow as further multistream messages, and a byte sequence
 * that looks like a supported proposal desynchronises the two sides. Use it only when the peer is
 * known to support the protocol, and never when the application bytes are themselves a
 * multistream negotiation.
 *
 * @module
 */
import { Duplex } from 'node:stream';
import { ErrorCodes, PeerwayError, abortError } from '../core/index.js';
import { DEFAULT_NEGOTIATION_TIMEOUT } from './constants.js';
import { HEADER_LINE, NA_LINE, protocolFrames, sameBytes, type ProtocolFrames } from './frames.js';
import { badHeader, multistreamError, preview, withContext } from './errors.js';
import { MessageReader } from './message-reader.js';
import type { NegotiateOptions } from './negotiation.js';
import { resetStream } from './reset-stream.js';

/** A stream whose negotiation is still being checked in the background. */
class LazyStream extends Duplex {
  private sent = false;
  private validated = false;
  private gotHeader = false;
  private listening = false;
  private flushTimer: NodeJS.Immediate | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private readonly reader = new MessageReader();

  constructor(
    private readonly inner: Duplex,
    private readonly frames: ProtocolFrames,
    private readonly options: NegotiateOptions,
  ) {
    super({ allowHalfOpen: true });
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** True once the listener's header and echo were checked. */
  get negotiated(): boolean {
    return this.validated;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.sent) {
      this.inner.write(chunk, callback);
      return;
    }
    this.markSent();
    this.inner.write(
      chunk.length === 0 ? this.frames.withHeader : Buffer.concat([this.frames.withHeader, chunk]),
      callback,
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.sent) {
      this.markSent();
      this.inner.write(this.frames.withHeader);
    }
    // FIN goes out now; reading the echo carries on independently.
    this.inner.end(callback);
  }

  override _read(): void {
    if (!this.sent) {
      // Wait a turn so a write issued right after the first read still shares the segment.
      this.flushTimer ??= setImmediate(() => {
        this.flushTimer = undefined;
        if (this.sent || this.destroyed) return;
        this.markSent();
        this.inner.write(this.frames.withHeader);
      });
      return;
    }
    this.inner.resume();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.detach();
    // Our negotiation errors reset the transport; a caller's abort or early return just closes it.
    if (err instanceof PeerwayError) resetStream(this.inner);
    else if (err !== null || !this.inner.writableFinished || !this.inner.readableEnded) this.inner.destroy();
    callback(err);
  }

  private markSent(): void {
    this.sent = true;
    if (this.flushTimer !== undefined) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.listening) return;
    this.listening = true;
    const { inner } = this;
    inner.on('data', this.onData);
    inner.on('end', this.onEnd);
    inner.on('error', this.onError);
    inner.on('close', this.onClose);
    if (inner.readableFlowing !== true) inner.resume();
    const timeout = this.options.timeout ?? DEFAULT_NEGOTIATION_TIMEOUT;
    if (timeout > 0 && Number.isFinite(timeout)) this.deadline = setTimeout(this.onTimeout, timeout);
  }

  private detach(): void {
    const { inner } = this;
    inner.off('data', this.onData);
    inner.off('end', this.onEnd);
    inner.off('error', this.onError);
    inner.off('close', this.onClose);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    if (this.flushTimer !== undefined) clearImmediate(this.flushTimer);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.validated) {
      if (!this.push(chunk)) this.inner.pause();
      return;
    }
    try {
      this.reader.push(chunk);
      for (;;) {
        const message = this.reader.next();
        if (message === null) return;
        if (this.check(message)) break;
      }
    } catch (err) {
      this.fail(err);
      return;
    }
    this.validated = true;
    if (this.deadline !== undefined) clearTimeout(this.deadline);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    const rest = this.reader.takeRemainder();
    if (rest.length > 0 && !this.push(rest)) this.inner.pause();
  };

  /** Checks one message; true once the echo arrived. */
  private check(message: Uint8Array): boolean {
    if (!this.gotHeader) {
      if (!sameBytes(message, HEADER_LINE)) {
        throw badHeader(message);
      }
      this.gotHeader = true;
      return false;
    }
    if (sameBytes(message, this.frames.line)) return true;
    if (sameBytes(message, NA_LINE)) {
      throw multistreamError(ErrorCodes.MULTISTREAM_NA, 'listener refused the lazily selected protocol');
    }
    throw multistreamError(
      ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE,
      'listener answered neither the proposal nor na',
      {
        response: preview(message),
      },
    );
  }

  private readonly onEnd = (): void => {
    if (this.validated) this.push(null);
    else this.fail(multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream ended during negotiation'));
  };

  private readonly onClose = (): void => {
    if (!this.validated)
      this.fail(multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream closed during negotiation'));
    else if (!this.destroyed && !this.readableEnded) this.destroy();
  };

  private readonly onError = (err: unknown): void => {
    this.fail(
      this.validated ? err : multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream failed', undefined, err),
    );
  };

  private readonly onAbort = (): void => {
    this.fail(abortError(this.options.signal!, 'multistream negotiation'));
  };

  private readonly onTimeout = (): void => {
    this.fail(new PeerwayError(ErrorCodes.TIMEOUT, 'multistream negotiation timed out'));
  };

  private fail(err: unknown): void {
    if (this.destroyed) return;
    const error =
      this.validated && !(err instanceof PeerwayError)
        ? (err as Error)
        : withContext(err, { role: 'dialer', protocols: [this.frames.protocol], lazy: true });
    this.destroy(error);
  }
}

/**
 * Lazily selects `protocol` on `stream` (see the module notes for when this is unsafe). Returns at
 * once a Duplex for the protocol: write to it right away and the handshake travels with your
 * first bytes. Its first read fails with ERR_MULTISTREAM_NA (or another ERR_MULTISTREAM_* code)
 * if the listener did not echo the protocol; `end()` half-closes without waiting.
 *
 * @example
 * ```ts
 * const echo = lazySelect(socket, '/echo/1.0.0');
 * echo.end('hello');
 * for await (const chunk of echo) console.log(String(chunk));
 * ```
 */
export function lazySelect(stream: Duplex, protocol: string, options: NegotiateOptions = {}): Duplex {
  return new LazyStream(stream, protocolFrames(protocol), options);
}
