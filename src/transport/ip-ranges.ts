/**
 * Which IP addresses are reachable on the public internet, and the network buckets peer discovery
 * groups addresses by (one bucket per IPv4 /16 or IPv6 /56, as ElectrumX does, to resist one
 * operator filling a peer table from one network).
 *
 * Why ours and not `net.BlockList` or `ipaddr.js`: `net.BlockList` could answer the public test
 * (with a second list for the 2000::/3 allow-range), but it cannot mask an address to its /16 or
 * /56 bucket, so the byte parsing here would stay anyway; one table of prefixes serves both.
 * `ipaddr.js` is not a dependency, and its range names do not match the IANA registry rows below.
 *
 * @module
 */
import { formatIpv4, formatIpv6, isIpv4Mapped, parseIpv4, parseIpv6 } from './ip.js';

/** [prefix bytes, prefix length in bits] pairs. */
type Range = readonly [readonly number[], number];

// IANA special-purpose IPv4 registry (RFC 6890 and successors): everything not globally reachable.
const IPV4_NOT_PUBLIC: readonly Range[] = [
  [[0], 8], // "this network"
  [[10], 8], // private (RFC 1918)
  [[100, 64], 10], // carrier-grade NAT (RFC 6598)
  [[127], 8], // loopback
  [[169, 254], 16], // link-local
  [[172, 16], 12], // private
  [[192, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2], 24], // documentation (TEST-NET-1)
  [[192, 88, 99], 24], // deprecated 6to4 relay anycast
  [[192, 168], 16], // private
  [[198, 18], 15], // benchmarking
  [[198, 51, 100], 24], // documentation (TEST-NET-2)
  [[203, 0, 113], 24], // documentation (TEST-NET-3)
  [[224], 4], // multicast
  [[240], 4], // reserved, and 255.255.255.255
];

// Inside 2000::/3 (the only global unicast space allocated), the parts that are not public.
const IPV6_NOT_PUBLIC: readonly Range[] = [
  [[0x20, 0x01, 0x00, 0x00], 32], // Teredo: a tunnel, not a host's own address
  [[0x20, 0x01, 0x00, 0x02, 0x00, 0x00], 48], // benchmarking
  [[0x20, 0x01, 0x00, 0x10], 28], // ORCHID
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0x3f, 0xff], 20], // documentation (RFC 9637)
];

function inRange(bytes: Uint8Array, [prefix, bits]: Range): boolean {
  for (let bit = 0; bit < bits; bit += 8) {
    const take = Math.min(8, bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if (((bytes[bit / 8] ?? 0) & mask) !== ((prefix[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

function ipv4Public(bytes: Uint8Array): boolean {
  return !IPV4_NOT_PUBLIC.some((range) => inRange(bytes, range));
}

function ipv6Public(bytes: Uint8Array): boolean {
  if (isIpv4Mapped(bytes)) return ipv4Public(bytes.subarray(12));
  // 6to4 (2002::/16) carries an IPv4 address in bytes 2..5: public only if that one is.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return ipv4Public(bytes.subarray(2, 6));
  if ((bytes[0]! & 0xe0) !== 0x20) return false;
  return !IPV6_NOT_PUBLIC.some((range) => inRange(bytes, range));
}

function strip(ip: string): string {
  return ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
}

/**
 * True when `ip` is an IPv4 or IPv6 literal reachable on the public internet: not private,
 * loopback, link-local, CGNAT, unique-local, multicast, documentation, benchmarking or reserved.
 * IPv4-mapped and 6to4 addresses are judged by their IPv4 address. Anything that is not an IP
 * literal (a name, garbage) gives false.
 *
 * @example
 * ```ts
 * isPublicAddress('8.8.8.8');      // true
 * isPublicAddress('192.168.1.10'); // false
 * isPublicAddress('fd00::1');      // false
 * ```
 */
export function isPublicAddress(ip: string): boolean {
  const bare = strip(ip);
  const v4 = parseIpv4(bare);
  if (v4 !== undefined) return ipv4Public(v4);
  const v6 = parseIpv6(bare);
  return v6 !== undefined && ipv6Public(v6);
}

/** Options for {@link addressBucket}. */
export interface AddressBucketOptions {
  /** IPv4 prefix length of a bucket. @default 16 */
  ipv4Prefix?: number | undefined;
  /** IPv6 prefix length of a bucket (Electrum clients use 48). @default 56 */
  ipv6Prefix?: number | undefined;
}

function maskedPrefix(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/**
 * The network bucket of a host: `a.b.0.0/16` for IPv4, `xxxx:xxxx:xxxx:xx00::/56` for IPv6
 * (IPv4-mapped ones bucket as IPv4), `onion` for every `.onion` name, and the lowercase name
 * itself for any other host name (a name cannot be grouped until it is resolved).
 *
 * @example
 * ```ts
 * addressBucket('203.0.113.7');          // '203.0.0.0/16'
 * addressBucket('2001:db8:1234:5678::1'); // '2001:db8:1234:5600::/56'
 * ```
 */
export function addressBucket(host: string, options: AddressBucketOptions = {}): string {
  const bare = strip(host);
  const v4Bits = options.ipv4Prefix ?? 16;
  const v6Bits = options.ipv6Prefix ?? 56;
  let v4 = parseIpv4(bare);
  const v6 = v4 === undefined ? parseIpv6(bare) : undefined;
  if (v6 !== undefined && isIpv4Mapped(v6)) v4 = v6.subarray(12);
  if (v4 !== undefined) return `${formatIpv4(maskedPrefix(v4, v4Bits))}/${v4Bits}`;
  if (v6 !== undefined) return `${formatIpv6(maskedPrefix(v6, v6Bits))}/${v6Bits}`;
  const name = bare.toLowerCase();
  return name.endsWith('.onion') ? 'onion' : name;
}
