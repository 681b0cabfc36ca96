/**
 * The dialer's `ls`: asks the listener for its protocol list (optional in the spec; go answers
 * `na`, py-libp2p sends another format).
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_LS_REPLY_LENGTH, MAX_LS_LENGTH_BYTES, MAX_LS_REPLY_LENGTH } from './constants.js';
import type { SelectOptions } from './dialer.js';
import { badHeader } from './errors.js';
import { HEADER_FRAME, HEADER_LINE, LS_FRAME, NA_LINE, sameBytes } from './frames.js';
import { decodeLsReply } from './ls-list.js';
import type { MessageLimits } from './message-reader.js';
import { Negotiation, type NegotiateOptions } from './negotiation.js';

class LsNegotiation extends Negotiation<string[] | undefined> {
  private needHeader: boolean;

  constructor(
    stream: Duplex,
    private readonly handshake: boolean,
    private readonly replyLimits: MessageLimits,
    options: NegotiateOptions,
  ) {
    super(stream, options);
    this.needHeader = handshake;
    if (!handshake) this.expectReply();
  }

  protected begin(): void {
    this.send(this.handshake ? Buffer.concat([HEADER_FRAME, LS_FRAME]) : LS_FRAME);
  }

  protected onMessage(message: Buffer): boolean {
    if (this.needHeader) {
      if (!sameBytes(message, HEADER_LINE)) throw badHeader(message);
      this.needHeader = false;
      this.expectReply();
      return false;
    }
    // go removed `ls` and answers na: report "not supported" instead of failing.
    this.result = sameBytes(message, NA_LINE)
      ? undefined
      : decodeLsReply(message.subarray(0, message.length - 1));
    return true;
  }

  private expectReply(): void {
    this.reader.setLimits(this.replyLimits);
  }

  protected context(): Record<string, unknown> {
    return { role: 'dialer', protocols: ['ls'] };
  }
}

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
  return new LsNegotiation(stream, options.handshake ?? true, limits, options).run();
}
