/** Byte helpers for the regtest chain: double SHA-256, hex in display order, a writer and a bounded reader. */
import { createHash } from 'node:crypto';

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Bitcoin's hash: SHA-256 twice. */
export function hash256(data: Uint8Array): Buffer {
  return sha256(sha256(data));
}

/** Hex of `data` with its bytes reversed: how Bitcoin prints hashes (txids, block hashes). */
export function displayHex(data: Uint8Array): string {
  return Buffer.from(data).reverse().toString('hex');
}

/** The internal byte order of a hash printed in display order. */
export function fromDisplayHex(hex: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new RangeError(`not a 32-byte hash: ${hex.slice(0, 80)}`);
  return Buffer.from(hex, 'hex').reverse();
}

/** The Electrum protocol's script hash: SHA-256 of the output script, in display order. */
export function scriptHash(script: Uint8Array): string {
  return displayHex(sha256(script));
}

/** Appends little-endian integers, Bitcoin varints and byte strings. */
export class ByteWriter {
  private readonly parts: Buffer[] = [];

  u8(n: number): this {
    this.parts.push(Buffer.from([n & 0xff]));
    return this;
  }

  u32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0);
    this.parts.push(b);
    return this;
  }

  i32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    this.parts.push(b);
    return this;
  }

  u64(n: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    this.parts.push(b);
    return this;
  }

  varint(n: number): this {
    if (n < 0xfd) return this.u8(n);
    if (n <= 0xffff) {
      const b = Buffer.alloc(3);
      b[0] = 0xfd;
      b.writeUInt16LE(n, 1);
      this.parts.push(b);
      return this;
    }
    this.u8(0xfe);
    return this.u32(n);
  }

  bytes(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }

  varBytes(b: Uint8Array): this {
    return this.varint(b.length).bytes(b);
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Reads what {@link ByteWriter} writes; every read checks the bounds and throws RangeError. */
export class ByteReader {
  offset = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): void {
    if (n < 0 || this.offset + n > this.buf.length) {
      throw new RangeError(`truncated: need ${n} bytes at offset ${this.offset} of ${this.buf.length}`);
    }
  }

  u8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.offset);
    this.offset += 8;
    return v;
  }

  varint(): number {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      this.need(2);
      const v = this.buf.readUInt16LE(this.offset);
      this.offset += 2;
      return v;
    }
    if (first === 0xfe) return this.u32();
    throw new RangeError('varint larger than 32 bits');
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return Buffer.from(v);
  }

  varBytes(): Buffer {
    return this.bytes(this.varint());
  }
}
