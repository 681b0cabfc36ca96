/**
 * End-to-end encryption of `auth`, `ioauth`, `tx` and `sig`: NaCl box (X25519 key agreement,
 * XSalsa20-Poly1305) between two ephemeral keys, one per side, exchanged in the clear:
 *
 * ```
 *  taker                                    maker
 *   !fill <oid> <amount> <taker_pub_hex> <commitment>  ->
 *                                      <-   !pubkey <maker_pub_hex>
 *   !auth  base64(nonce24 ‖ box(revelation))          ->
 *                                      <-   !ioauth base64(nonce24 ‖ box(…))
 *   !tx    base64(nonce24 ‖ box(tx))                  ->
 *                                      <-   !sig   base64(nonce24 ‖ box(sig))  (one per input)
 * ```
 * The payloads are opaque here. The directory layer signs the base64 ciphertext like any other
 * privmsg data.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import {
  BOX_OVERHEAD,
  ENCRYPTED_COMMANDS,
  MAX_CIPHERTEXT_B64_LENGTH,
  NONCE_LENGTH,
  PUBLIC_KEY_LENGTH,
  SECRET_KEY_LENGTH,
} from './constants.js';

/** The part of sodium-native (libsodium) this module calls: NaCl's `crypto_box`. */
interface SodiumBox {
  randombytes_buf(buffer: Uint8Array): void;
  crypto_scalarmult_base(publicKey: Uint8Array, secretKey: Uint8Array): void;
  crypto_box_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): void;
  crypto_box_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean;
}

let sodiumBinding: SodiumBox | undefined;

/**
 * libsodium, loaded on the first session rather than on import: the binding costs a few hundred
 * milliseconds to load, which a program that never encrypts should not pay.
 */
function sodium(): SodiumBox {
  sodiumBinding ??= createRequire(import.meta.url)('sodium-native') as SodiumBox;
  return sodiumBinding;
}

/** One of the commands whose payload is encrypted. */
export type EncryptedCommand = (typeof ENCRYPTED_COMMANDS)[number];

const ENCRYPTED: ReadonlySet<string> = new Set(ENCRYPTED_COMMANDS);
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True for `auth`, `ioauth`, `tx` and `sig` (with or without the leading `!`). */
export function isEncryptedCommand(command: string): boolean {
  return ENCRYPTED.has(command.startsWith('!') ? command.slice(1) : command);
}

/** Parses a NaCl public key sent as 64 hex characters. */
export function parsePublicKeyHex(hex: string): Uint8Array {
  if (!HEX_KEY.test(hex)) {
    throw new PeerwayError(ErrorCodes.ENCRYPTION_BAD_KEY, 'NaCl public key must be 64 hex characters');
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Options for {@link EncryptionSession}. */
export interface EncryptionSessionInit {
  /**
   * Our ephemeral 32-byte secret key. Tests pass one for repeatable keys.
   * @default a fresh random key per session
   */
  secretKey?: Uint8Array;
  /**
   * The counterparty's public key as hex, when already known (a maker learns it from `!fill`).
   * @default undefined: set it later with {@link EncryptionSession.setCounterpartyKey}
   */
  counterpartyKeyHex?: string;
}

/**
 * The encryption state with one counterparty for one CoinJoin: our ephemeral key pair and, once
 * the `!fill`/`!pubkey` exchange is done, the counterparty's public key.
 *
 * @example
 * ```ts
 * const taker = new EncryptionSession();
 * const maker = new EncryptionSession({ counterpartyKeyHex: taker.publicKeyHex });
 * taker.setCounterpartyKey(maker.publicKeyHex);
 * maker.decrypt(taker.encrypt('txid:0|P|P2|s|e')); // 'txid:0|P|P2|s|e'
 * ```
 */
export class EncryptionSession {
  /** Our public key as 64 hex characters, sent in `!fill` (taker) or `!pubkey` (maker). */
  readonly publicKeyHex: string;
  readonly #secretKey: Buffer;
  /** The counterparty's public key, once known. */
  #theirKey: Uint8Array | undefined;
  #counterpartyKeyHex: string | undefined;

  constructor(init: EncryptionSessionInit = {}) {
    // A NaCl box key pair is a random X25519 scalar and its product with the base point, as
    // `crypto_box_keypair` makes it.
    this.#secretKey = Buffer.alloc(SECRET_KEY_LENGTH);
    if (init.secretKey === undefined) sodium().randombytes_buf(this.#secretKey);
    else if (init.secretKey.length !== SECRET_KEY_LENGTH) {
      throw new PeerwayError(ErrorCodes.ENCRYPTION_BAD_KEY, 'a NaCl secret key is 32 bytes');
    } else this.#secretKey.set(init.secretKey);
    const publicKey = Buffer.alloc(PUBLIC_KEY_LENGTH);
    sodium().crypto_scalarmult_base(publicKey, this.#secretKey);
    this.publicKeyHex = publicKey.toString('hex');
    if (init.counterpartyKeyHex !== undefined) this.setCounterpartyKey(init.counterpartyKeyHex);
  }

  /** The counterparty's key as hex, once set. */
  get counterpartyKeyHex(): string | undefined {
    return this.#counterpartyKeyHex;
  }

  /** True once the counterparty's key is set and messages can flow. */
  get ready(): boolean {
    return this.#theirKey !== undefined;
  }

  /**
   * Sets the counterparty's public key (from its `!fill` or `!pubkey`).
   *
   * @throws PeerwayError ERR_ENCRYPTION_BAD_KEY
   */
  setCounterpartyKey(hex: string): void {
    const key = parsePublicKeyHex(hex);
    if (key.length !== PUBLIC_KEY_LENGTH) throw new PeerwayError(ErrorCodes.ENCRYPTION_BAD_KEY, 'bad key');
    this.#theirKey = key;
    this.#counterpartyKeyHex = hex.toLowerCase();
  }

  /**
   * Encrypts a plaintext payload: base64 of a fresh 24-byte nonce followed by the box.
   *
   * @throws PeerwayError ERR_ENCRYPTION_NOT_READY before the counterparty key is set,
   *   ERR_ENCRYPTION_TOO_LONG when the result would not fit one line.
   */
  encrypt(plaintext: string): string {
    const theirKey = this.#requireTheirKey();
    const message = Buffer.from(plaintext, 'utf8');
    const encodedLength = 4 * Math.ceil((NONCE_LENGTH + BOX_OVERHEAD + message.length) / 3);
    if (encodedLength > MAX_CIPHERTEXT_B64_LENGTH) {
      throw new PeerwayError(ErrorCodes.ENCRYPTION_TOO_LONG, 'plaintext too long for one message', {
        details: { length: message.length },
      });
    }
    // nonce ‖ MAC ‖ ciphertext: crypto_box_easy writes the MAC first, as NaCl's box does.
    const out = Buffer.alloc(NONCE_LENGTH + BOX_OVERHEAD + message.length);
    const nonce = out.subarray(0, NONCE_LENGTH);
    sodium().randombytes_buf(nonce);
    sodium().crypto_box_easy(out.subarray(NONCE_LENGTH), message, nonce, theirKey, this.#secretKey);
    return out.toString('base64');
  }

  /**
   * Decrypts a base64 `nonce ‖ box` payload from the counterparty.
   *
   * @throws PeerwayError ERR_ENCRYPTION_NOT_READY, ERR_ENCRYPTION_TOO_LONG, or
   *   ERR_ENCRYPTION_DECRYPT_FAILED for bad base64, a short input or a failed authenticator.
   */
  decrypt(ciphertext: string): string {
    const theirKey = this.#requireTheirKey();
    if (ciphertext.length > MAX_CIPHERTEXT_B64_LENGTH) {
      throw new PeerwayError(ErrorCodes.ENCRYPTION_TOO_LONG, 'ciphertext too long');
    }
    if (!BASE64.test(ciphertext)) {
      throw new PeerwayError(ErrorCodes.ENCRYPTION_DECRYPT_FAILED, 'ciphertext is not base64');
    }
    const bytes = new Uint8Array(Buffer.from(ciphertext, 'base64'));
    if (bytes.length < NONCE_LENGTH + BOX_OVERHEAD) {
      throw new PeerwayError(ErrorCodes.ENCRYPTION_DECRYPT_FAILED, 'ciphertext too short');
    }
    const opened = Buffer.alloc(bytes.length - NONCE_LENGTH - BOX_OVERHEAD);
    const box = bytes.subarray(NONCE_LENGTH);
    const nonce = bytes.subarray(0, NONCE_LENGTH);
    if (!sodium().crypto_box_open_easy(opened, box, nonce, theirKey, this.#secretKey)) {
      throw new PeerwayError(ErrorCodes.ENCRYPTION_DECRYPT_FAILED, 'ciphertext failed authentication');
    }
    return opened.toString('utf8');
  }

  #requireTheirKey(): Uint8Array {
    if (this.#theirKey === undefined) {
      throw new PeerwayError(ErrorCodes.ENCRYPTION_NOT_READY, 'counterparty key not set yet');
    }
    return this.#theirKey;
  }
}
