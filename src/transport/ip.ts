/**
 * IP literals as bytes: strict parsing of dotted-quad IPv4 and RFC 4291 IPv6 text, and the
 * RFC 5952 canonical IPv6 form. Used by the address parser, the SOCKS5 client (ATYP 1 and 4) and
 * the address classification in `ip-ranges.ts`.
 *
 * @module
 */

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * The 32-bit big-endian value of a dotted-quad IPv4 literal (no leading zeros, each part 0-255),
 * or undefined. Accepts exactly what `net.isIP(text) === 4` accepts, without a regular expression
 * or an allocation: the overlay calls it several times per datagram.
 */
export function ipv4Value(text: string): number | undefined {
  const length = text.length;
  if (length < 7 || length > 15) return undefined;
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= length; i++) {
    const c = i < length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 255 || ++parts > 4) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      // A leading zero is only allowed as the whole part ("0", never "01").
      if (digits === 1 && part === 0) return undefined;
      part = part * 10 + (c - 0x30);
      if (++digits > 3) return undefined;
    } else return undefined;
  }
  return parts === 4 ? value : undefined;
}

/** The 4 bytes of a dotted-quad IPv4 literal (no leading zeros), or undefined. */
export function parseIpv4(text: string): Uint8Array | undefined {
  const value = ipv4Value(text);
  if (value === undefined) return undefined;
  return Uint8Array.of(value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

/** The 16 bytes of an IPv6 literal (with `::` and an optional trailing dotted quad), or undefined. */
export function parseIpv6(text: string): Uint8Array | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  const groups: number[] = [];
  const all = [...head, ...tail];
  let v4: Uint8Array | undefined;
  // A dotted quad may only be the very last piece.
  const last = all[all.length - 1];
  if (last?.includes('.') === true) {
    v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    if (tail.length > 0) tail.pop();
    else head.pop();
  }
  for (const group of [...head, ...tail]) {
    if (!HEX_GROUP.test(group)) return undefined;
    groups.push(parseInt(group, 16));
  }
  const slots = 8 - (v4 === undefined ? 0 : 2);
  const given = head.length + tail.length;
  if (halves.length === 1 ? given !== slots : given >= slots) return undefined;
  const headGroups = groups.slice(0, head.length);
  const tailGroups = groups.slice(head.length);
  const words = new Array<number>(slots).fill(0);
  headGroups.forEach((g, i) => (words[i] = g));
  tailGroups.forEach((g, i) => (words[slots - tailGroups.length + i] = g));
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  if (v4 !== undefined) out.set(v4, 12);
  return out;
}

/** Dotted-quad text of 4 bytes. */
export function formatIpv4(bytes: Uint8Array): string {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/** True for an IPv4-mapped IPv6 address (`::ffff:0:0/96`). */
export function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * RFC 5952 text of 16 bytes: lowercase, no leading zeros, the longest run of 2+ zero groups as
 * `::`, and an IPv4-mapped address as `::ffff:a.b.c.d`.
 */
export function formatIpv6(bytes: Uint8Array): string {
  if (isIpv4Mapped(bytes)) return `::ffff:${formatIpv4(bytes.subarray(12))}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  if (bestStart === -1) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}
