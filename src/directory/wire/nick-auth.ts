/**
 * JMP-0005 nick authentication (ng only; never sent to a peer that did not advertise
 * `nick_auth`). After an accepted 795 the directory sends 803 `{"challenge","directory-id"}`;
 * the client answers 805 `{"pubkey","signature"}` signing
 * `nick-auth|<challenge>|<directory-id>|<sha256 hex of the 793 "line" it sent>|<nick>|<pubkey>`
 * immediately followed by `nick-auth-v1` as a Bitcoin signed message (DER, base64); the directory
 * answers 807 `{"code","verified"}`. All three payloads are compact JSON (`,` and `:` with no
 * spaces), unlike the handshakes. Proofs are parsed strictly: exactly the two keys, a lowercase
 * compressed key on the curve, canonical base64 of strict DER; a proof failing that is
 * `malformed`, one whose key does not derive the nick or whose signature (low-S only) does not
 * verify is `invalid`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { NICK_AUTH_HOSTID } from './constants.js';
import { verifyBitcoinMessage } from './message-signature.js';
import { nickFromPublicKey, type NickIdentity } from './nick.js';
import { isLowS, parseStrictDer } from './strict-der.js';

/** Result codes of a nick-auth attempt. */
export type NickAuthCode = 'ok' | 'malformed' | 'expired' | 'invalid' | 'policy';

const CODES: ReadonlySet<string> = new Set(['ok', 'malformed', 'expired', 'invalid', 'policy']);
const LOWER_HEX_64 = /^[0-9a-f]{64}$/;
const COMPRESSED_PUBKEY = /^0[23][0-9a-f]{64}$/;
/** What JMP-0005 allows as a directory id (an onion `host:port`, or a configured name). */
const DIRECTORY_ID = /^[a-z0-9][a-z0-9.:_-]*$/;

/** True when `id` is a valid JMP-0005 directory id (`[a-z0-9][a-z0-9.:_-]*`). */
export function isValidDirectoryId(id: string): boolean {
  return DIRECTORY_ID.test(id);
}
const ONION_V3_HOST = /^[a-z2-7]{56}\.onion$/;

/** True when `id` is a well-formed JMP-0005 directory id. */
export function isNickAuthDirectoryId(id: string): boolean {
  return DIRECTORY_ID.test(id);
}

/**
 * The directory id a client expects from a directory it dials: `<host>:<port>` (host lowercased,
 * trailing dot removed) for a v3 onion; undefined otherwise (it must then be configured).
 */
export function nickAuthIdForEndpoint(host: string, port: number): string | undefined {
  let h = host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  return ONION_V3_HOST.test(h) ? `${h}:${port}` : undefined;
}

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
  return JSON.stringify({ challenge, 'directory-id': directoryId });
}

/** The 807 line. */
export function formatNickAuthResult(code: NickAuthCode): string {
  return JSON.stringify({ code, verified: code === 'ok' });
}

/** Parses an 803 line; undefined when malformed. */
export function parseNickAuthChallenge(line: string): { challenge: string; directoryId: string } | undefined {
  const o = parseExactObject(line, ['challenge', 'directory-id']);
  const challenge = o?.['challenge'];
  const directoryId = o?.['directory-id'];
  if (typeof challenge !== 'string' || !LOWER_HEX_64.test(challenge)) return undefined;
  if (typeof directoryId !== 'string' || !DIRECTORY_ID.test(directoryId)) return undefined;
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
  return JSON.stringify({
    pubkey: identity.publicKeyHex,
    signature: identity.sign(message, NICK_AUTH_HOSTID),
  });
}

/** Outcome of checking an 805: the code to send back and, when `ok`, the proven key. */
export interface NickAuthCheck {
  code: NickAuthCode;
  pubkey?: string;
}

/** Checks an 805 line against the challenge. */
export function checkNickAuthProof(
  line: string,
  expected: { challenge: string; directoryId: string; handshakeLine: string; nick: string },
): NickAuthCheck {
  const o = parseExactObject(line, ['pubkey', 'signature']);
  const pubkey = o?.['pubkey'];
  const signature = o?.['signature'];
  if (typeof pubkey !== 'string' || !COMPRESSED_PUBKEY.test(pubkey) || !onCurve(pubkey)) {
    return { code: 'malformed' };
  }
  if (typeof signature !== 'string') return { code: 'malformed' };
  const der = Buffer.from(signature, 'base64');
  if (der.toString('base64') !== signature) return { code: 'malformed' };
  const rs = parseStrictDer(der);
  if (rs === undefined) return { code: 'malformed' };
  if (!isLowS(rs.s) || nickFromPublicKey(pubkey) !== expected.nick) return { code: 'invalid' };
  const message = nickAuthMessage(
    expected.challenge,
    expected.directoryId,
    expected.handshakeLine,
    expected.nick,
    pubkey,
  );
  return verifyBitcoinMessage(message + NICK_AUTH_HOSTID, signature, Buffer.from(pubkey, 'hex'))
    ? { code: 'ok', pubkey }
    : { code: 'invalid' };
}

/** Parses an 807 line; undefined when malformed (including `verified` disagreeing with `code`). */
export function parseNickAuthResult(line: string): { code: NickAuthCode; verified: boolean } | undefined {
  const o = parseExactObject(line, ['code', 'verified']);
  const code = o?.['code'];
  const verified = o?.['verified'];
  if (typeof code !== 'string' || !CODES.has(code) || typeof verified !== 'boolean') return undefined;
  if (verified !== (code === 'ok')) return undefined;
  return { code: code as NickAuthCode, verified };
}

function onCurve(pubkeyHex: string): boolean {
  try {
    secp256k1.Point.fromHex(pubkeyHex);
    return true;
  } catch {
    return false;
  }
}

/**
 * The member names of a JSON object's top level, in order and with repeats. `text` must already
 * have parsed as a JSON object: only then is this scan of strings and brackets exact.
 * Exported for tests; not part of the package's surface.
 */
export function topLevelNames(text: string): string[] {
  const names: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i + 1;
      while (text.charCodeAt(end) !== 0x22) end += text.charCodeAt(end) === 0x5c /* \ */ ? 2 : 1;
      if (depth === 1) {
        let next = end + 1;
        while (' \t\n\r'.includes(text[next]!)) next++;
        if (text[next] === ':') names.push(JSON.parse(text.slice(i, end + 1)) as string);
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return names;
}

/**
 * A JSON object with exactly `keys`, each once, or undefined. JMP-0005 forbids extra fields, and
 * joinmarket-ng refuses a repeated name, which JSON.parse would settle silently by the last one.
 */
function parseExactObject(line: string, keys: string[]): Record<string, unknown> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const own = Object.keys(o);
  if (own.length !== keys.length || !keys.every((k) => Object.hasOwn(o, k))) return undefined;
  return topLevelNames(line).length === keys.length ? o : undefined;
}
