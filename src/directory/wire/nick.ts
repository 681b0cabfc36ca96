/**
 * Nick identity: a secp256k1 key whose public key names its owner. The nick is
 * `"J" + "5" + base58(sha256(hex(compressedPubkey))[0..10])`, right-padded with `O` to 14
 * characters, 16 in all. Note the hash input is the lowercase hex *text* of the key.
 *
 * @module
 */
import { hash, randomBytes } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { base58Encode } from './base58.js';
import { NICK_HASH_LENGTH, NICK_MAX_ENCODED, NICK_PAD, NICK_VERSION, ONION_HOSTID } from './constants.js';
import { signBitcoinMessage } from './message-signature.js';

// Hash parts of the keys seen last: a maker signs every message with the same key, so the
// SHA-256 and base58 of its key are worked out once, not once per message. Bounded (oldest first).
const MAX_CACHED_HASH_PARTS = 4_096;
const hashParts = new Map<string, string>();

/** The hash part of a nick for a compressed public key given as lowercase hex. */
function nickHashPart(pubkeyHex: string): string {
  let part = hashParts.get(pubkeyHex);
  if (part !== undefined) return part;
  // Only key-sized text is remembered, so the cache stays small whatever a peer sends.
  const digest = hash('sha256', Buffer.from(pubkeyHex, 'latin1'), 'buffer');
  part = base58Encode(digest.subarray(0, NICK_HASH_LENGTH));
  if (pubkeyHex.length <= 130) {
    if (hashParts.size >= MAX_CACHED_HASH_PARTS) hashParts.delete(hashParts.keys().next().value!);
    hashParts.set(pubkeyHex, part);
  }
  return part;
}

/** The nick owned by a compressed public key (33 bytes, or its hex). */
export function nickFromPublicKey(publicKey: Uint8Array | string): string {
  const hex =
    typeof publicKey === 'string' ? publicKey.toLowerCase() : Buffer.from(publicKey).toString('hex');
  return 'J' + NICK_VERSION + nickHashPart(hex).padEnd(NICK_MAX_ENCODED, NICK_PAD);
}

/**
 * The reference's nick-to-pubkey check: strip `J5`, drop all `O` padding, and compare with the
 * hash part derived from `pubkeyHex`.
 */
export function nickMatchesPublicKey(nick: string, pubkeyHex: string): boolean {
  if (nick.length < 2 || nick[0] !== 'J' || nick[1] !== NICK_VERSION) return false;
  const claimed = nick.slice(2).replaceAll(NICK_PAD, '');
  return claimed === nickHashPart(pubkeyHex.toLowerCase());
}

/** A nick and the key that proves it. The secret never leaves this object except through sign(). */
export class NickIdentity {
  /** The 16-character nick. */
  readonly nick: string;
  /** The compressed public key. */
  readonly publicKey: Uint8Array;
  /** The compressed public key as lowercase hex (the form on the wire). */
  readonly publicKeyHex: string;
  readonly #secretKey: Uint8Array;

  /** Builds an identity from a 32-byte secret key. Throws ERR_DIRECTORY_BAD_NICK if it is invalid. */
  constructor(secretKey: Uint8Array) {
    if (!secp256k1.utils.isValidSecretKey(secretKey)) {
      throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_NICK, 'invalid secp256k1 secret key');
    }
    this.#secretKey = Uint8Array.from(secretKey);
    this.publicKey = secp256k1.getPublicKey(this.#secretKey, true);
    this.publicKeyHex = Buffer.from(this.publicKey).toString('hex');
    this.nick = nickFromPublicKey(this.publicKeyHex);
  }

  /** A fresh random identity. */
  static generate(): NickIdentity {
    for (;;) {
      const key = randomBytes(32);
      if (secp256k1.utils.isValidSecretKey(key)) return new NickIdentity(key);
    }
  }

  /** An identity from a secret key given as a bigint or hex string (test vectors use small numbers). */
  static fromSecret(secret: bigint | string): NickIdentity {
    const hex = typeof secret === 'bigint' ? secret.toString(16) : secret;
    return new NickIdentity(Buffer.from(hex.padStart(64, '0'), 'hex'));
  }

  /** Signs `message + hostid` as a Bitcoin message; base64 DER, low-S. */
  sign(message: string, hostid: string = ONION_HOSTID): string {
    return signBitcoinMessage(message + hostid, this.#secretKey);
  }

  /** The secret key as hex, for storing it in a key file. Never log it. */
  exportSecretHex(): string {
    return Buffer.from(this.#secretKey).toString('hex');
  }

  /** Keeps the secret out of logs and JSON. */
  toJSON(): { nick: string; publicKey: string } {
    return { nick: this.nick, publicKey: this.publicKeyHex };
  }
}
