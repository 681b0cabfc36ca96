/**
 * Encoding of one multistream message, and ready-made frames for the messages every negotiation
 * sends, so the hot path writes cached bytes instead of encoding. Portable: byte arrays only.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../core/portable.js';
import { concatBytes, utf8, varintSize, writeVarint } from './bytes.js';
import { LS, MAX_PROTOCOL_LENGTH, NA, PROTOCOL_ID } from './constants.js';

export { sameBytes } from './bytes.js';

/** Encodes `text` as one message: `uvarint(len) || utf8(text) || '\n'`. */
export function encodeMessage(text: string | Uint8Array): Uint8Array {
  const body = typeof text === 'string' ? utf8(text) : text;
  const len = body.length + 1;
  const n = varintSize(len);
  const out = new Uint8Array(n + len);
  writeVarint(len, out, 0);
  out.set(body, n);
  out[n + body.length] = 0x0a;
  return out;
}

/** The header message, `13 '/multistream/1.0.0' 0a`. */
export const HEADER_FRAME = encodeMessage(PROTOCOL_ID);
/** The header's text and newline, as {@link MessageReader} returns it, for comparing. */
export const HEADER_LINE = utf8(`${PROTOCOL_ID}\n`);
/** The `na` message. */
export const NA_FRAME = encodeMessage(NA);
/** The `na` text and newline. */
export const NA_LINE = utf8(`${NA}\n`);
/** The `ls` message. */
export const LS_FRAME = encodeMessage(LS);
/** The `ls` text and newline. */
export const LS_LINE = utf8(`${LS}\n`);
/** Header and `ls` in one write. */
export const HEADER_LS_FRAME = concatBytes([HEADER_FRAME, LS_FRAME]);

/** A protocol id with the frames a negotiation sends for it. */
export interface ProtocolFrames {
  /** The id as given. */
  readonly protocol: string;
  /** Its UTF-8 bytes and the newline: the message body as received. */
  readonly line: Uint8Array;
  /** {@link ProtocolFrames.line} read as latin1: a string key that matches bytes exactly. */
  readonly key: string;
  /** The proposal or echo message. */
  readonly frame: Uint8Array;
  /** The header followed by the message, for a coalesced first write. */
  readonly withHeader: Uint8Array;
}

const cache = new Map<string, ProtocolFrames>();
/**
 * Most ids whose frames are cached: 1024, far more than a process offers or dials (rust-libp2p
 * caps a whole `ls` list at 1000); past it the cache starts over, so ids taken from the network
 * cannot grow it.
 */
const CACHE_LIMIT = 1024;

/**
 * The frames for `protocol`, from a bounded cache. Throws ERR_INVALID_ARGUMENT for an id that is
 * empty, holds a newline, or is longer than {@link MAX_PROTOCOL_LENGTH} bytes.
 */
export function protocolFrames(protocol: string): ProtocolFrames {
  const hit = cache.get(protocol);
  if (hit !== undefined) return hit;
  const text = utf8(protocol);
  if (text.length === 0 || text.length > MAX_PROTOCOL_LENGTH || text.includes(0x0a)) {
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      `invalid protocol id (1 to ${MAX_PROTOCOL_LENGTH} bytes, no newline): ${JSON.stringify(protocol.slice(0, 64))}`,
    );
  }
  const frame = encodeMessage(text);
  // The frame minus its length prefix: the id and its newline.
  const line = frame.subarray(frame.length - text.length - 1);
  let key = '';
  for (const b of line) key += String.fromCharCode(b);
  const frames: ProtocolFrames = {
    protocol,
    line,
    key,
    frame,
    withHeader: concatBytes([HEADER_FRAME, frame]),
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(protocol, frames);
  return frames;
}
