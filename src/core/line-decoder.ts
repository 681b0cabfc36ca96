import { ByteQueue } from './byte-queue.js';
import { ErrorCodes } from './codes.js';
import { PeerwayError } from './errors.js';

const LF = 0x0a;
const CR = 0x0d;

/** Options for {@link LineDecoder}. */
export interface LineDecoderOptions {
  /** Longest line accepted, in bytes, without its `\n` or `\r\n`. */
  maxLineLength: number;
  /** Strip one `\r` before the `\n` (accept CRLF as well as LF). @default true */
  acceptCRLF?: boolean;
}

/**
 * Splits a byte stream into lines. Feed chunks with {@link LineDecoder.push} and pull lines with
 * {@link LineDecoder.next}; any chunking of the same bytes yields the same lines. Each byte is
 * scanned once and copied at most once, so cost is linear in the input however it is chunked.
 * A line longer than `maxLineLength` throws ERR_FRAME_TOO_LONG as soon as it is detected, and the
 * decoder then stays failed (the connection should be dropped).
 *
 * @example
 * ```ts
 * const lines = new LineDecoder({ maxLineLength: 40_000 });
 * socket.on('data', (chunk) => {
 *   lines.push(chunk);
 *   for (let line; (line = lines.next()) !== null; ) handle(line);
 * });
 * ```
 */
export class LineDecoder {
  private readonly queue = new ByteQueue();
  private readonly maxLineLength: number;
  private readonly acceptCRLF: boolean;
  private scanned = 0; // bytes from the read position known to hold no LF
  private failed: PeerwayError | undefined;

  constructor(options: LineDecoderOptions) {
    this.maxLineLength = options.maxLineLength;
    this.acceptCRLF = options.acceptCRLF ?? true;
  }

  /** Bytes buffered and not yet returned. */
  get buffered(): number {
    return this.queue.length;
  }

  /** Queues a received chunk. */
  push(chunk: Buffer): void {
    if (this.failed !== undefined) throw this.failedError();
    this.queue.push(chunk);
  }

  /** The next complete line (without its terminator), or null when more bytes are needed. */
  next(): Buffer | null {
    if (this.failed !== undefined) throw this.failedError();
    const at = this.queue.indexOf(LF, this.scanned);
    if (at === -1) {
      this.scanned = this.queue.length;
      // One trailing CR may still turn out to be part of a CRLF terminator.
      const allowance = this.acceptCRLF ? 1 : 0;
      if (this.queue.length > this.maxLineLength + allowance) this.fail(this.queue.length);
      return null;
    }
    this.scanned = 0;
    let end = at;
    if (this.acceptCRLF && at > 0 && this.queue.byteAt(at - 1) === CR) end = at - 1;
    if (end > this.maxLineLength) this.fail(end);
    const line = this.queue.read(end);
    this.queue.skip(at + 1 - end);
    return line;
  }

  /** Removes and returns the bytes buffered after the last complete line. */
  takeRemainder(): Buffer {
    this.scanned = 0;
    return this.queue.readAll();
  }

  private fail(length: number): never {
    this.failed = new PeerwayError(
      ErrorCodes.FRAME_TOO_LONG,
      `line of ${length}+ bytes exceeds the limit of ${this.maxLineLength}`,
      { details: { limit: this.maxLineLength, length } },
    );
    throw this.failed;
  }

  private failedError(): PeerwayError {
    return new PeerwayError(ErrorCodes.DECODER_FAILED, 'line decoder already failed', { cause: this.failed });
  }
}
