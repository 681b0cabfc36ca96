/**
 * Tor v3 onion names (rend-spec-v3 section 6): `base32(pubkey || checksum || version) + ".onion"`,
 * where pubkey is the 32-byte ed25519 identity key, version is 3 and checksum is the first two
 * bytes of SHA3-256(".onion checksum" || pubkey || version). 35 bytes give exactly 56 base32
 * characters, lowercase, without padding.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { ONION_CHECKSUM_PREFIX, ONION_V3_LENGTH, ONION_V3_VERSION } from './constants.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const SUFFIX = '.onion';

/** RFC 4648 base32, lowercase, no padding. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes lowercase base32 without padding; undefined on a character outside the alphabet. */
export function base32Decode(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const char of text) {
    const digit = ALPHABET.indexOf(char);
    if (digit === -1) return undefined;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return out;
}

function checksum(publicKey: Uint8Array, version: number): Buffer {
  return createHash('sha3-256')
    .update(ONION_CHECKSUM_PREFIX)
    .update(publicKey)
    .update(Uint8Array.of(version))
    .digest()
    .subarray(0, 2);
}

/** The `<56 chars>.onion` name of an ed25519 public key (32 bytes). */
export function onionFromPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) {
    throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'an onion public key has 32 bytes');
  }
  const bytes = Buffer.concat([
    publicKey,
    checksum(publicKey, ONION_V3_VERSION),
    Uint8Array.of(ONION_V3_VERSION),
  ]);
  return base32Encode(bytes) + SUFFIX;
}

function onionError(name: string, reason: string): PeerwayError {
  return new PeerwayError(ErrorCodes.ONION_INVALID, `invalid onion name: ${reason}`, {
    details: { reason, name: name.length > 80 ? `${name.slice(0, 80)}...` : name },
  });
}

/**
 * Checks a v3 onion name (with or without `.onion`, any case) and returns its ed25519 public key.
 * Throws ERR_ONION_INVALID naming the failed check: length, alphabet, version or checksum.
 */
export function onionPublicKey(name: string): Buffer {
  const lower = name.toLowerCase();
  const label = lower.endsWith(SUFFIX) ? lower.slice(0, -SUFFIX.length) : lower;
  if (label.length !== ONION_V3_LENGTH) {
    throw onionError(name, label.length === 16 ? 'v2 onion names are obsolete' : 'length');
  }
  const bytes = base32Decode(label);
  if (bytes === undefined) throw onionError(name, 'alphabet');
  // 56 characters carry 280 bits: exactly 35 bytes, no spare bits to check.
  const publicKey = Buffer.from(bytes.subarray(0, 32));
  const version = bytes[34]!;
  if (version !== ONION_V3_VERSION) throw onionError(name, 'version');
  if (!checksum(publicKey, version).equals(bytes.subarray(32, 34))) throw onionError(name, 'checksum');
  return publicKey;
}

/** True when `name` is a valid v3 onion name (with or without `.onion`). */
export function isValidOnion(name: string): boolean {
  try {
    onionPublicKey(name);
    return true;
  } catch {
    return false;
  }
}
