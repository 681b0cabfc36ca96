/**
 * Bitcoin signed-message ECDSA as JoinMarket uses it: the hash is
 * `sha256d("\x18Bitcoin Signed Message:\n" || compactSize(len) || message)`, the signature is DER,
 * low-S when we sign, and base64 on the wire. Verification accepts high-S (the reference's
 * library normalizes S before verifying).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';

const MAGIC = Buffer.from('\x18Bitcoin Signed Message:\n', 'latin1');

function compactSize(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  if (n <= 0xffff) {
    const b = Buffer.alloc(3);
    b[0] = 0xfd;
    b.writeUInt16LE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = 0xfe;
  b.writeUInt32LE(n, 1);
  return b;
}

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** The 32-byte Bitcoin signed-message hash of `message` (UTF-8). */
export function bitcoinMessageHash(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return sha256(sha256(Buffer.concat([MAGIC, compactSize(body.length), body])));
}

/** Signs `message` with a 32-byte secret key: DER, low-S, base64. */
export function signBitcoinMessage(message: string, secretKey: Uint8Array): string {
  const sig = secp256k1.sign(bitcoinMessageHash(message), secretKey, {
    prehash: false,
    lowS: true,
    format: 'der',
  });
  return Buffer.from(sig).toString('base64');
}

/**
 * True when `signatureB64` (DER, base64) signs `message` under the compressed or uncompressed
 * public key `publicKey`. Any malformed input gives false, never an exception.
 */
export function verifyBitcoinMessage(message: string, signatureB64: string, publicKey: Uint8Array): boolean {
  try {
    const der = Buffer.from(signatureB64, 'base64');
    if (der.length < 8 || der.length > 73) return false;
    return secp256k1.verify(der, bitcoinMessageHash(message), publicKey, {
      prehash: false,
      lowS: false,
      format: 'der',
    });
  } catch {
    return false;
  }
}
