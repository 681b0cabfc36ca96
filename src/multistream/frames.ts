/**
 * Encoding of multistream messages and the `ls` list, with ready-made frames for the messages
 * every negotiation sends, so the hot path writes cached buffers instead of encoding.
 *
 * @module
 */
import { ErrorCodes, PeerwayError, encodeVarintInto, varintLength } from '../core/index.js';
import { LS, MAX_LS_PROTOCOLS, MAX_PROTOCOL_LENGTH, NA, PROTOCOL_ID } from './constants.js';
import { multistreamError } from './errors.js';

/** Encodes `text` as one message: `uvarint(len) || utf8(text) || '\n'`. */
export function encodeMessage(text: string | Uint8Array): Buffer {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const len = body.length + 1;
  const n = varintLength(len);
  const out = Buffer.allocUnsafe(n + len);
  encodeVarintInto(len, out, 0);
  out.set(body, n);
  out[n + body.length] = 0x0a;
  return out;
}

/** The header message, `13 '/multistream/1.0.0' 0a`. */
export const HEADER_FRAME = encodeMessage(PROTOCOL_ID);
/** The header text bytes, for comparing received messages. */
export const HEADER_TEXT = Buffer.from(PROTOCOL_ID, 'utf8');
/** The `na` message. */
export const NA_FRAME = encodeMessage(NA);
/** The `na` text bytes. */
export const NA_TEXT = Buffer.from(NA, 'utf8');
/** The `ls` message. */
export const LS_FRAME = encodeMessage(LS);
/** The `ls` text bytes. */
export const LS_TEXT = Buffer.from(LS, 'utf8');

/** A protocol id with the frames a negotiation sends for it. */
export interface ProtocolFrames {
  /** The id as given. */
  readonly protocol: string;
  /** Its UTF-8 bytes. */
  readonly text: Buffer;
  /** Its UTF-8 bytes read as latin1: a string key that matches bytes exactly. */
  readonly key: string;
  /** The proposal or echo message. */
  readonly frame: Buffer;
  /** The header followed by the message, for a coalesced first write. */
  readonly withHeader: Buffer;
}

const cache = new Map<string, ProtocolFrames>();
const CACHE_LIMIT = 1024;

/**
 * The frames for `protocol`, from a bounded cache. Throws ERR_INVALID_ARGUMENT for an id that is
 * empty, holds a newline, or is longer than {@link MAX_PROTOCOL_LENGTH} bytes.
 */
export function protocolFrames(protocol: string): ProtocolFrames {
  const hit = cache.get(protocol);
  if (hit !== undefined) return hit;
  const text = Buffer.from(protocol, 'utf8');
  if (text.length === 0 || text.length > MAX_PROTOCOL_LENGTH || text.includes(0x0a)) {
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      `invalid protocol id (1 to ${MAX_PROTOCOL_LENGTH} bytes, no newline): ${JSON.stringify(protocol.slice(0, 64))}`,
    );
  }
  const frame = encodeMessage(text);
  const frames: ProtocolFrames = {
    protocol,
    text,
    key: text.toString('latin1'),
    frame,
    withHeader: Buffer.concat([HEADER_FRAME, frame]),
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(protocol, frames);
  return frames;
}

/** True when two byte ranges are equal (a JS loop beats a native call for ids this short). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The `ls` reply in the spec format: one message whose body is the inner messages
 * `uvarint(len) proto '\n'` followed by a lone `'\n'`.
 */
export function encodeLsReply(protocols: readonly string[]): Buffer {
  const inner = protocols.map((p) => encodeMessage(p));
  inner.push(Buffer.from([0x0a]));
  const body = Buffer.concat(inner);
  const n = varintLength(body.length);
  const out = Buffer.allocUnsafe(n + body.length);
  encodeVarintInto(body.length, out, 0);
  body.copy(out, n);
  return out;
}

/**
 * Parses an `ls` reply body (its final newline already removed). Accepts the spec format and,
 * as a fallback, py-libp2p's newline-separated names. Throws ERR_MULTISTREAM_BAD_LS.
 */
export function decodeLsReply(body: Buffer): string[] {
  try {
    return decodeSpecList(body);
  } catch (err) {
    if (body[0] === 0x2f) return decodeLineList(body);
    throw err;
  }
}

function decodeSpecList(body: Buffer): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < body.length) {
    let len = 0;
    let scale = 1;
    let i = 0;
    for (; ; i++) {
      const byte = body[pos + i];
      if (byte === undefined || i >= 2) throw badLs('truncated or overlong length prefix');
      len += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 128;
    }
    const start = pos + i + 1;
    const end = start + len;
    if (len < 2 || end > body.length || body[end - 1] !== 0x0a) throw badLs('bad list entry');
    if (out.length >= MAX_LS_PROTOCOLS) throw badLs(`more than ${MAX_LS_PROTOCOLS} protocols`);
    const text = body.subarray(start, end - 1);
    if (text.includes(0x0a)) throw badLs('newline inside a protocol id');
    out.push(text.toString('utf8'));
    pos = end;
  }
  return out;
}

function decodeLineList(body: Buffer): string[] {
  const names = body.toString('utf8').split('\n');
  if (names.length > MAX_LS_PROTOCOLS) throw badLs(`more than ${MAX_LS_PROTOCOLS} protocols`);
  if (names.some((n) => n.length === 0)) throw badLs('empty protocol id');
  return names;
}

function badLs(message: string): PeerwayError {
  return multistreamError(ErrorCodes.MULTISTREAM_BAD_LS, `malformed ls reply: ${message}`);
}
