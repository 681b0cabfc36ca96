/**
 * Host classification for peer records: IP literal or host name, public or not, the anti-sybil
 * bucket (IPv4 /16, IPv6 /56) and v3 onion names. A local stand-in for the transport module's
 * address helpers, which were not merged when this was written.
 *
 * @module
 */
import { isIP } from 'node:net';
import { sha3_256 } from '@noble/hashes/sha3.js';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** True for a v3 onion name (56 base32 characters, valid checksum and version 3) plus `.onion`. */
export function isOnionHost(host: string): boolean {
  return host.toLowerCase().endsWith('.onion');
}

/** Full check of a v3 onion address. */
export function isValidOnion(host: string): boolean {
  const h = host.toLowerCase();
  if (!/^[a-z2-7]{56}\.onion$/.test(h)) return false;
  const bytes = new Uint8Array(35);
  let bits = 0;
  let acc = 0;
  let n = 0;
  for (const ch of h.slice(0, 56)) {
    acc = (acc << 5) | BASE32.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = (acc >> bits) & 0xff;
    }
  }
  const pub = bytes.subarray(0, 32);
  if (bytes[34] !== 3) return false;
  const prefix = new TextEncoder().encode('.onion checksum');
  const digest = sha3_256(new Uint8Array([...prefix, ...pub, 3]));
  return digest[0] === bytes[32] && digest[1] === bytes[33];
}

function ipv4Parts(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Expands an IPv6 literal into 8 numbers (embedded IPv4 tails included). */
export function ipv6Groups(ip: string): number[] {
  let text = ip.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const p = ipv4Parts(v4[1]!);
    text =
      text.slice(0, v4.index) +
      `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const a = head === '' || head === undefined ? [] : head.split(':');
  const b = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : new Array<string>(8 - a.length - b.length).fill('0');
  return [...a, ...fill, ...b].map((g) => parseInt(g, 16));
}

function inV4(p: number[], base: [number, number, number, number], bits: number): boolean {
  const addr = ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
  const net = ((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (addr & mask) === (net & mask);
}

/** Ranges Python's ipaddress calls private, reserved, loopback, link-local, multicast or unspecified. */
const V4_NOT_PUBLIC: Array<[[number, number, number, number], number]> = [
  [[0, 0, 0, 0], 8],
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10],
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16],
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24],
  [[192, 0, 2, 0], 24],
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15],
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4],
  [[240, 0, 0, 0], 4],
];

function isPublicV4(ip: string): boolean {
  const p = ipv4Parts(ip);
  return !V4_NOT_PUBLIC.some(([base, bits]) => inV4(p, base, bits));
}

function isPublicV6(ip: string): boolean {
  const g = ipv6Groups(ip);
  if (g.length !== 8 || g.some((x) => Number.isNaN(x))) return false;
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return isPublicV4(`${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`);
  }
  if (g.slice(0, 7).every((x) => x === 0)) return false; // :: and ::1
  const first = g[0]!;
  if ((first & 0xfe00) === 0xfc00) return false; // unique local fc00::/7
  if ((first & 0xffc0) === 0xfe80) return false; // link local fe80::/10
  if ((first & 0xff00) === 0xff00) return false; // multicast
  if (first === 0x2001 && g[1] === 0x0db8) return false; // documentation
  if (first === 0x0064 && g[1] === 0xff9b) return false; // NAT64
  return true;
}

/** True for a syntactically valid DNS name (not an IP literal). */
export function isValidHostName(host: string): boolean {
  if (host.length === 0 || host.length > 253) return false;
  return host
    .replace(/\.$/, '')
    .split('.')
    .every((label) => /^[a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?$/i.test(label));
}

/** True when `host` is an IP literal or a valid host name (ElectrumX `is_valid`). */
export function isValidHost(host: string): boolean {
  return isIP(host) !== 0 || isValidHostName(host);
}

/** True for an address or name that may be reported to the world (ElectrumX `is_public`). */
export function isPublicHost(host: string): boolean {
  const kind = isIP(host);
  if (kind === 4) return isPublicV4(host);
  if (kind === 6) return isPublicV6(host);
  if (!isValidHostName(host)) return false;
  const h = host.toLowerCase();
  return h !== 'localhost' && !h.endsWith('.localhost') && !h.endsWith('.local');
}

/**
 * The anti-sybil bucket of an address: `a.b.0.0/16` for IPv4, the first 56 bits for IPv6,
 * `onion` for onion hosts, `''` when the address is unknown.
 */
export function bucketOf(host: string, ipAddr: string | null): string {
  if (isOnionHost(host)) return 'onion';
  if (ipAddr === null) return '';
  const kind = isIP(ipAddr);
  if (kind === 4) {
    const p = ipv4Parts(ipAddr);
    return `${p[0]}.${p[1]}.0.0/16`;
  }
  if (kind === 6) {
    const g = ipv6Groups(ipAddr);
    const h = (n: number): string => n.toString(16).padStart(4, '0');
    return `${h(g[0]!)}:${h(g[1]!)}:${h(g[2]!)}:${h(g[3]! & 0xff00)}::/56`;
  }
  return '';
}
