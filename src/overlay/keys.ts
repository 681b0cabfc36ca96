import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  verify,
  type KeyObject,
} from 'node:crypto';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { KEY_CACHE_SIZE } from './constants.js';
import { ed25519, type Ed25519Signer, type Ed25519Verifier } from './ed25519.js';

const PK_TAG = Buffer.from('LibNaCLPK:');
const SK_TAG = Buffer.from('LibNaCLSK:');
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
/** Key sizes, in bits, of the binary curves py-ipv8's M2Crypto keys use (very-low .. high). */
const CURVE_BITS: Readonly<Record<string, number>> = {
  sect163k1: 163,
  sect233k1: 233,
  sect409k1: 409,
  sect571r1: 571,
};

function badKey(message: string, cause?: unknown): PeerwayError {
  return new PeerwayError(ErrorCodes.OVERLAY_BAD_KEY, message, cause === undefined ? {} : { cause });
}

/** A public key as py-ipv8 serializes it ("key bin"), able to verify signatures. */
export interface PublicKey {
  /** The key bin exactly as sent on the wire (`LibNaCLPK:` + 64 bytes, or DER SPKI). */
  readonly bin: Uint8Array;
  /** SHA-1 of `bin`: the peer's member id. */
  readonly mid: Uint8Array;
  /** `mid` in lowercase hex: the peer's id in maps and logs. */
  readonly id: string;
  /** Bytes of a signature by this key: 64 for Ed25519, 2*ceil(bits/8) for ECDSA. */
  readonly signatureLength: number;
  /** True when `signature` is valid over `data`. Never throws. */
  verify(signature: Uint8Array, data: Uint8Array): boolean;
}

/** SHA-1 of a key bin (py-ipv8 `key_to_hash`). */
function midOf(bin: Uint8Array): Uint8Array {
  return createHash('sha1').update(bin).digest();
}

class LibNaclPublicKey implements PublicKey {
  readonly mid: Uint8Array;
  readonly id: string;
  readonly signatureLength = 64;
  private readonly ed: Ed25519Verifier;
  constructor(readonly bin: Uint8Array) {
    this.mid = midOf(bin);
    this.id = Buffer.from(this.mid).toString('hex');
    this.ed = ed25519.verifier(bin.subarray(42, 74));
  }
  verify(signature: Uint8Array, data: Uint8Array): boolean {
    return this.ed.verify(signature, data);
  }
}

class EcdsaPublicKey implements PublicKey {
  readonly mid: Uint8Array;
  readonly id: string;
  readonly signatureLength: number;
  private readonly key: KeyObject;
  constructor(readonly bin: Uint8Array) {
    this.mid = midOf(bin);
    this.id = Buffer.from(this.mid).toString('hex');
    try {
      this.key = createPublicKey({ key: Buffer.from(bin), format: 'der', type: 'spki' });
    } catch (err) {
      throw badKey('not a DER public key', err);
    }
    const curve = this.key.asymmetricKeyDetails?.namedCurve ?? '';
    const bits = CURVE_BITS[curve];
    if (this.key.asymmetricKeyType !== 'ec' || bits === undefined) throw badKey(`unsupported curve ${curve}`);
    this.signatureLength = 2 * Math.ceil(bits / 8);
  }
  verify(signature: Uint8Array, data: Uint8Array): boolean {
    if (signature.length !== this.signatureLength) return false;
    // py-ipv8 pads r and s to the key size, which for sect233k1 and sect409k1 is one byte more than
    // the group order OpenSSL's P1363 form expects; DER carries the integers at any width.
    const half = this.signatureLength / 2;
    const der = derSequence(derInteger(signature.subarray(0, half)), derInteger(signature.subarray(half)));
    try {
      return verify('sha1', data, { key: this.key, dsaEncoding: 'der' }, der);
    } catch {
      return false;
    }
  }
}

function derLength(n: number): number[] {
  return n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
}

function derInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const body = bytes[i]! & 0x80 ? [0, ...bytes.subarray(i)] : [...bytes.subarray(i)];
  return Uint8Array.from([0x02, ...derLength(body.length), ...body]);
}

function derSequence(...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  return Uint8Array.from([0x30, ...derLength(body.length), ...body]);
}

/**
 * The 32-byte Ed25519 verification key inside a `LibNaCLPK:` key, or undefined for another kind
 * (the curves of M2Crypto keys).
 */
export function ed25519KeyOf(key: PublicKey): Uint8Array | undefined {
  return key instanceof LibNaclPublicKey ? key.bin.subarray(42, 74) : undefined;
}

/** Keys that have signed something valid, by key bin (latin1), oldest first. */
const cache = new Map<string, PublicKey>();
/** The same keys, to skip the map on the hot path when a cached key verifies again. */
const cached = new WeakSet<PublicKey>();

const cacheKey = (bin: Uint8Array): string =>
  Buffer.from(bin.buffer, bin.byteOffset, bin.byteLength).toString('latin1');

/**
 * Keeps a key that has just verified a signature, so the next packet it signs skips the import
 * (importing costs more than verifying). Only verified keys enter the bounded cache: a flood of
 * fresh keys with bad signatures cannot push out the keys of real peers.
 */
export function rememberVerifiedKey(key: PublicKey): void {
  if (cached.has(key)) return;
  if (cache.size >= KEY_CACHE_SIZE) {
    const [oldest, evicted] = cache.entries().next().value!;
    cache.delete(oldest);
    cached.delete(evicted);
  }
  cache.set(cacheKey(key.bin), key);
  cached.add(key);
}

/**
 * Imports a public key bin: `LibNaCLPK:` (Ed25519 verification) or an M2Crypto DER key on one of
 * the binary curves the public trackers use, or returns it from the cache of verified keys.
 * Throws ERR_OVERLAY_BAD_KEY.
 */
export function publicKeyFromBin(bin: Uint8Array): PublicKey {
  const hit = cache.get(cacheKey(bin));
  if (hit !== undefined) return hit;
  let key: PublicKey;
  if (bin.length >= 10 && PK_TAG.equals(bin.subarray(0, 10))) {
    if (bin.length !== 74) throw badKey(`LibNaCLPK key of ${bin.length} bytes`);
    key = new LibNaclPublicKey(bin.slice());
  } else if (bin.length >= 10 && SK_TAG.equals(bin.subarray(0, 10))) {
    throw badKey('private key material where a public key was expected');
  } else {
    key = new EcdsaPublicKey(bin.slice());
  }
  return key;
}

/**
 * A py-ipv8 "LibNaCL" private key: an X25519 secret and an independent Ed25519 seed, serialized
 * as `LibNaCLSK:` + 32 + 32 bytes. Only the Ed25519 half signs; the X25519 half is kept so the
 * key bin round-trips.
 *
 * @example
 * ```ts
 * const key = PrivateKey.generate();
 * const sig = key.sign(data);
 * key.publicKey.verify(sig, data); // true
 * ```
 */
export class PrivateKey {
  /** The matching public key (`LibNaCLPK:` + X25519 pk + Ed25519 vk). */
  readonly publicKey: PublicKey;
  private readonly ed: Ed25519Signer;
  private readonly secretBin: Uint8Array;

  private constructor(x25519Secret: Uint8Array, ed25519Seed: Uint8Array) {
    this.secretBin = Buffer.concat([SK_TAG, x25519Secret, ed25519Seed]);
    this.ed = ed25519.signer(ed25519Seed);
    const x = createPrivateKey({
      key: Buffer.concat([X25519_PKCS8, x25519Secret]),
      format: 'der',
      type: 'pkcs8',
    });
    const xPub = createPublicKey(x).export({ format: 'der', type: 'spki' }).subarray(-32);
    this.publicKey = publicKeyFromBin(Buffer.concat([PK_TAG, xPub, this.ed.publicKey]));
  }

  /** Reads a `LibNaCLSK:` key bin (74 bytes). Throws ERR_OVERLAY_BAD_KEY. */
  static fromBin(bin: Uint8Array): PrivateKey {
    if (bin.length !== 74 || !SK_TAG.equals(bin.subarray(0, 10))) throw badKey('not a LibNaCLSK key bin');
    try {
      return new PrivateKey(bin.slice(10, 42), bin.slice(42, 74));
    } catch (err) {
      throw badKey('invalid key material', err);
    }
  }

  /** A fresh random key. */
  static generate(): PrivateKey {
    return new PrivateKey(randomBytes(32), randomBytes(32));
  }

  /** The private key bin (for key files). Never log it. */
  keyToBin(): Uint8Array {
    return this.secretBin.slice();
  }

  /** Detached Ed25519 signature (64 bytes) over `data`. */
  sign(data: Uint8Array): Uint8Array {
    return this.ed.sign(data);
  }
}
