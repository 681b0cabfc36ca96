/**
 * The few ASN.1 DER encoders (ITU-T X.690) an X.509 certificate needs: each returns the complete
 * tag-length-value bytes of one element.
 *
 * @module
 */

/** Tag numbers of the universal types we write (X.680 section 8.4). */
const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  utcTime: 0x17,
  generalizedTime: 0x18,
} as const;

/** UTCTime covers 1950..2049; later dates must be GeneralizedTime (RFC 5280 section 4.1.2.5). */
const UTC_TIME_LAST_YEAR = 2049;

/** One element: `tag`, its length in DER's definite form, then `content`. */
export function derElement(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else if (n < 0x100) length = [0x81, n];
  else if (n < 0x10000) length = [0x82, n >> 8, n & 0xff];
  else length = [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), content]);
}

/** SEQUENCE of already-encoded elements. */
export function derSequence(...items: Uint8Array[]): Buffer {
  return derElement(TAG.sequence, Buffer.concat(items));
}

/** SET of already-encoded elements (callers pass one element or elements already in DER order). */
export function derSet(...items: Uint8Array[]): Buffer {
  return derElement(TAG.set, Buffer.concat(items));
}

/** A context-specific constructed tag `[n]` (EXPLICIT tagging) around encoded elements. */
export function derExplicit(n: number, ...items: Uint8Array[]): Buffer {
  return derElement(0xa0 | n, Buffer.concat(items));
}

/** A context-specific primitive tag `[n]` (IMPLICIT tagging of a primitive type) over raw content. */
export function derImplicit(n: number, content: Uint8Array): Buffer {
  return derElement(0x80 | n, content);
}

/** A non-negative INTEGER from big-endian magnitude bytes: minimal, with a 0 byte if the top bit is set. */
export function derUnsigned(magnitude: Uint8Array): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = magnitude.subarray(start);
  const pad = bytes.length === 0 || (bytes[0]! & 0x80) !== 0;
  return derElement(TAG.integer, pad ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** A small non-negative INTEGER. */
export function derSmallInt(value: number): Buffer {
  return derUnsigned(Buffer.from([value]));
}

/** BOOLEAN (DER: TRUE is 0xff). */
export function derBoolean(value: boolean): Buffer {
  return derElement(TAG.boolean, Buffer.from([value ? 0xff : 0x00]));
}

/** OBJECT IDENTIFIER from dotted text, for example `'2.5.4.3'`. */
export function derOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128 = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) {
      base128.unshift((rest & 0x7f) | 0x80);
    }
    out.push(...base128);
  }
  return derElement(TAG.oid, Buffer.from(out));
}

/** BIT STRING of whole bytes, or with `unusedBits` trailing bits of the last byte unused. */
export function derBitString(bytes: Uint8Array, unusedBits = 0): Buffer {
  return derElement(TAG.bitString, Buffer.concat([Buffer.from([unusedBits]), bytes]));
}

/** OCTET STRING. */
export function derOctetString(bytes: Uint8Array): Buffer {
  return derElement(TAG.octetString, bytes);
}

/** UTF8String. */
export function derUtf8(text: string): Buffer {
  return derElement(TAG.utf8String, Buffer.from(text, 'utf8'));
}

/** A certificate time: UTCTime through 2049, GeneralizedTime after (seconds, `Z`). */
export function derTime(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  return date.getUTCFullYear() <= UTC_TIME_LAST_YEAR
    ? derElement(TAG.utcTime, Buffer.from(digits.slice(2), 'ascii'))
    : derElement(TAG.generalizedTime, Buffer.from(digits, 'ascii'));
}

/** PEM armour of DER bytes (RFC 7468): base64 in 64-character lines. */
export function toPem(label: string, der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
