import { isIP } from 'node:net';
import { ByteReader, ByteWriter, decodeError, encodeError } from './byte-io.js';
import { ipv4Value } from '../transport/index.js';
import type { UdpAddress } from './address.js';

/** Eight flags in one byte; index 0 is the most significant bit (0x80). */
export type Bits = readonly [boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean];

/** The value type each py-ipv8 serializer format decodes to. */
export interface FormatValues {
  '?': boolean;
  B: number;
  H: number;
  I: number;
  l: number;
  f: number;
  d: number;
  Q: bigint;
  q: bigint;
  '4SH': UdpAddress;
  ipv4: UdpAddress;
  ip_address: UdpAddress;
  address: UdpAddress;
  bits: Bits;
  raw: Uint8Array;
  varlenH: Uint8Array;
  varlenI: Uint8Array;
  varlenHutf8: string;
  '20s': Uint8Array;
  '32s': Uint8Array;
  '64s': Uint8Array;
  '74s': Uint8Array;
  varlenBx2: Uint8Array[];
  varlenHx20: Uint8Array[];
  'arrayH-?': boolean[];
  'arrayH-q': bigint[];
  'arrayH-d': number[];
}

/** A format name the serializer knows. */
export type FormatName = keyof FormatValues;

/** Encoder and decoder of one format. */
export interface FormatCodec<T> {
  write(w: ByteWriter, value: T): void;
  read(r: ByteReader): T;
}

function ipv4OrThrow(host: string): number {
  const value = ipv4Value(host);
  if (value === undefined) throw encodeError(`not an IPv4 address: ${host}`);
  return value;
}

function ipv4Bytes(host: string): number[] {
  const v = ipv4OrThrow(host);
  return [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

function ipv6Bytes(host: string): Uint8Array {
  // Expand "::" and embedded IPv4 to 8 groups.
  let text = host;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4Bytes(v4[1]!);
    text =
      text.slice(0, v4.index) +
      `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  return out;
}

function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  // Compress the longest run of zero groups, as inet_ntop does.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw decodeError('invalid UTF-8');
  }
}

function port(w: ByteWriter, p: number): void {
  w.u16(p);
}

const ipv4: FormatCodec<UdpAddress> = {
  write(w, a) {
    w.u32(ipv4OrThrow(a.host));
    port(w, a.port);
  },
  read(r) {
    const v = r.u32();
    return { host: `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`, port: r.u16() };
  },
};

function typedAddress(allowDomain: boolean): FormatCodec<UdpAddress> {
  return {
    write(w, a) {
      const kind = ipv4Value(a.host) === undefined ? isIP(a.host) : 4;
      if (kind === 4) {
        w.u8(1);
        ipv4.write(w, a);
      } else if (kind === 6) {
        w.u8(3);
        w.bytes(ipv6Bytes(a.host));
        w.u16(a.port);
      } else if (allowDomain) {
        const name = new TextEncoder().encode(a.host);
        w.u8(2);
        w.u16(name.length);
        w.bytes(name);
        w.u16(a.port);
      } else throw encodeError(`not an IP address: ${a.host}`);
    },
    read(r) {
      const type = r.u8();
      if (type === 1) return ipv4.read(r);
      if (type === 3) return { host: ipv6Text(r.take(16)), port: r.u16() };
      if (type === 2 && allowDomain) {
        const name = r.take(r.u16());
        return { host: utf8(name), port: r.u16() };
      }
      throw decodeError(`unknown address type ${type}`);
    },
  };
}

function fixed(n: number): FormatCodec<Uint8Array> {
  return {
    write(w, v) {
      if (v.length !== n) throw encodeError(`expected ${n} bytes, got ${v.length}`);
      w.bytes(v);
    },
    read: (r) => r.take(n),
  };
}

function varlen(lengthBytes: 2 | 4): FormatCodec<Uint8Array> {
  return {
    write(w, v) {
      if (lengthBytes === 2) w.u16(v.length);
      else w.u32(v.length);
      w.bytes(v);
    },
    read: (r) => r.take(lengthBytes === 2 ? r.u16() : r.u32()),
  };
}

function units(countBytes: 1 | 2, unit: number): FormatCodec<Uint8Array[]> {
  return {
    write(w, list) {
      if (countBytes === 1) w.u8(list.length);
      else w.u16(list.length);
      for (const item of list) fixed(unit).write(w, item);
    },
    read(r) {
      const n = countBytes === 1 ? r.u8() : r.u16();
      return Array.from({ length: n }, () => r.take(unit));
    },
  };
}

/**
 * py-ipv8's `arrayH-*` formats: `struct.pack("H", n)` (no `>`, so native order) and
 * `array.tobytes()`, both little-endian on every platform py-ipv8 runs on.
 */
function arrayH<T>(item: FormatCodec<T>): FormatCodec<T[]> {
  return {
    write(w, list) {
      if (list.length > 0xffff) throw encodeError(`array too long: ${list.length}`);
      w.u8(list.length & 0xff);
      w.u8(list.length >> 8);
      for (const v of list) item.write(w, v);
    },
    read(r) {
      const n = r.u8() | (r.u8() << 8);
      return Array.from({ length: n }, () => item.read(r));
    },
  };
}

const bool: FormatCodec<boolean> = { write: (w, v) => w.u8(v ? 1 : 0), read: (r) => r.u8() !== 0 };
const f64: FormatCodec<number> = { write: (w, v) => w.f64(v), read: (r) => r.f64() };

/** Items of py-ipv8's `arrayH-q` and `arrayH-d`, little-endian (see {@link arrayH}). */
function littleEndian8<T>(set: (v: DataView, x: T) => void, get: (v: DataView) => T): FormatCodec<T> {
  return {
    write(w, x) {
      const b = new Uint8Array(8);
      set(new DataView(b.buffer), x);
      w.bytes(b);
    },
    read(r) {
      const b = r.take(8);
      return get(new DataView(b.buffer, b.byteOffset, 8));
    },
  };
}

const i64le = littleEndian8<bigint>(
  (v, x) => {
    if (typeof x !== 'bigint' || x < -(2n ** 63n) || x >= 2n ** 63n)
      throw encodeError(`i64 out of range: ${String(x)}`);
    v.setBigInt64(0, x, true);
  },
  (v) => v.getBigInt64(0, true),
);
const f64le = littleEndian8<number>(
  (v, x) => v.setFloat64(0, x, true),
  (v) => v.getFloat64(0, true),
);

/** Every format of py-ipv8's `Serializer` that peerway uses, big-endian like the original. */
export const FORMATS: { readonly [K in FormatName]: FormatCodec<FormatValues[K]> } = {
  '?': bool,
  B: { write: (w, v) => w.u8(v), read: (r) => r.u8() },
  H: { write: (w, v) => w.u16(v), read: (r) => r.u16() },
  I: { write: (w, v) => w.u32(v), read: (r) => r.u32() },
  l: { write: (w, v) => w.i32(v), read: (r) => r.i32() },
  f: { write: (w, v) => w.f32(v), read: (r) => r.f32() },
  d: f64,
  Q: { write: (w, v) => w.u64(v), read: (r) => r.u64() },
  q: { write: (w, v) => w.i64(v), read: (r) => r.i64() },
  '4SH': ipv4,
  ipv4,
  ip_address: typedAddress(false),
  address: typedAddress(true),
  bits: {
    write(w, bits) {
      let byte = 0;
      for (let i = 0; i < 8; i++) if (bits[i] === true) byte |= 0x80 >> i;
      w.u8(byte);
    },
    read(r) {
      const b = r.u8();
      const out: boolean[] = [];
      for (let i = 0; i < 8; i++) out.push((b & (0x80 >> i)) !== 0);
      return out as unknown as Bits;
    },
  },
  raw: { write: (w, v) => w.bytes(v), read: (r) => r.rest() },
  varlenH: varlen(2),
  varlenI: varlen(4),
  varlenHutf8: {
    write: (w, v) => varlen(2).write(w, new TextEncoder().encode(v)),
    read(r) {
      return utf8(varlen(2).read(r));
    },
  },
  '20s': fixed(20),
  '32s': fixed(32),
  '64s': fixed(64),
  '74s': fixed(74),
  varlenBx2: units(1, 2),
  varlenHx20: units(2, 20),
  'arrayH-?': arrayH(bool),
  'arrayH-q': arrayH(i64le),
  'arrayH-d': arrayH(f64le),
};

/** Builds a {@link Bits} value from up to 8 flags (missing ones are false). */
export function bitsOf(...flags: boolean[]): Bits {
  const out: boolean[] = [];
  for (let i = 0; i < 8; i++) out.push(flags[i] === true);
  return out as unknown as Bits;
}
