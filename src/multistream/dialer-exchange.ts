/**
 * The dialer's state machines: select (header and proposals one at a time), the bare handshake,
 * and `ls`. Every negotiation writes the header together with its first message (the spec's
 * pipelining recommendation) and accepts the listener's header whether it arrives before, with,
 * or apart from the answer. Portable.
 *
 * @module
 */
import { ErrorCodes, isPeerwayError } from '../core/portable.js';
import { badHeader, multistreamError, preview } from './errors.js';
import { Exchange } from './exchange.js';
import {
  HEADER_FRAME,
  HEADER_LINE,
  HEADER_LS_FRAME,
  LS_FRAME,
  NA_LINE,
  sameBytes,
  type ProtocolFrames,
} from './frames.js';
import { decodeLsReply } from './ls-list.js';
import type { MessageLimits } from './message-reader.js';

/** Proposes `frames` in order until one is echoed. */
export class SelectExchange extends Exchange<string> {
  private index = 0;
  private needHeader: boolean;

  /**
   * @param handshake - send and expect the header first
   * @param keepOnNa - a `na` to the last proposal leaves the stream open for another proposal
   */
  constructor(
    private readonly frames: readonly ProtocolFrames[],
    private readonly handshake: boolean,
    private readonly keepOnNa = false,
  ) {
    super();
    this.needHeader = handshake;
  }

  begin(): void {
    const first = this.frames[0]!;
    this.send(this.handshake ? first.withHeader : first.frame);
  }

  protected onMessage(message: Uint8Array): boolean {
    if (this.needHeader) {
      if (!sameBytes(message, HEADER_LINE)) throw badHeader(message);
      this.needHeader = false;
      return false;
    }
    const current = this.frames[this.index]!;
    if (sameBytes(message, current.line)) {
      this.result = current.protocol;
      return true;
    }
    if (!sameBytes(message, NA_LINE)) {
      throw multistreamError(
        ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE,
        'listener answered neither the proposal nor na',
        { proposal: current.protocol, response: preview(message) },
      );
    }
    this.index++;
    const next = this.frames[this.index];
    if (next === undefined) {
      throw multistreamError(ErrorCodes.MULTISTREAM_NA, 'listener supports none of the proposed protocols');
    }
    this.send(next.frame);
    return false;
  }

  override keepsStream(err: unknown): boolean {
    return this.keepOnNa && isPeerwayError(err, ErrorCodes.MULTISTREAM_NA);
  }

  context(): Record<string, unknown> {
    return {
      role: 'dialer',
      protocols: this.frames.map((f) => f.protocol),
      tried: this.frames.slice(0, this.index + 1).map((f) => f.protocol),
    };
  }
}

/** Sends the header and waits for the listener's. */
export class HandshakeExchange extends Exchange<void> {
  begin(): void {
    this.send(HEADER_FRAME);
  }

  protected onMessage(message: Uint8Array): boolean {
    if (!sameBytes(message, HEADER_LINE)) throw badHeader(message);
    return true;
  }

  context(): Record<string, unknown> {
    return { role: 'dialer', protocols: [] };
  }
}

/** Asks for the listener's protocol list; resolves undefined when it answers `na`. */
export class LsExchange extends Exchange<string[] | undefined> {
  private needHeader: boolean;

  constructor(
    private readonly handshake: boolean,
    private readonly replyLimits: MessageLimits,
  ) {
    super();
    this.needHeader = handshake;
    if (!handshake) this.reader.setLimits(replyLimits);
  }

  begin(): void {
    this.send(this.handshake ? HEADER_LS_FRAME : LS_FRAME);
  }

  protected onMessage(message: Uint8Array): boolean {
    if (this.needHeader) {
      if (!sameBytes(message, HEADER_LINE)) throw badHeader(message);
      this.needHeader = false;
      this.reader.setLimits(this.replyLimits);
      return false;
    }
    // go removed `ls` and answers na: report "not supported" instead of failing.
    this.result = sameBytes(message, NA_LINE)
      ? undefined
      : decodeLsReply(message.subarray(0, message.length - 1));
    return true;
  }

  context(): Record<string, unknown> {
    return { role: 'dialer', protocols: ['ls'] };
  }
}
