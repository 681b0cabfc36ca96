/**
 * Bitcoin signed-message ECDSA over secp256k1, the scheme both fidelity-bond signatures use:
 * the signed digest is `sha256(sha256("\x18Bitcoin Signed Message:\n" ‖ compactSize(len) ‖ msg))`,
 * signatures are DER. We sign low-S and accept high-S when verifying, as the reference does.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';

const PREFIX = Buffer.from('\x18Bitcoin Signed Message:\n', 'latin1');

function sha256(data: Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Bitcoin's CompactSize length prefix (not the LEB128 varint of core). */
function compactSize(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  if (n <= 0xffff) {
    const out = Buffer.alloc(3);
    out[0] = 0xfd;
    out.writeUInt16LE(n, 1);
    return out;
  }
  const out = Buffer.alloc(5);
  out[0] = 0xfe;
  out.writeUInt32LE(n, 1);
  return out;
}

/** The 32-byte digest a Bitcoin signed message commits to. */
export function bitcoinMessageHash(message: Uint8Array): Uint8Array {
  return sha256(sha256(Buffer.concat([PREFIX, compactSize(message.length), message])));
}

/** Signs `message` with a 32-byte secret key: DER, low-S. */
export function signBitcoinMessage(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return secp256k1.sign(bitcoinMessageHash(message), secretKey, {
    prehash: false,
    format: 'der',
    lowS: true,
  });
}

/** True when `signature` (DER) by `publicKey` (33 bytes compressed) covers `message`. Never throws. */
export function verifyBitcoinMessage(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return secp256k1.verify(signature, bitcoinMessageHash(message), publicKey, {
      prehash: false,
      format: 'der',
      lowS: false,
    });
  } catch {
    return false;
  }
}

/** The 33-byte compressed public key of a 32-byte secret key. */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  return secp256k1.getPublicKey(secretKey, true);
}
