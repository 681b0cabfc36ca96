/**
 * The text inside pubmsg and privmsg envelopes: `from!to!cmd args...`, where `to` is `PUBLIC`
 * for a pubmsg. Privmsgs end with `<pubkey hex> <signature base64>` signing
 * `data + "onion-network"`, where `data` is everything between the command word and the key.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { COMMAND_PREFIX, ONION_HOSTID, PUBLIC_TARGET } from './constants.js';
import { verifyBitcoinMessage } from './message-signature.js';
import { nickMatchesPublicKey, type NickIdentity } from './nick.js';

/** A message line split into its parts. */
export interface MessageLine {
  /** Sender nick as claimed in the line. */
  from: string;
  /** Recipient nick, or `PUBLIC`. */
  to: string;
  /** Everything after `to!`: one or more commands chained with `!` (without the leading `!`). */
  body: string;
  /** The first command word of `body`. */
  command: string;
}

/**
 * Splits `from!to!body`. Returns undefined when there are fewer than three `!`-separated fields
 * or `from`/`to` is empty (callers count and drop such lines).
 */
export function parseMessageLine(line: string): MessageLine | undefined {
  const first = line.indexOf(COMMAND_PREFIX);
  if (first <= 0) return undefined;
  const second = line.indexOf(COMMAND_PREFIX, first + 1);
  if (second <= first + 1) return undefined;
  const body = line.slice(second + 1);
  const space = body.indexOf(' ');
  return {
    from: line.slice(0, first),
    to: line.slice(first + 1, second),
    body,
    command: space === -1 ? body : body.slice(0, space),
  };
}

/** Builds a pubmsg line `from!PUBLIC!body`. */
export function formatPubmsg(from: string, body: string): string {
  return from + COMMAND_PREFIX + PUBLIC_TARGET + COMMAND_PREFIX + body;
}

/**
 * Builds a signed privmsg line `from!to!command data pub sig`, signing `data + hostid`.
 *
 * @example
 * ```ts
 * const line = formatSignedPrivmsg(me, 'J558BReKK6vTwxF4', 'fill', '0 500000 ab.. P..');
 * ```
 */
export function formatSignedPrivmsg(
  identity: NickIdentity,
  to: string,
  command: string,
  data: string,
  hostid: string = ONION_HOSTID,
): string {
  const sig = identity.sign(data, hostid);
  return (
    identity.nick +
    COMMAND_PREFIX +
    to +
    COMMAND_PREFIX +
    command +
    ' ' +
    data +
    ' ' +
    identity.publicKeyHex +
    ' ' +
    sig
  );
}

/** A privmsg whose signature and nick binding were checked. */
export interface VerifiedPrivmsg extends MessageLine {
  /** The signed data (between the command word and the key). */
  data: string;
  /** The sender's compressed public key, hex. */
  publicKey: string;
  /** The signature, base64 DER. */
  signature: string;
}

/**
 * Verifies a privmsg line: the last two tokens are the key and signature, the signature covers
 * `data + hostid` (retried with the hostid lowercased, as the reference does), and the from-nick
 * must be derived from the key. Throws ERR_DIRECTORY_BAD_MESSAGE or ERR_DIRECTORY_BAD_SIGNATURE.
 */
export function verifyPrivmsg(line: string | MessageLine, hostid: string = ONION_HOSTID): VerifiedPrivmsg {
  const split = splitPrivmsg(line);
  const { data, publicKey, signature } = split;
  // A key off the curve fails the signature check below (same error code), so no separate point
  // decoding is spent on every message.
  if (!/^(02|03)[0-9a-fA-F]{64}$/.test(publicKey)) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_SIGNATURE, 'privmsg key is not a compressed key');
  }
  const key = Buffer.from(publicKey, 'hex');
  const ok =
    verifyBitcoinMessage(data + hostid, signature, key) ||
    (hostid !== hostid.toLowerCase() && verifyBitcoinMessage(data + hostid.toLowerCase(), signature, key));
  if (!ok) throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_SIGNATURE, 'privmsg signature does not verify');
  if (!nickMatchesPublicKey(split.from, publicKey)) {
    throw new PeerwayError(
      ErrorCodes.DIRECTORY_BAD_SIGNATURE,
      'privmsg from-nick does not belong to its key',
      {
        details: { from: split.from },
      },
    );
  }
  split.publicKey = publicKey.toLowerCase();
  return split;
}

/**
 * Splits a privmsg into data, key and signature without checking them (the last two tokens are
 * the key and signature). Throws ERR_DIRECTORY_BAD_MESSAGE or ERR_DIRECTORY_BAD_SIGNATURE (no
 * key and signature at all).
 */
export function splitPrivmsg(line: string | MessageLine): VerifiedPrivmsg {
  const parsed = typeof line === 'string' ? parseMessageLine(line) : line;
  if (parsed === undefined) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_MESSAGE, 'privmsg is not from!to!body');
  }
  // Space-separated words: the command, the data (may hold spaces), the key, the signature. Cut
  // at the first and the last two spaces rather than splitting the whole body into words.
  const body = parsed.body;
  const last = body.lastIndexOf(' ');
  const keyAt = last <= 0 ? -1 : body.lastIndexOf(' ', last - 1);
  const first = body.indexOf(' ');
  if (keyAt === -1 || first === -1) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_SIGNATURE, 'privmsg carries no key and signature');
  }
  return {
    from: parsed.from,
    to: parsed.to,
    body,
    command: parsed.command,
    data: first === keyAt ? '' : body.slice(first + 1, keyAt),
    publicKey: body.slice(keyAt + 1, last),
    signature: body.slice(last + 1),
  };
}
