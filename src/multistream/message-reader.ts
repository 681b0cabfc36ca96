/**
 * The strict multistream message reader: core's {@link LengthPrefixedDecoder} (size cap, prefix
 * length cap, minimal varints) plus the newline rules of a multistream message, with core's
 * framing errors reported under multistream codes.
 *
 * @module
 */
import { ErrorCodes, LengthPrefixedDecoder, isPeerwayError, type ErrorCode } from '../core/index.js';
import { MAX_LENGTH_BYTES, MAX_MESSAGE_LENGTH } from './constants.js';
import { multistreamError } from './errors.js';

const NEWLINE = 0x0a;

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

// Core's framing codes under the names a multistream caller matches on.
const CODES: Partial<Record<string, ErrorCode>> = {
  [ErrorCodes.FRAME_TOO_LONG]: ErrorCodes.MULTISTREAM_TOO_LONG,
  [ErrorCodes.VARINT_TOO_LONG]: ErrorCodes.MULTISTREAM_TOO_LONG,
  [ErrorCodes.VARINT_RANGE]: ErrorCodes.MULTISTREAM_TOO_LONG,
  [ErrorCodes.VARINT_NOT_MINIMAL]: ErrorCodes.MULTISTREAM_NOT_MINIMAL,
};

/** Splits received bytes into multistream messages. */
export class MessageReader {
  private frames: LengthPrefixedDecoder;
  private singleLine: boolean;

  constructor(limits: MessageLimits = MESSAGE_LIMITS) {
    this.frames = decoderFor(limits);
    this.singleLine = limits.singleLine;
  }

  /** Bytes received and not yet returned as a message. */
  get buffered(): number {
    return this.frames.buffered;
  }

  /**
   * Applies other limits from the next message on (an `ls` reply may be longer than a proposal).
   * Call it between messages only.
   */
  setLimits(limits: MessageLimits): void {
    const rest = this.frames.takeRemainder();
    this.frames = decoderFor(limits);
    this.singleLine = limits.singleLine;
    if (rest.length > 0) this.frames.push(rest);
  }

  /** Queues a received chunk (kept by reference). */
  push(chunk: Buffer): void {
    this.frames.push(chunk);
  }

  /**
   * The next message: its text and trailing newline, as sent (a view when the message arrived in
   * one chunk; compare it with lines, not texts), or null when more bytes are needed. Throws
   * ERR_MULTISTREAM_TOO_LONG, _NOT_MINIMAL or _MALFORMED.
   */
  next(): Buffer | null {
    let body: Buffer | null;
    try {
      body = this.frames.next();
    } catch (err) {
      throw renamed(err);
    }
    if (body === null) return null;
    const last = body.length - 1;
    if (last < 0) throw multistreamError(ErrorCodes.MULTISTREAM_MALFORMED, 'empty message');
    if (body[last] !== NEWLINE) {
      throw multistreamError(ErrorCodes.MULTISTREAM_MALFORMED, 'message lacks its trailing newline');
    }
    if (this.singleLine) {
      // A JS loop beats a native indexOf on messages this short.
      for (let i = 0; i < last; i++) {
        if (body[i] === NEWLINE) {
          throw multistreamError(ErrorCodes.MULTISTREAM_MALFORMED, 'message holds more than one newline');
        }
      }
    }
    return body;
  }

  /** Removes and returns every byte after the last message returned. */
  takeRemainder(): Buffer {
    return this.frames.takeRemainder();
  }
}

function decoderFor(limits: MessageLimits): LengthPrefixedDecoder {
  return new LengthPrefixedDecoder({
    maxFrameSize: limits.maxLength,
    maxLengthBytes: limits.maxLengthBytes,
    requireMinimal: true,
  });
}

function renamed(err: unknown): unknown {
  if (!isPeerwayError(err)) return err;
  const code = CODES[err.code] ?? ErrorCodes.MULTISTREAM_MALFORMED;
  return multistreamError(code, err.message, err.details, err);
}
