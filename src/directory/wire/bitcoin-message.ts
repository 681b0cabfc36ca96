/**
 * Bitcoin signed-message ECDSA over secp256k1, the scheme both fidelity-bond signatures use:
 * the signed digest is `sha256(sha256("\x18Bitcoin Signed Message:\n" ‖ compactSize(len) ‖ msg))`,
 * signatures are DER. We sign low-S and accept high-S when verifying, as the reference does.
 *
 * Signing uses deterministic RFC 6979 nonces (libsecp256k1 when present, else @noble/curves; both
 * give the same signature). Verifying is the hot path of a
 * taker reading hundreds of signed answers, so it takes the fastest implementation present:
 * - libsecp256k1 through the optional `secp256k1` binding (prebuilt; about 8x faster than OpenSSL
 *   here, since OpenSSL treats secp256k1 as a generic curve and must import each new key);
 * - node:crypto's OpenSSL when it has the curve (about 4x faster than @noble/curves);
 * - @noble/curves otherwise.
 * All three give the same answers: high-S signatures are accepted (normalised before
 * libsecp256k1, which refuses them), and a signature the binding cannot parse as DER goes to the
 * next implementation rather than being refused.
 *
 * @module
 */
import { createPublicKey, hash, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { MAX_CACHED_VERIFY_KEYS } from './constants.js';

const PREFIX = Buffer.from('\x18Bitcoin Signed Message:\n', 'latin1');

// One-shot hashing: a Hash object per call costs more than the hashing of these short inputs.
function sha256(data: Uint8Array): Buffer {
  return hash('sha256', data, 'buffer');
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
export function bitcoinMessageHashBytes(message: Uint8Array): Uint8Array {
  return sha256(innerHash(message));
}

/**
 * The first SHA-256 of the prefixed message; a string is taken as its UTF-8 bytes, written
 * straight into the one buffer hashed (no intermediate copy of the message).
 */
function innerHash(message: Uint8Array | string): Buffer {
  const text = typeof message === 'string';
  const n = text ? Buffer.byteLength(message, 'utf8') : message.length;
  const head = n < 0xfd ? 1 : n <= 0xffff ? 3 : 5;
  const at = PREFIX.length + head;
  const buf = Buffer.allocUnsafe(at + n);
  PREFIX.copy(buf, 0);
  if (head === 1) buf[PREFIX.length] = n;
  else compactSize(n).copy(buf, PREFIX.length);
  if (text) buf.write(message, at, 'utf8');
  else buf.set(message, at);
  return sha256(buf);
}

// SubjectPublicKeyInfo header for a 33-byte compressed secp256k1 key (id-ecPublicKey, secp256k1).
const SPKI_PREFIX = Buffer.from('3036301006072a8648ce3d020106052b8104000a032200', 'hex');
const keyCache = new Map<string, KeyObject>();

function spki(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
}

// Probed once with the generator point: an OpenSSL built without secp256k1 fails here.
const nodeHasCurve = ((): boolean => {
  try {
    spki(Buffer.from('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798', 'hex'));
    return true;
  } catch {
    return false;
  }
})();

function nodeKey(publicKey: Uint8Array): KeyObject | undefined {
  if (!nodeHasCurve || publicKey.length !== 33) return undefined;
  const id = Buffer.from(publicKey).toString('hex');
  let key = keyCache.get(id);
  if (key !== undefined) return key;
  try {
    key = spki(publicKey);
  } catch {
    return undefined; // not a point on the curve: the fallback below says false
  }
  if (keyCache.size >= MAX_CACHED_VERIFY_KEYS) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, key);
  return key;
}

/**
 * Signs `message` with a 32-byte secret key: DER, low-S. libsecp256k1 when the binding is present
 * (RFC 6979 nonces without extra data, like @noble/curves: the same bytes, about ten times
 * faster), @noble/curves otherwise or when the binding refuses the key (noble then throws).
 */
export function signBitcoinMessageBytes(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const digest = bitcoinMessageHashBytes(message);
  const lib = libsecp256k1();
  if (lib !== null) {
    try {
      return lib.signatureExport(lib.ecdsaSign(digest, secretKey).signature);
    } catch {
      // an invalid secret key: noble below gives its own error
    }
  }
  return secp256k1.sign(digest, secretKey, {
    prehash: false,
    format: 'der',
    lowS: true,
  });
}

/** The part of the `secp256k1` binding (libsecp256k1) this module calls. */
interface Libsecp256k1 {
  /** DER to 64-byte compact; throws on a DER it cannot parse. */
  signatureImport(der: Uint8Array): Uint8Array;
  /** Makes S low, in place. */
  signatureNormalize(compact: Uint8Array): Uint8Array;
  /** Throws when the key does not parse; false when the signature does not verify. */
  ecdsaVerify(compact: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
  /** RFC 6979 signature, 64-byte compact, low-S; throws on an invalid secret key. */
  ecdsaSign(digest: Uint8Array, secretKey: Uint8Array): { signature: Uint8Array; recid: number };
  /** 64-byte compact to DER. */
  signatureExport(compact: Uint8Array): Uint8Array;
}

let libsecp: Libsecp256k1 | null | undefined;

/** The binding, loaded on first use; null when the optional package is absent or fails to load. */
function libsecp256k1(): Libsecp256k1 | null {
  if (libsecp === undefined) {
    try {
      // `secp256k1/bindings` is the native build only (the package's main would fall back to a
      // pure-JS curve slower than OpenSSL).
      libsecp = createRequire(import.meta.url)('secp256k1/bindings') as Libsecp256k1;
    } catch {
      libsecp = null;
    }
  }
  return libsecp;
}

/**
 * Which implementation checks Bitcoin message signatures in this process: `libsecp256k1` (the
 * optional binding), `openssl` (node:crypto) or `noble` (@noble/curves). Loads the binding if it
 * was not loaded yet.
 */
export function secp256k1VerifyImplementation(): 'libsecp256k1' | 'openssl' | 'noble' {
  if (libsecp256k1() !== null) return 'libsecp256k1';
  return nodeHasCurve ? 'openssl' : 'noble';
}

/** libsecp256k1's answer, or undefined when it cannot judge (no binding, unparsable DER). */
function verifyWithLibsecp(
  message: Uint8Array | string,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean | undefined {
  const lib = libsecp256k1();
  if (lib === null || publicKey.length !== 33) return undefined;
  let compact: Uint8Array;
  try {
    compact = lib.signatureNormalize(lib.signatureImport(signature));
  } catch {
    return undefined;
  }
  try {
    return lib.ecdsaVerify(compact, sha256(innerHash(message)), publicKey);
  } catch {
    return false; // the key is not a point on the curve
  }
}

/** True when `signature` (DER) by `publicKey` (33 bytes compressed) covers `message`. Never throws. */
export function verifyBitcoinMessageBytes(
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  return verifyMessage(message, signature, publicKey);
}

/**
 * {@link verifyBitcoinMessageBytes} for a message given as text (its UTF-8 bytes are signed).
 * Never throws.
 */
export function verifyBitcoinMessageText(
  message: string,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  return verifyMessage(message, signature, publicKey);
}

function verifyMessage(message: Uint8Array | string, signature: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    const fast = verifyWithLibsecp(message, signature, publicKey);
    if (fast !== undefined) return fast;
    const key = nodeKey(publicKey);
    // node:crypto hashes once more with sha256, which completes the double hash.
    if (key !== undefined)
      return nodeVerify('sha256', innerHash(message), { key, dsaEncoding: 'der' }, signature);
    return secp256k1.verify(signature, sha256(innerHash(message)), publicKey, {
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
