/**
 * The dialer's `ls`: asks the listener for its protocol list (optional in the spec; go answers
 * `na`, py-libp2p sends another format).
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_LS_REPLY_LENGTH, MAX_LS_LENGTH_BYTES, MAX_LS_REPLY_LENGTH } from './constants.js';
import type { SelectOptions } from './dialer.js';
import { LsExchange } from './dialer-exchange.js';
import type { MessageLimits } from './message-reader.js';
import { negotiate } from './negotiation.js';

/** Options for {@link ls}. */
export interface LsOptions extends SelectOptions {
  /** Largest reply accepted, in bytes (at most 2^21 - 1, what a 3-byte prefix holds). @default 65536 */
  maxReplyLength?: number;
}

/**
 * Asks the listener for its protocols (`ls`, optional in the spec). Resolves with the list, or
 * with `undefined` when the peer answered `na` (go dropped `ls`). Never rely on it for anything
 * functional: py-libp2p answers in another format (parsed as a fallback) and go not at all.
 *
 * @example
 * ```ts
 * const protocols = await ls(socket); // then, on the same stream:
 * await select(socket, protocols?.[0] ?? '/noise', { handshake: false });
 * ```
 */
export function ls(stream: Duplex, options: LsOptions = {}): Promise<string[] | undefined> {
  const limits: MessageLimits = {
    maxLength: Math.min(options.maxReplyLength ?? DEFAULT_MAX_LS_REPLY_LENGTH, MAX_LS_REPLY_LENGTH),
    maxLengthBytes: MAX_LS_LENGTH_BYTES,
    singleLine: false,
  };
  return negotiate(new LsExchange(options.handshake ?? true, limits), stream, options);
}
