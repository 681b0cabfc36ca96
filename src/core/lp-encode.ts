import { encodeVarintInto, varintLength } from './varint.js';

/** Encodes one frame, `uvarint(body.length) || body`, into a single new buffer. */
export function encodeFrame(body: Uint8Array): Buffer {
  const n = varintLength(body.length);
  const out = Buffer.allocUnsafe(n + body.length);
  encodeVarintInto(body.length, out, 0);
  out.set(body, n);
  return out;
}
