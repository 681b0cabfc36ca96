/**
 * What a directory client makes of a pubmsg or privmsg line: a message to deliver, or the reason
 * to drop it. Privmsgs must be addressed to us and, unless told otherwise, verify.
 *
 * @module
 */
import type { DirectoryMessage } from './client-options.js';
import { PUBLIC_TARGET, parseMessageLine, splitPrivmsg, verifyPrivmsg } from '../wire/index.js';
import type { VerifiedLineCache } from './verified-lines.js';

/** A message, or a drop reason for the client's counters. */
export type Inbound = { message: DirectoryMessage } | { drop: string };

/** Decodes a 687 line. */
export function decodePubmsg(line: string): Inbound {
  const msg = parseMessageLine(line);
  if (msg === undefined || msg.to !== PUBLIC_TARGET) return { drop: 'bad_message' };
  return { message: { kind: 'pubmsg', message: msg } };
}

/**
 * Decodes a 685 line addressed to `nick`, verifying it unless `verify` is false. With a cache, a
 * line that verified before (a copy through another directory) is only split.
 */
export function decodePrivmsg(
  line: string,
  nick: string,
  verify: boolean,
  cache?: VerifiedLineCache,
): Inbound {
  const msg = parseMessageLine(line);
  if (msg === undefined) return { drop: 'bad_message' };
  if (msg.to !== nick) return { drop: 'not_for_us' };
  try {
    if (!verify) return { message: { kind: 'privmsg', message: splitPrivmsg(msg) } };
    if (cache?.has(line) === true) {
      const split = splitPrivmsg(msg);
      split.publicKey = split.publicKey.toLowerCase();
      return { message: { kind: 'privmsg', message: split } };
    }
    const verified = verifyPrivmsg(msg);
    cache?.add(line);
    return { message: { kind: 'privmsg', message: verified } };
  } catch {
    return { drop: verify ? 'bad_signature' : 'bad_message' };
  }
}
