/**
 * The `ls` reply's list: one message whose body is the inner messages `uvarint(len) proto '\n'`
 * followed by a lone `'\n'` (multiformats/multistream-select README, "ls example in detail").
 * Portable.
 *
 * @module
 */
import { ErrorCodes, type PeerwayError } from '../core/portable.js';
import { concatBytes, fromUtf8, varintSize, writeVarint } from './bytes.js';
import { MAX_LS_PROTOCOLS } from './constants.js';
import { multistreamError } from './errors.js';
import { encodeMessage } from './frames.js';

/**
 * The `ls` reply in the spec format: one message whose body is the inner messages
 * `uvarint(len) proto '\n'` followed by a lone `'\n'`.
 */
export function encodeLsReply(protocols: readonly string[]): Uint8Array {
  const inner = protocols.map((p) => encodeMessage(p));
  inner.push(Uint8Array.of(0x0a));
  const body = concatBytes(inner);
  const n = varintSize(body.length);
  const out = new Uint8Array(n + body.length);
  writeVarint(body.length, out, 0);
  out.set(body, n);
  return out;
}

/**
 * Parses an `ls` reply body (its final newline already removed). Accepts the spec format and,
 * as a fallback, py-libp2p's newline-separated names. Throws ERR_MULTISTREAM_BAD_LS.
 */
export function decodeLsReply(body: Uint8Array): string[] {
  try {
    return decodeSpecList(body);
  } catch (err) {
    if (body[0] === 0x2f) return decodeLineList(body);
    throw err;
  }
}

function decodeSpecList(body: Uint8Array): string[] {
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
    out.push(fromUtf8(text));
    pos = end;
  }
  return out;
}

function decodeLineList(body: Uint8Array): string[] {
  const names = fromUtf8(body).split('\n');
  if (names.length > MAX_LS_PROTOCOLS) throw badLs(`more than ${MAX_LS_PROTOCOLS} protocols`);
  if (names.some((n) => n.length === 0)) throw badLs('empty protocol id');
  return names;
}

function badLs(message: string): PeerwayError {
  return multistreamError(ErrorCodes.MULTISTREAM_BAD_LS, `malformed ls reply: ${message}`);
}
