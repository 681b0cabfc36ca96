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
  // Base-58 digits, least significant first, multiplied up byte by byte in plain numbers (every
  // intermediate stays below 58 * 256 + 255): no BigInt allocations per digit.
  const digits: number[] = [];
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j]! * 256;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    while (carry > 0) {
      digits.push(carry % 58);
      carry = Math.floor(carry / 58);
    }
  }
  let out = '1'.repeat(zeros);
  for (let k = digits.length - 1; k >= 0; k--) out += ALPHABET[digits[k]!];
  return out;
}
