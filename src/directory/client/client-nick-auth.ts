/**
 * The client side of JMP-0005 nick authentication, as joinmarket-ng's client does it: advertise
 * `nick_auth` only when the directory id to expect is known, answer one 803 naming exactly that
 * id with an 805 bound to the 793 line we sent, and count as connected only after an 807 `ok`.
 *
 * @module
 */
import { deferred, ErrorCodes, PeerwayError } from '../../core/index.js';
import {
  MessageType,
  formatNickAuthProof,
  isNickAuthDirectoryId,
  nickAuthIdForEndpoint,
  parseNickAuthChallenge,
  parseNickAuthResult,
} from '../wire/index.js';
import type { Features, NickIdentity } from '../wire/index.js';

/** What the exchange needs from its {@link DirectoryClient}. */
export interface NickAuthConnection {
  readonly identity: NickIdentity;
  /** The 793 `line` we sent. */
  handshakeLine(): string;
  directoryHas(feature: string): boolean;
  send(type: number, line: string): void;
  drop(reason: string): void;
  destroy(): void;
}

/** One connection's nick-auth state. */
export class ClientNickAuth {
  /** Undefined until challenged, then false until an 807 `ok`. */
  verified: boolean | undefined;
  /** Settles with the exchange; awaited by connect() only when both sides advertised `nick_auth`. */
  readonly done = deferred();

  constructor(
    private readonly conn: NickAuthConnection,
    /** The directory id proofs are bound to, when known. */
    readonly directoryId: string | undefined,
  ) {
    if (directoryId !== undefined && !isNickAuthDirectoryId(directoryId)) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `bad nick-auth directory id ${directoryId}`);
    }
    this.done.promise.catch(() => {});
  }

  /** The id to expect: the configured one, else `<host>:<port>` for a v3 onion. */
  static expectedId(configured: string | undefined, host: string, port: number): string | undefined {
    return configured ?? nickAuthIdForEndpoint(host, port);
  }

  /** `features` without `nick_auth` when no directory id is known (a proof needs one). */
  static advertised(features: Features, directoryId: string | undefined): Features {
    if (features['nick_auth'] !== true || directoryId !== undefined) return features;
    return Object.fromEntries(Object.entries(features).filter(([k]) => k !== 'nick_auth'));
  }

  /** An 803. */
  onChallenge(line: string, weAdvertised: boolean): void {
    const asked = weAdvertised && this.conn.directoryHas('nick_auth') && this.verified === undefined;
    const c = asked ? parseNickAuthChallenge(line) : undefined;
    if (c === undefined) return this.conn.drop('bad_challenge');
    if (c.directoryId !== this.directoryId) {
      // A proof for another directory's id could be replayed there: refuse, as ng does.
      this.conn.drop('nick_auth_directory_mismatch');
      return this.fail(`challenge names directory id ${c.directoryId}`);
    }
    this.verified = false;
    this.conn.send(
      MessageType.NICK_AUTH_PROOF,
      formatNickAuthProof(this.conn.identity, c.challenge, c.directoryId, this.conn.handshakeLine()),
    );
  }

  /** An 807. */
  onResult(line: string): void {
    if (this.verified !== false) return this.conn.drop('unexpected_nick_auth');
    const result = parseNickAuthResult(line);
    if (result?.verified !== true) return this.fail(`result ${result?.code ?? 'malformed'}`);
    this.verified = true;
    this.done.resolve();
  }

  /** The connection closed (a no-op once settled). */
  onClosed(): void {
    this.done.reject(new PeerwayError(ErrorCodes.DIRECTORY_NOT_CONNECTED, 'directory connection closed'));
  }

  private fail(why: string): void {
    this.verified = false;
    this.done.reject(
      new PeerwayError(ErrorCodes.DIRECTORY_HANDSHAKE_REJECTED, `nick authentication failed: ${why}`),
    );
    this.conn.destroy();
  }
}
