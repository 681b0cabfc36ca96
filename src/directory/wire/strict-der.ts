/**
 * Strict DER for ECDSA signatures on secp256k1, the form JMP-0005 nick-auth proofs must use:
 * `30 len 02 rlen r 02 slen s` with exact lengths, no negative and no needlessly padded
 * integers, and both values in [1, n). Anything else is "malformed", not merely "invalid".
 *
 * @module
 */

/** Order of the secp256k1 group. */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** Shortest and longest strict DER signature, bytes. */
const MIN_DER_LENGTH = 8;
const MAX_DER_LENGTH = 72;

/** The (r, s) of a strictly encoded signature, or undefined. */
export function parseStrictDer(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  if (der.length < MIN_DER_LENGTH || der.length > MAX_DER_LENGTH) return undefined;
  if (der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  const r = readInteger(der, 2);
  if (r === undefined) return undefined;
  const s = readInteger(der, r.end);
  if (s === undefined || s.end !== der.length) return undefined;
  return { r: r.value, s: s.value };
}

/** True when `s` is in the lower half of the group order (the form libsecp256k1 verifies). */
export function isLowS(s: bigint): boolean {
  return s <= CURVE_ORDER >> 1n;
}

function readInteger(der: Uint8Array, at: number): { value: bigint; end: number } | undefined {
  if (der[at] !== 0x02) return undefined;
  const length = der[at + 1] ?? 0;
  const start = at + 2;
  const end = start + length;
  if (length === 0 || end > der.length) return undefined;
  const first = der[start]!;
  if ((first & 0x80) !== 0) return undefined; // negative
  if (length > 1 && first === 0 && (der[start + 1]! & 0x80) === 0) return undefined; // padded
  let value = 0n;
  for (let i = start; i < end; i++) value = (value << 8n) | BigInt(der[i]!);
  if (value < 1n || value >= CURVE_ORDER) return undefined;
  return { value, end };
}
