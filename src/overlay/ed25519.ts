import { createRequire } from 'node:module';
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Ed25519 signing and verification for the overlay's `LibNaCL` keys.
 *
 * Two implementations produce the same signatures (Ed25519 signing is deterministic):
 * - `libsodium` (through the sodium-native binding): the library py-ipv8 itself uses through
 *   libnacl, so signatures are judged by py-ipv8's rules (libsodium also refuses small-order
 *   public keys and non-canonical encodings, where OpenSSL does not). About twice OpenSSL's rate on
 *   both operations, which is what makes the overlay's answer rate.
 * - `node:crypto` (OpenSSL): the fallback when the binding cannot load on this platform.
 */
export interface Ed25519 {
  /** Which library does the work. */
  readonly name: 'libsodium' | 'node:crypto';
  /** A signer for a 32-byte seed. Throws a RangeError for another length. */
  signer(seed: Uint8Array): Ed25519Signer;
  /** A verifier for a 32-byte public key. Throws a RangeError for another length. */
  verifier(publicKey: Uint8Array): Ed25519Verifier;
}

/** Signs with one key. */
export interface Ed25519Signer {
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array;
  /** A detached 64-byte signature over `data`. */
  sign(data: Uint8Array): Uint8Array;
}

/** Verifies with one key. */
export interface Ed25519Verifier {
  /** True when `signature` (64 bytes) is valid over `data`. Never throws. */
  verify(signature: Uint8Array, data: Uint8Array): boolean;
}

/**
 * Encodings of the points of small order (sign bit cleared), the list libsodium refuses as a
 * public key or as a signature's R. OpenSSL accepts them: with the identity as the key, the
 * all-zero `S` and identity `R` "sign" every message.
 */
export const SMALL_ORDER_ENCODINGS: readonly Buffer[] = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((hex) => Buffer.from(hex, 'hex'));

/** True when the 32 bytes encode a point of small order (the sign bit is ignored). */
export function hasSmallOrder(point: Uint8Array): boolean {
  const p = Buffer.from(point.subarray(0, 32));
  p[31]! &= 0x7f;
  return SMALL_ORDER_ENCODINGS.some((q) => q.equals(p));
}

/** True when the y coordinate in the 32 bytes is below the field prime 2^255 - 19. */
export function isCanonicalPoint(point: Uint8Array): boolean {
  if ((point[31]! & 0x7f) !== 0x7f || point[0]! < 0xed) return true;
  for (let i = 1; i < 31; i++) if (point[i] !== 0xff) return true;
  return false;
}

const ED25519_PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The OpenSSL implementation, with libsodium's extra refusals added (small-order key or R,
 * non-canonical key), so both implementations reach the same verdicts.
 */
export const nodeEd25519: Ed25519 = {
  name: 'node:crypto',
  signer(seed) {
    if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
    const key: KeyObject = createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8, seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKey = createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(-32);
    return { publicKey, sign: (data) => sign(null, data, key) };
  },
  verifier(publicKey) {
    if (publicKey.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
    const usable = isCanonicalPoint(publicKey) && !hasSmallOrder(publicKey);
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI, publicKey]),
      format: 'der',
      type: 'spki',
    });
    return {
      verify(signature, data) {
        if (!usable || signature.length !== 64 || hasSmallOrder(signature)) return false;
        try {
          return verify(null, data, key, signature);
        } catch {
          return false;
        }
      },
    };
  },
};

/** The part of sodium-native this module calls. */
interface Sodium {
  crypto_sign_seed_keypair(pk: Uint8Array, sk: Uint8Array, seed: Uint8Array): void;
  crypto_sign_detached(sig: Uint8Array, m: Uint8Array, sk: Uint8Array): void;
  crypto_sign_verify_detached(sig: Uint8Array, m: Uint8Array, pk: Uint8Array): boolean;
}

function sodiumEd25519(sodium: Sodium): Ed25519 {
  return {
    name: 'libsodium',
    signer(seed) {
      if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
      const publicKey = Buffer.alloc(32);
      const secretKey = Buffer.alloc(64);
      sodium.crypto_sign_seed_keypair(publicKey, secretKey, seed);
      return {
        publicKey,
        sign(data) {
          const sig = Buffer.allocUnsafe(64);
          sodium.crypto_sign_detached(sig, data, secretKey);
          return sig;
        },
      };
    },
    verifier(publicKey) {
      if (publicKey.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
      const pk = Buffer.from(publicKey);
      return {
        verify(signature, data) {
          // The binding asserts on lengths; check first so a bad packet is a plain `false`.
          return signature.length === 64 && sodium.crypto_sign_verify_detached(signature, data, pk);
        },
      };
    },
  };
}

/** Not yet tried, the loaded implementation, or null when the binding did not load. */
let sodiumLoaded: Ed25519 | null | undefined;

/**
 * libsodium's implementation, or undefined when its binding does not load here. The binding is
 * loaded on the first call, not on import: loading it costs a few hundred milliseconds that a
 * program using no overlay keys should not pay.
 */
export function libsodiumEd25519(): Ed25519 | undefined {
  if (sodiumLoaded === undefined) {
    try {
      sodiumLoaded = sodiumEd25519(createRequire(import.meta.url)('sodium-native') as Sodium);
    } catch {
      sodiumLoaded = null;
    }
  }
  return sodiumLoaded ?? undefined;
}

/** The implementation the overlay uses: libsodium when it loads, else node:crypto. */
function resolved(): Ed25519 {
  return libsodiumEd25519() ?? nodeEd25519;
}

/**
 * The implementation the overlay uses: libsodium when it loads, else node:crypto. Chosen on first
 * use (its first key or its `name`), so importing the overlay does not load the binding.
 */
export const ed25519: Ed25519 = {
  get name() {
    return resolved().name;
  },
  signer: (seed) => resolved().signer(seed),
  verifier: (publicKey) => resolved().verifier(publicKey),
};

/**
 * Which library signs and verifies `LibNaCL` keys in this process: `libsodium` or `node:crypto`.
 * The first call loads the libsodium binding if nothing has yet.
 */
export function ed25519Implementation(): Ed25519['name'] {
  return ed25519.name;
}
