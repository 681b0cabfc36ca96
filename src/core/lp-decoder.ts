import { ByteQueue } from './byte-queue.js';
import { ErrorCodes } from './codes.js';
import { PeerwayError } from './errors.js';
import { decodeVarint, MAX_VARINT_BYTES, type VarintResult } from './varint.js';

// Shared answer for an empty remainder: Buffer.alloc(0) costs more than a whole small frame.
const EMPTY = Buffer.alloc(0);

/** Options for {@link LengthPrefixedDecoder}. */
export interface LengthPrefixedDecoderOptions {
  /** Largest frame body accepted, in bytes. */
  maxFrameSize: number;
  /** Most bytes the varint prefix may take. @default 8 */
  maxLengthBytes?: number;
  /** Reject non-minimal varint prefixes. @default true */
  requireMinimal?: boolean;
}

/**
 * Splits a byte stream into frames of `uvarint(length) || body`. Feed chunks with
 * {@link LengthPrefixedDecoder.push}, pull bodies with {@link LengthPrefixedDecoder.next}. A frame
 * that lies inside one received chunk is returned as a view (no copy); one that spans chunks is
 * copied once. Oversized or malformed prefixes throw a PeerwayError (ERR_FRAME_TOO_LONG,
 * ERR_VARINT_*) and leave the decoder failed.
 *
 * @example
 * ```ts
 * const frames = new LengthPrefixedDecoder({ maxFrameSize: 1024, maxLengthBytes: 2 });
 * frames.push(chunk);
 * for (let f; (f = frames.next()) !== null; ) handle(f);
 * ```
 */
export class LengthPrefixedDecoder {
  private readonly queue = new ByteQueue();
  private readonly maxFrameSize: number;
  private readonly maxLengthBytes: number;
  private readonly varintOptions: { maxBytes: number; requireMinimal: boolean };
  // Gathers a prefix split across chunks; allocated on first need (most decoders never do).
  private prefix: Buffer | undefined;
  private pendingLength = -1; // body length once the prefix was read
  private failed: PeerwayError | undefined;

  constructor(options: LengthPrefixedDecoderOptions) {
    this.maxFrameSize = options.maxFrameSize;
    this.maxLengthBytes = Math.min(options.maxLengthBytes ?? MAX_VARINT_BYTES, MAX_VARINT_BYTES);
    this.varintOptions = { maxBytes: this.maxLengthBytes, requireMinimal: options.requireMinimal ?? true };
  }

  /** Bytes buffered and not yet returned (a consumed prefix is not counted). */
  get buffered(): number {
    return this.queue.length;
  }

  /** Queues a received chunk. */
  push(chunk: Buffer): void {
    if (this.failed !== undefined) throw this.failedError();
    this.queue.push(chunk);
  }

  /** The next complete frame body, or null when more bytes are needed. */
  next(): Buffer | null {
    if (this.failed !== undefined) throw this.failedError();
    if (this.pendingLength === -1) {
      const chunk = this.queue.headChunk;
      if (chunk === undefined) return null;
      const at = this.queue.headOffset;
      const length = chunk[at]!;
      // Fastest path: a one-byte prefix and its whole body in the head chunk, one view and one skip.
      if (length < 0x80 && length <= this.maxFrameSize && chunk.length - at > length) {
        this.queue.skip(length + 1);
        return chunk.subarray(at + 1, at + 1 + length);
      }
      if (!this.readPrefix()) return null;
    }
    if (this.queue.length < this.pendingLength) return null;
    const body = this.queue.read(this.pendingLength);
    this.pendingLength = -1;
    return body;
  }

  /**
   * Removes and returns the bytes buffered after the last complete frame. Throws if a frame's
   * prefix was consumed but its body was not (the stream is mid-frame).
   */
  takeRemainder(): Buffer {
    if (this.pendingLength !== -1) {
      throw new PeerwayError(ErrorCodes.DECODER_FAILED, 'takeRemainder() in the middle of a frame');
    }
    return this.queue.length === 0 ? EMPTY : this.queue.readAll();
  }

  private readPrefix(): boolean {
    const chunk = this.queue.headChunk;
    if (chunk === undefined) return false;
    const first = chunk[this.queue.headOffset]!;
    // Fastest path: a one-byte prefix (every frame under 128 bytes) is its own value.
    if (first < 0x80) return this.accept(first, 1);
    let result: VarintResult | undefined;
    try {
      // Fast path: the prefix lies inside the head chunk, decode it in place.
      result = decodeVarint(chunk, this.queue.headOffset, this.varintOptions);
      if (result === undefined) {
        // The prefix spans chunks: gather its bytes first.
        const available = Math.min(this.queue.length, this.maxLengthBytes);
        const prefix = (this.prefix ??= Buffer.alloc(MAX_VARINT_BYTES));
        for (let i = 0; i < available; i++) prefix[i] = this.queue.byteAt(i);
        result = decodeVarint(prefix.subarray(0, available), 0, this.varintOptions);
        if (result === undefined) return false;
      }
    } catch (err) {
      this.failed = err as PeerwayError;
      throw err;
    }
    return this.accept(result.value, result.bytes);
  }

  /** Consumes a prefix of `bytes` bytes announcing `length`, or fails on an oversized frame. */
  private accept(length: number, bytes: number): boolean {
    if (length > this.maxFrameSize) {
      this.failed = new PeerwayError(
        ErrorCodes.FRAME_TOO_LONG,
        `frame of ${length} bytes exceeds the limit of ${this.maxFrameSize}`,
        { details: { limit: this.maxFrameSize, length } },
      );
      throw this.failed;
    }
    this.queue.skip(bytes);
    this.pendingLength = length;
    return true;
  }

  private failedError(): PeerwayError {
    return new PeerwayError(ErrorCodes.DECODER_FAILED, 'frame decoder already failed', {
      cause: this.failed,
    });
  }
}
