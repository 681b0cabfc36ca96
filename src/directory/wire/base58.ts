/**
 * Base58 (Bitcoin alphabet) without checksum: what a nick's hash part is written in.
 *
 * Why ours and not `@scure/base`: only encoding is needed, of a fixed 10-byte hash, so this is a
 * dozen lines with no decoder to harden against hostile input; `@scure/base` is not a dependency,
 * and adding one for this would outweigh the code it replaces.
 *
 * @module
 */

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Encodes bytes in base58; each leading zero byte becomes a leading `1`. */
export function base58Encode(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)]! + out;
    n /= 58n;
  }
  return '1'.repeat(zeros) + out;
}
