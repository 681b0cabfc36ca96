import { ByteWriter, encodeError } from './byte-io.js';
import type { PrivateKey, PublicKey } from './keys.js';
import { openSigned, openUnsigned, signedBody, type OpenedPacket } from './packet.js';
import type { PayloadClass } from './payload.js';

/** How to encode a community message. */
export interface EncodeMessageOptions {
  /** Sign with this key (signed messages); omit for unsigned ones. */
  key?: PrivateKey | undefined;
  /** The GlobalTime distribution field; omit for messages that carry none (custom EZPack ones). */
  globalTime?: bigint | undefined;
}

/** Ed25519 signatures, the only kind our own {@link PrivateKey} makes. */
const SIGNATURE_LENGTH = 64;
/**
 * One writer reused by every message this thread encodes, so a message is written once and copied
 * once (with room for its signature). It grows to the largest message sent and stays that size,
 * at most the datagram limit.
 */
const scratch = new ByteWriter(1024);
let scratchInUse = false;

/**
 * Encodes `prefix + msgId + [auth] + [GlobalTime] + payload + [signature]`, as py-ipv8's
 * `_ez_pack` does.
 * The payload class must declare a message id.
 */
export function encodeMessage<V extends object>(
  prefix: Uint8Array,
  payload: PayloadClass<V>,
  value: V,
  options: EncodeMessageOptions = {},
): Uint8Array {
  if (payload.msgId === undefined) throw encodeError(`${payload.name} has no message id`);
  // Encoding is synchronous, but a payload writer could still encode another message inside.
  const w = scratchInUse ? new ByteWriter() : scratch;
  if (w === scratch) scratchInUse = true;
  try {
    w.reset();
    w.bytes(prefix);
    w.u8(payload.msgId);
    const key = options.key;
    if (key !== undefined) {
      const bin = key.publicKey.bin;
      w.u16(bin.length);
      w.bytes(bin);
    }
    if (options.globalTime !== undefined) w.u64(options.globalTime);
    payload.write(w, value);
    if (key === undefined) return w.finish();
    const length = w.length;
    const out = new Uint8Array(length + SIGNATURE_LENGTH);
    out.set(w.written());
    out.set(key.sign(out.subarray(0, length)), length);
    return out;
  } finally {
    if (w === scratch) scratchInUse = false;
  }
}

/**
 * Reads a signed message's payload WITHOUT checking its signature or importing its key: only for
 * cheap checks (is this the answer we wait for?) before paying for verification. Never trust what
 * it returns beyond that. Throws ERR_OVERLAY_DECODE.
 */
export function peekSignedPayload<V extends object>(data: Uint8Array, payload: PayloadClass<V>): V {
  const reader = signedBody(data);
  reader.u64();
  return payload.read(reader);
}

/** A decoded community message. */
export interface DecodedMessage<V> {
  /** The signer, for signed messages. */
  readonly key: PublicKey | undefined;
  /** The GlobalTime field, when the message carries one. */
  readonly globalTime: bigint | undefined;
  /** The payload. */
  readonly payload: V;
}

/** How to decode a community message. */
export interface DecodeMessageOptions {
  /** Verify and strip an auth header and signature. @default true */
  signed?: boolean | undefined;
  /** Read a GlobalTime field before the payload. @default true */
  globalTime?: boolean | undefined;
}

/**
 * Decodes a packet the way py-ipv8's `lazy_wrapper` does: verify (signed), then parse every
 * payload with `consume_all` (trailing bytes are an error unless the last field is `raw`).
 * Throws ERR_OVERLAY_DECODE, ERR_OVERLAY_BAD_KEY or ERR_OVERLAY_BAD_SIGNATURE. The prefix and
 * message id are the caller's to check.
 */
export function decodeMessage<V extends object>(
  data: Uint8Array,
  payload: PayloadClass<V>,
  options: DecodeMessageOptions = {},
): DecodedMessage<V> {
  const signed = options.signed ?? true;
  if (signed) return decodeOpened(openSigned(data), payload, options.globalTime ?? true);
  const reader = openUnsigned(data);
  const globalTime = (options.globalTime ?? true) ? reader.u64() : undefined;
  const value = payload.read(reader);
  reader.end();
  return { key: undefined, globalTime, payload: value };
}

/**
 * Decodes the body of a signed packet already opened (its signature checked), as
 * {@link decodeMessage} does. Throws ERR_OVERLAY_DECODE.
 */
export function decodeOpened<V extends object>(
  opened: OpenedPacket,
  payload: PayloadClass<V>,
  globalTime: boolean,
): DecodedMessage<V> {
  const reader = opened.body;
  const time = globalTime ? reader.u64() : undefined;
  const value = payload.read(reader);
  reader.end();
  return { key: opened.key, globalTime: time, payload: value };
}
