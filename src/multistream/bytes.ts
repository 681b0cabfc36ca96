/**
 * Byte helpers of the portable core: plain `Uint8Array`s and the platform's TextEncoder and
 * TextDecoder, so this code runs unchanged in a browser (no `Buffer`).
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** The UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** `bytes` read as UTF-8 (malformed sequences become U+FFFD). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * `bytes` read one character per byte (ISO 8859-1): a string that matches the bytes exactly, for
 * use as a map key. A loop beats the variadic call for the short ids protocols use.
 */
export function latin1(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n > 64) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(bytes[i]!);
  return out;
}

/** The byte arrays one after the other in a new array (the array itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True when two byte ranges are equal (a JS loop beats a native call for ids this short). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bytes needed for `value` as an unsigned LEB128 varint. */
export function varintSize(value: number): number {
  let n = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Writes `value` as an unsigned LEB128 varint at `out[at]`; returns the bytes written. */
export function writeVarint(value: number, out: Uint8Array, at: number): number {
  let i = at;
  while (value >= 0x80) {
    out[i++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[i++] = value;
  return i - at;
}
