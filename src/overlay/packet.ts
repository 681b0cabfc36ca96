import { ErrorCodes, PeerwayError } from '../core/index.js';
import { ByteReader, decodeError, encodeError } from './byte-io.js';
import {
  COMMUNITY_ID_LENGTH,
  COMMUNITY_VERSION,
  MSG_ID_OFFSET,
  PREFIX_LEGACY_BYTE,
  PREFIX_LENGTH,
} from './constants.js';
import { publicKeyFromBin, rememberVerifiedKey, type PublicKey } from './keys.js';

/** The 22-byte prefix of a community: `00 02` + community id. */
export function communityPrefix(communityId: Uint8Array): Uint8Array {
  if (communityId.length !== COMMUNITY_ID_LENGTH) throw encodeError('a community id is 20 bytes');
  const prefix = new Uint8Array(PREFIX_LENGTH);
  prefix[0] = PREFIX_LEGACY_BYTE;
  prefix[1] = COMMUNITY_VERSION;
  prefix.set(communityId, 2);
  return prefix;
}

/** A signed packet whose signature checked out. */
export interface OpenedPacket {
  /** The signer. */
  readonly key: PublicKey;
  /** A reader over the body: after the key bin, before the signature. */
  readonly body: ByteReader;
}

/** A signed packet taken apart, its signature not yet checked. */
export interface SplitPacket {
  /** The key the packet names (imported, or from the cache of verified keys). */
  readonly key: PublicKey;
  /** The signature: the packet's last `key.signatureLength` bytes. */
  readonly signature: Uint8Array;
  /** Everything the signature covers: the packet up to the signature. */
  readonly signed: Uint8Array;
  /** Where the body starts in `signed` (after the key bin). */
  readonly bodyStart: number;
}

/**
 * Takes a signed packet apart as py-ipv8's `_verify_signature` does (the key at offset 23, the
 * signature length from the key type) without checking the signature. Throws
 * ERR_OVERLAY_DECODE (truncated) or ERR_OVERLAY_BAD_KEY.
 */
export function splitSigned(data: Uint8Array): SplitPacket {
  const head = new ByteReader(data, MSG_ID_OFFSET + 1);
  const keyLength = head.u16();
  if (keyLength > head.remaining) throw decodeError('truncated key');
  const key = publicKeyFromBin(data.subarray(head.offset, head.offset + keyLength));
  const bodyStart = head.offset + keyLength;
  const signatureStart = data.length - key.signatureLength;
  if (signatureStart < bodyStart) throw decodeError('truncated signature');
  return {
    key,
    signature: data.subarray(signatureStart),
    signed: data.subarray(0, signatureStart),
    bodyStart,
  };
}

/**
 * The body of a packet whose signature has been found valid (here, or on another thread): the
 * key joins the cache of verified keys. Throws ERR_OVERLAY_BAD_SIGNATURE when `valid` is false.
 */
export function acceptSigned(packet: SplitPacket, valid: boolean): OpenedPacket {
  if (!valid) throw new PeerwayError(ErrorCodes.OVERLAY_BAD_SIGNATURE, 'bad signature');
  rememberVerifiedKey(packet.key);
  return { key: packet.key, body: new ByteReader(packet.signed, packet.bodyStart) };
}

/**
 * Checks a signed packet the way py-ipv8's `_verify_signature` does: read the key at offset 23,
 * take the signature length from the key type, verify over everything before it. Throws
 * ERR_OVERLAY_DECODE (truncated), ERR_OVERLAY_BAD_KEY or ERR_OVERLAY_BAD_SIGNATURE.
 */
export function openSigned(data: Uint8Array): OpenedPacket {
  const packet = splitSigned(data);
  return acceptSigned(packet, packet.key.verify(packet.signature, packet.signed));
}

/**
 * A reader over a signed packet's body (after the key bin, up to the end: the signature is not
 * told apart), with nothing verified. Throws ERR_OVERLAY_DECODE.
 */
export function signedBody(data: Uint8Array): ByteReader {
  const head = new ByteReader(data, MSG_ID_OFFSET + 1);
  const keyLength = head.u16();
  if (keyLength > head.remaining) throw decodeError('truncated key');
  return new ByteReader(data, head.offset + keyLength);
}

/** A reader over an unsigned packet's body (after the message id). */
export function openUnsigned(data: Uint8Array): ByteReader {
  if (data.length < MSG_ID_OFFSET + 1) throw decodeError('truncated header');
  return new ByteReader(data, MSG_ID_OFFSET + 1);
}
