/**
 * Unsigned LEB128 varints (the multiformats `unsigned-varint`): 7 bits per byte, low bits first,
 * the high bit set on every byte but the last. Values up to Number.MAX_SAFE_INTEGER.
 *
 * @module
 */
import { ErrorCodes } from './codes.js';
import { PeerwayError } from './errors.js';

/** The most bytes a safe-integer varint can need (2^53 needs 8 groups of 7 bits). */
export const MAX_VARINT_BYTES = 8;

/** Options for {@link decodeVarint}. */
export interface VarintDecodeOptions {
  /** Reject encodings longer than this many bytes. @default 8 */
  maxBytes?: number;
  /** Reject non-minimal encodings (a last byte of 0x00 after the first). @default true */
  requireMinimal?: boolean;
}

/** A decoded varint: its value and how many bytes it took. */
export interface VarintResult {
  value: number;
  bytes: number;
}

/** Number of bytes `value` needs. */
export function varintLength(value: number): number {
  checkEncodable(value);
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes `value` at `offset` in `target`; returns the number of bytes written. */
export function encodeVarintInto(value: number, target: Uint8Array, offset = 0): number {
  checkEncodable(value);
  let i = offset;
  while (value >= 0x80) {
    target[i++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  target[i++] = value;
  return i - offset;
}

/** Encodes `value` as a new Buffer. */
export function encodeVarint(value: number): Buffer {
  const out = Buffer.allocUnsafe(varintLength(value));
  encodeVarintInto(value, out, 0);
  return out;
}

/**
 * Decodes a varint at `offset`. Returns undefined when the input ends before the varint does
 * (more bytes are needed); throws a PeerwayError when it is too long, not minimal or too large.
 */
export function decodeVarint(
  input: Uint8Array,
  offset = 0,
  options: VarintDecodeOptions = {},
): VarintResult | undefined {
  const maxBytes = Math.min(options.maxBytes ?? MAX_VARINT_BYTES, MAX_VARINT_BYTES);
  const requireMinimal = options.requireMinimal ?? true;
  let value = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (offset + i >= input.length) return undefined;
    const byte = input[offset + i]!;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (requireMinimal && byte === 0 && i > 0) {
        throw new PeerwayError(ErrorCodes.VARINT_NOT_MINIMAL, 'varint is not minimally encoded');
      }
      if (value > Number.MAX_SAFE_INTEGER) {
        throw new PeerwayError(ErrorCodes.VARINT_RANGE, 'varint exceeds Number.MAX_SAFE_INTEGER');
      }
      return { value, bytes: i + 1 };
    }
    scale *= 128;
  }
  throw new PeerwayError(ErrorCodes.VARINT_TOO_LONG, `varint longer than ${maxBytes} bytes`, {
    details: { maxBytes },
  });
}

function checkEncodable(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PeerwayError(ErrorCodes.VARINT_RANGE, `cannot encode ${value} as an unsigned varint`);
  }
}
