/**
 * The encryption sessions of one CoinJoin, one per counterparty nick. A taker creates them when it
 * sends `!fill` and completes them on `!pubkey`; a maker creates one per `!fill` it accepts.
 *
 * @module
 */
import { MAX_ENCRYPTION_SESSIONS } from './constants.js';
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { EncryptionSession, type EncryptionSessionInit } from './encryption.js';

/** Options for {@link EncryptionSessions}. */
export interface EncryptionSessionsInit {
  /** Most sessions held at once; creating one more throws ERR_INVALID_ARGUMENT. @default 1000 */
  maxSessions?: number;
}

/**
 * Nick → {@link EncryptionSession}.
 *
 * @example
 * ```ts
 * const sessions = new EncryptionSessions();
 * const s = sessions.create('J5maker');          // send s.publicKeyHex in !fill
 * sessions.get('J5maker')?.setCounterpartyKey(pubkeyFromMaker);
 * const ciphertext = sessions.encrypt('J5maker', revelation);
 * ```
 */
export class EncryptionSessions {
  readonly #sessions = new Map<string, EncryptionSession>();
  readonly #max: number;

  constructor(init: EncryptionSessionsInit = {}) {
    this.#max = init.maxSessions ?? MAX_ENCRYPTION_SESSIONS;
  }

  /** Starts a fresh session with `nick`, replacing any earlier one. */
  create(nick: string, init: EncryptionSessionInit = {}): EncryptionSession {
    if (!this.#sessions.has(nick) && this.#sessions.size >= this.#max) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'too many encryption sessions');
    }
    const session = new EncryptionSession(init);
    this.#sessions.set(nick, session);
    return session;
  }

  /** The session with `nick`, if any. */
  get(nick: string): EncryptionSession | undefined {
    return this.#sessions.get(nick);
  }

  /** Encrypts for `nick`; throws ERR_ENCRYPTION_NOT_READY without a ready session. */
  encrypt(nick: string, plaintext: string): string {
    return this.#require(nick).encrypt(plaintext);
  }

  /** Decrypts from `nick`; throws ERR_ENCRYPTION_NOT_READY or ERR_ENCRYPTION_DECRYPT_FAILED. */
  decrypt(nick: string, ciphertext: string): string {
    return this.#require(nick).decrypt(ciphertext);
  }

  /** Forgets the session with `nick`. */
  delete(nick: string): void {
    this.#sessions.delete(nick);
  }

  /** Forgets every session (end of the CoinJoin). */
  clear(): void {
    this.#sessions.clear();
  }

  /** Number of sessions held. */
  get size(): number {
    return this.#sessions.size;
  }

  #require(nick: string): EncryptionSession {
    const session = this.#sessions.get(nick);
    if (session === undefined) {
      throw new PeerwayError(ErrorCodes.ENCRYPTION_NOT_READY, `no encryption session with ${nick}`);
    }
    return session;
  }
}
