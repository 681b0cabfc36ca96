/**
 * Bitcoin signed-message ECDSA with string messages and base64 signatures, as privmsgs carry
 * them. A thin layer over `orderbook/bitcoin-message.ts`, the one implementation (verification
 * through node:crypto where it has secp256k1): the hash is
 * `sha256d("\x18Bitcoin Signed Message:\n" || compactSize(len) || message)`, signatures are DER,
 * low-S when we sign; verification accepts high-S (the reference's library normalizes S first).
 *
 * @module
 */
import {
  bitcoinMessageHashBytes,
  signBitcoinMessageBytes,
  verifyBitcoinMessageText,
} from './bitcoin-message.js';

/** The 32-byte Bitcoin signed-message hash of `message` (UTF-8). */
export function bitcoinMessageHash(message: string): Buffer {
  return Buffer.from(bitcoinMessageHashBytes(Buffer.from(message, 'utf8')));
}

/** Signs `message` with a 32-byte secret key: DER, low-S, base64. */
export function signBitcoinMessage(message: string, secretKey: Uint8Array): string {
  return Buffer.from(signBitcoinMessageBytes(Buffer.from(message, 'utf8'), secretKey)).toString('base64');
}

/**
 * True when `signatureB64` (DER, base64) signs `message` under the compressed or uncompressed
 * public key `publicKey`. Any malformed input gives false, never an exception.
 */
export function verifyBitcoinMessage(message: string, signatureB64: string, publicKey: Uint8Array): boolean {
  const der = Buffer.from(signatureB64, 'base64');
  if (der.length < 8 || der.length > 73) return false;
  return verifyBitcoinMessageText(message, der, publicKey);
}
