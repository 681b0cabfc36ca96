/**
 * The dialer: handshake and proposals one at a time. Every negotiation writes the header together
 * with its first message (the spec's pipelining recommendation) and accepts the listener's header
 * whether it arrives before, with, or apart from the answer.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { ErrorCodes, toPeerwayError } from '../core/index.js';
import {
  HEADER_FRAME,
  HEADER_LINE,
  NA_LINE,
  protocolFrames,
  sameBytes,
  type ProtocolFrames,
} from './frames.js';
import { badHeader, multistreamError, preview } from './errors.js';
import { Negotiation, type NegotiateOptions } from './negotiation.js';

/** Options for {@link select}. */
export interface SelectOptions extends NegotiateOptions {
  /**
   * Send and expect the `/multistream/1.0.0` header. Turn off to propose on a stream whose
   * handshake was already done (what {@link trySelect} does). @default true
   */
  handshake?: boolean;
}

class SelectNegotiation extends Negotiation<string> {
  private index = 0;
  private needHeader: boolean;

  constructor(
    stream: Duplex,
    private readonly frames: readonly ProtocolFrames[],
    private readonly handshake: boolean,
    options: NegotiateOptions,
  ) {
    super(stream, options);
    this.needHeader = handshake;
  }

  protected begin(): void {
    const first = this.frames[0]!;
    this.send(this.handshake ? first.withHeader : first.frame);
  }

  protected onMessage(message: Buffer): boolean {
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
        {
          proposal: current.protocol,
          response: preview(message),
        },
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

  protected context(): Record<string, unknown> {
    return {
      role: 'dialer',
      protocols: this.frames.map((f) => f.protocol),
      tried: this.frames.slice(0, this.index + 1).map((f) => f.protocol),
    };
  }
}

class HandshakeNegotiation extends Negotiation<void> {
  protected begin(): void {
    this.send(HEADER_FRAME);
  }

  protected onMessage(message: Buffer): boolean {
    if (!sameBytes(message, HEADER_LINE)) throw badHeader(message);
    return true;
  }

  protected context(): Record<string, unknown> {
    return { role: 'dialer', protocols: [] };
  }
}

/**
 * Negotiates one of `protocols` as the dialer, in order of preference: header and first proposal
 * in one write, then the next proposal after each `na`. Resolves with the protocol the listener
 * echoed; the stream then carries that protocol, with any bytes that came behind the echo
 * delivered first. On failure the stream is reset and the promise rejects with a PeerwayError
 * (`ERR_MULTISTREAM_NA` when every proposal was refused) whose details list the protocols tried.
 *
 * @example
 * ```ts
 * const socket = await dialTcp('127.0.0.1', port);
 * const protocol = await select(socket, ['/noise', '/tls/1.0.0'], { timeout: 5000 });
 * ```
 */
export function select(
  stream: Duplex,
  protocols: string | readonly string[],
  options: SelectOptions = {},
): Promise<string> {
  const list = typeof protocols === 'string' ? [protocols] : protocols;
  if (list.length === 0)
    return Promise.reject(multistreamError(ErrorCodes.INVALID_ARGUMENT, 'no protocols to select'));
  let frames: ProtocolFrames[];
  try {
    frames = list.map(protocolFrames);
  } catch (err) {
    return Promise.reject(toPeerwayError(err, ErrorCodes.INVALID_ARGUMENT));
  }
  return new SelectNegotiation(stream, frames, options.handshake ?? true, options).run();
}

/**
 * Proposes one protocol on a stream whose handshake is done (see {@link handshake}). Resolves with
 * the protocol, or rejects with ERR_MULTISTREAM_NA.
 *
 * @example
 * ```ts
 * await handshake(socket);
 * await trySelect(socket, '/echo/1.0.0');
 * ```
 */
export function trySelect(stream: Duplex, protocol: string, options: NegotiateOptions = {}): Promise<string> {
  return select(stream, [protocol], { ...options, handshake: false });
}

/**
 * Sends the header and waits for the listener's. Only needed before {@link trySelect}, or for
 * a dialer that wants to learn early whether the peer speaks multistream at all.
 *
 * @example
 * ```ts
 * await handshake(socket, { timeout: 5000 });
 * ```
 */
export function handshake(stream: Duplex, options: NegotiateOptions = {}): Promise<void> {
  return new HandshakeNegotiation(stream, options).run();
}
