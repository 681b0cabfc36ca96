/**
 * The dialer over a Node Duplex: select, trySelect and the bare handshake (the state machines are
 * in dialer-exchange.ts).
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { ErrorCodes, toPeerwayError } from '../core/index.js';
import { HandshakeExchange, SelectExchange } from './dialer-exchange.js';
import { multistreamError } from './errors.js';
import { protocolFrames, type ProtocolFrames } from './frames.js';
import { negotiate, type NegotiateOptions } from './negotiation.js';

/** Options for {@link select}. */
export interface SelectOptions extends NegotiateOptions {
  /**
   * Send and expect the `/multistream/1.0.0` header. Turn off to propose on a stream whose
   * handshake was already done (what {@link trySelect} does). @default true
   */
  handshake?: boolean;
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
  return negotiate(new SelectExchange(frames, options.handshake ?? true), stream, options);
}

/**
 * Proposes one protocol on a stream whose handshake is done (see {@link handshake}). Resolves with
 * the protocol, or rejects with ERR_MULTISTREAM_NA and leaves the stream open and unread beyond
 * the `na`, so the caller may propose another protocol on it: py-libp2p's loop of `try_select`
 * calls. Any other failure resets the stream.
 *
 * @example
 * ```ts
 * await handshake(socket);
 * await trySelect(socket, '/echo/1.0.0');
 * ```
 */
export function trySelect(stream: Duplex, protocol: string, options: NegotiateOptions = {}): Promise<string> {
  let frames: ProtocolFrames;
  try {
    frames = protocolFrames(protocol);
  } catch (err) {
    return Promise.reject(toPeerwayError(err, ErrorCodes.INVALID_ARGUMENT));
  }
  return negotiate(new SelectExchange([frames], false, true), stream, options);
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
  return negotiate(new HandshakeExchange(), stream, options);
}
