/**
 * JMP-0005 nick authentication (ng only; never sent to a peer that did not advertise
 * `nick_auth`). After an accepted 795 the directory sends 803 `{"challenge", "directory-id"}`;
 * the client answers 805 `{"pubkey", "signature"}` signing
 * `nick-auth|<challenge>|<directory-id>|<sha256 hex of its handshake line>|<nick>|<pubkey>`
 * + `nick-auth-v1` as a Bitcoin message; the directory answers 807 `{"code", "verified"}`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { NICK_AUTH_HOSTID } from './constants.js';
import { verifyBitcoinMessage } from './message-signature.js';
import { nickMatchesPublicKey, type NickIdentity } from './nick.js';
import { pythonJson } from './python-json.js';

/** Result codes of a nick-auth attempt. */
export type NickAuthCode = 'ok' | 'malformed' | 'expired' | 'invalid' | 'policy';

/** The text a proof signs (without the hostid suffix). */
export function nickAuthMessage(
  challenge: string,
  directoryId: string,
  handshakeLine: string,
  nick: string,
  pubkeyHex: string,
): string {
  const handshakeHash = createHash('sha256').update(handshakeLine, 'utf8').digest('hex');
  return ['nick-auth', challenge, directoryId, handshakeHash, nick, pubkeyHex].join('|');
}

/** The 803 line. */
export function formatNickAuthChallenge(challenge: string, directoryId: string): string {
  return pythonJson({ challenge, 'directory-id': directoryId });
}

/** The 807 line. */
export function formatNickAuthResult(code: NickAuthCode): string {
  return pythonJson({ code, verified: code === 'ok' });
}

/** Parses an 803 line; undefined when malformed. */
export function parseNickAuthChallenge(line: string): { challenge: string; directoryId: string } | undefined {
  const o = parseJsonObject(line);
  const challenge = o?.['challenge'];
  const directoryId = o?.['directory-id'];
  if (typeof challenge !== 'string' || !/^[0-9a-f]{64}$/.test(challenge) || typeof directoryId !== 'string') {
    return undefined;
  }
  return { challenge, directoryId };
}

/** Builds the 805 line answering a challenge. */
export function formatNickAuthProof(
  identity: NickIdentity,
  challenge: string,
  directoryId: string,
  handshakeLine: string,
): string {
  const message = nickAuthMessage(
    challenge,
    directoryId,
    handshakeLine,
    identity.nick,
    identity.publicKeyHex,
  );
  return pythonJson({ pubkey: identity.publicKeyHex, signature: identity.sign(message, NICK_AUTH_HOSTID) });
}

/** Checks an 805 line against the challenge; returns the result code to send back. */
export function checkNickAuthProof(
  line: string,
  expected: { challenge: string; directoryId: string; handshakeLine: string; nick: string },
): NickAuthCode {
  const o = parseJsonObject(line);
  const pubkey = o?.['pubkey'];
  const signature = o?.['signature'];
  if (typeof pubkey !== 'string' || typeof signature !== 'string' || !/^(02|03)[0-9a-f]{64}$/.test(pubkey)) {
    return 'malformed';
  }
  if (!nickMatchesPublicKey(expected.nick, pubkey)) return 'invalid';
  const message = nickAuthMessage(
    expected.challenge,
    expected.directoryId,
    expected.handshakeLine,
    expected.nick,
    pubkey,
  );
  return verifyBitcoinMessage(message + NICK_AUTH_HOSTID, signature, Buffer.from(pubkey, 'hex'))
    ? 'ok'
    : 'invalid';
}

/** Parses an 807 line; undefined when malformed. */
export function parseNickAuthResult(line: string): { code: string; verified: boolean } | undefined {
  const o = parseJsonObject(line);
  const code = o?.['code'];
  const verified = o?.['verified'];
  return typeof code === 'string' && typeof verified === 'boolean' ? { code, verified } : undefined;
}

function parseJsonObject(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
