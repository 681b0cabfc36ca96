/**
 * The strict multistream message reader: a length-prefixed framer with a size cap, a cap on the
 * prefix's length and minimal varints, plus the newline rules of a multistream message. Portable:
 * it queues received byte arrays by reference and returns views into them where it can.
 *
 * @module
 */
import { ErrorCodes } from '../core/portable.js';
import { MAX_LENGTH_BYTES, MAX_MESSAGE_LENGTH } from './constants.js';
import { multistreamError } from './errors.js';

const NEWLINE = 0x0a;
const EMPTY = new Uint8Array(0);

/** What a reader accepts. */
export interface MessageLimits {
  /** Largest message accepted, newline included. */
  readonly maxLength: number;
  /** Most bytes the length prefix may take. */
  readonly maxLengthBytes: number;
  /** Reject a newline anywhere but at the end (off only for `ls` replies, whose body is a list). */
  readonly singleLine: boolean;
}

/** The limits of every negotiation message (see constants.ts). */
const MESSAGE_LIMITS: MessageLimits = {
  maxLength: MAX_MESSAGE_LENGTH,
  maxLengthBytes: MAX_LENGTH_BYTES,
  singleLine: true,
};

/** Splits received bytes into multistream messages. */
export class MessageReader {
  // Received chunks not yet consumed; `offset` bytes of the first are already consumed.
  private chunks: Uint8Array[] = [];
  private offset = 0;
  private total = 0;
  private limits: MessageLimits;

  constructor(limits: MessageLimits = MESSAGE_LIMITS) {
    this.limits = limits;
  }

  /** Bytes received and not yet returned as a message. */
  get buffered(): number {
    return this.total;
  }

  /**
   * Applies other limits from the next message on (an `ls` reply may be longer than a proposal).
   * Call it between messages only.
   */
  setLimits(limits: MessageLimits): void {
    this.limits = limits;
  }

  /** Queues a received chunk (kept by reference). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /**
   * The next message: its text and trailing newline, as sent (a view when the message arrived in
   * one chunk; compare it with lines, not texts), or null when more bytes are needed. Throws
   * ERR_MULTISTREAM_TOO_LONG, _NOT_MINIMAL or _MALFORMED.
   */
  next(): Uint8Array | null {
    const total = this.total;
    if (total === 0) return null;
    const { maxLength, maxLengthBytes } = this.limits;
    const first = this.chunks[0]!;
    const offset = this.offset;
    // The length prefix: at most maxLengthBytes bytes, minimal, and within maxLength.
    let len = 0;
    let scale = 1;
    let n = 0;
    for (;;) {
      if (n >= total) return null;
      if (n >= maxLengthBytes) {
        throw multistreamError(
          ErrorCodes.MULTISTREAM_TOO_LONG,
          `length prefix longer than ${maxLengthBytes} bytes`,
        );
      }
      const byte = offset + n < first.length ? first[offset + n]! : this.byteAt(n);
      n++;
      len += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (byte === 0 && n > 1) {
          throw multistreamError(ErrorCodes.MULTISTREAM_NOT_MINIMAL, 'length prefix is not minimal');
        }
        break;
      }
      scale *= 128;
    }
    if (len > maxLength) {
      throw multistreamError(
        ErrorCodes.MULTISTREAM_TOO_LONG,
        `message of ${len} bytes exceeds ${maxLength}`,
        {
          length: len,
          limit: maxLength,
        },
      );
    }
    if (len === 0) throw multistreamError(ErrorCodes.MULTISTREAM_MALFORMED, 'empty message');
    if (total - n < len) return null;
    let body: Uint8Array;
    const start = offset + n;
    if (start + len <= first.length) {
      body = first.subarray(start, start + len);
      this.consume(n + len);
    } else {
      this.consume(n);
      body = this.take(len);
    }
    const last = len - 1;
    if (body[last] !== NEWLINE) {
      throw multistreamError(ErrorCodes.MULTISTREAM_MALFORMED, 'message lacks its trailing newline');
    }
    if (this.limits.singleLine) {
      for (let i = 0; i < last; i++) {
        if (body[i] === NEWLINE) {
          throw multistreamError(ErrorCodes.MULTISTREAM_MALFORMED, 'message holds more than one newline');
        }
      }
    }
    return body;
  }

  /** Removes and returns every byte after the last message returned. */
  takeRemainder(): Uint8Array {
    if (this.total === 0) return EMPTY;
    return this.take(this.total);
  }

  private byteAt(index: number): number {
    let i = index + this.offset;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    return 0;
  }

  private consume(count: number): void {
    this.total -= count;
    let offset = this.offset + count;
    const chunks = this.chunks;
    while (chunks.length > 0 && offset >= chunks[0]!.length) {
      offset -= chunks[0]!.length;
      chunks.shift();
    }
    this.offset = offset;
  }

  /** The next `count` bytes (a view when they sit in one chunk, else a copy), consumed. */
  private take(count: number): Uint8Array {
    const first = this.chunks[0]!;
    const offset = this.offset;
    if (offset + count <= first.length) {
      const view = first.subarray(offset, offset + count);
      this.consume(count);
      return view;
    }
    const out = new Uint8Array(count);
    let at = 0;
    while (at < count) {
      const chunk = this.chunks[0]!;
      const from = at === 0 ? offset : 0;
      const part = Math.min(chunk.length - from, count - at);
      out.set(chunk.subarray(from, from + part), at);
      at += part;
      this.total -= part;
      if (from + part === chunk.length) {
        this.chunks.shift();
        this.offset = 0;
      } else {
        this.offset = from + part;
      }
    }
    return out;
  }
}
