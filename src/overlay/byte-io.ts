import { ErrorCodes, PeerwayError } from '../core/index.js';

/** Throws the overlay's typed decode error. */
export function decodeError(message: string, details?: Record<string, unknown>): PeerwayError {
  return new PeerwayError(ErrorCodes.OVERLAY_DECODE, message, details === undefined ? {} : { details });
}

/** Throws the overlay's typed encode error. */
export function encodeError(message: string, details?: Record<string, unknown>): PeerwayError {
  return new PeerwayError(ErrorCodes.OVERLAY_ENCODE, message, details === undefined ? {} : { details });
}

const TWO_POW_32 = 2 ** 32;
/** Below this high half, a u64 is a safe integer (< 2^53) and converts to BigInt exactly. */
const TWO_POW_21 = 2 ** 21;

/** A cursor over untrusted bytes: every read checks the remaining length and throws ERR_OVERLAY_DECODE. */
export class ByteReader {
  readonly bytes: Uint8Array;
  offset: number;
  private dataView: DataView | undefined;

  constructor(bytes: Uint8Array, offset = 0) {
    this.bytes = bytes;
    this.offset = offset;
  }

  /** Only the 64-bit and float reads need a DataView: made on first use (most packets never do). */
  private get view(): DataView {
    const b = this.bytes;
    return (this.dataView ??= new DataView(b.buffer, b.byteOffset, b.byteLength));
  }

  /** Bytes left after the cursor. */
  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  private need(n: number): number {
    if (n > this.remaining) throw decodeError(`truncated: need ${n} bytes, have ${this.remaining}`);
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    return this.bytes[this.need(1)]!;
  }
  u16(): number {
    const at = this.need(2);
    return (this.bytes[at]! << 8) | this.bytes[at + 1]!;
  }
  u32(): number {
    return this.i32() >>> 0;
  }
  i32(): number {
    const at = this.need(4);
    const b = this.bytes;
    return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  }
  u64(): bigint {
    // Two 32-bit halves rather than a DataView: making one per packet cost more than the read.
    const at = this.need(8);
    const b = this.bytes;
    const hi = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
    const lo = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
    return hi < TWO_POW_21 ? BigInt(hi * TWO_POW_32 + lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.need(8));
  }
  f32(): number {
    return this.view.getFloat32(this.need(4));
  }
  f64(): number {
    return this.view.getFloat64(this.need(8));
  }
  /** `n` bytes, as a copy (so the datagram buffer can be reused). */
  take(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.slice(at, at + n);
  }
  /** Everything left. */
  rest(): Uint8Array {
    return this.take(this.remaining);
  }
  /** Throws unless every byte was consumed (py-ipv8's `consume_all`). */
  end(): void {
    if (this.remaining !== 0) throw decodeError(`${this.remaining} trailing bytes`);
  }
}

/** A growable big-endian writer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  /** Reserves n bytes; it may replace `buf` and `view`, so call it before reading either. */
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  private checkInt(value: number, min: number, max: number, what: string): void {
    if (!Number.isInteger(value) || value < min || value > max) {
      throw encodeError(`${what} out of range: ${value}`);
    }
  }

  u8(v: number): void {
    this.checkInt(v, 0, 0xff, 'u8');
    const at = this.room(1);
    this.view.setUint8(at, v);
  }
  u16(v: number): void {
    this.checkInt(v, 0, 0xffff, 'u16');
    const at = this.room(2);
    this.view.setUint16(at, v);
  }
  u32(v: number): void {
    this.checkInt(v, 0, 0xffff_ffff, 'u32');
    const at = this.room(4);
    this.view.setUint32(at, v);
  }
  i32(v: number): void {
    this.checkInt(v, -0x8000_0000, 0x7fff_ffff, 'i32');
    const at = this.room(4);
    this.view.setInt32(at, v);
  }
  u64(v: bigint): void {
    if (v < 0n || v > 0xffff_ffff_ffff_ffffn) throw encodeError(`u64 out of range: ${v}`);
    const at = this.room(8);
    this.view.setBigUint64(at, v);
  }
  i64(v: bigint): void {
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw encodeError(`i64 out of range: ${v}`);
    const at = this.room(8);
    this.view.setBigInt64(at, v);
  }
  f32(v: number): void {
    const at = this.room(4);
    this.view.setFloat32(at, v);
  }
  f64(v: number): void {
    const at = this.room(8);
    this.view.setFloat64(at, v);
  }
  bytes(v: Uint8Array): void {
    // room() may replace the buffer, so it must run before this.buf is read.
    const at = this.room(v.length);
    this.buf.set(v, at);
  }
  /** The written bytes (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
  /** The written bytes as a view into the buffer (valid until the next write or reset). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
  /** Forgets what was written, keeping the buffer for reuse. */
  reset(): void {
    this.length = 0;
  }
}
