/**
 * Host classification for peer records, on top of transport's address helpers: host-name
 * validity, "may be reported to the world" (ElectrumX `is_valid` / `is_public`), and the
 * anti-sybil bucket of the address a peer was reached at.
 *
 * @module
 */
import { isIP } from 'node:net';
import { addressBucket, isOnion, isPublicAddress } from '../transport/index.js';

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
  if (isIP(host) !== 0) return isPublicAddress(host);
  if (!isValidHostName(host)) return false;
  const h = host.toLowerCase();
  return h !== 'localhost' && !h.endsWith('.localhost') && !h.endsWith('.local');
}

/**
 * The anti-sybil bucket of a peer: its address's IPv4 /16 or IPv6 /56, `onion` for onion hosts,
 * `''` when the address is unknown.
 */
export function bucketOf(host: string, ipAddr: string | null): string {
  if (isOnion(host)) return 'onion';
  if (ipAddr === null || isIP(ipAddr) === 0) return '';
  return addressBucket(ipAddr);
}

/** `address` without an IPv4-mapped IPv6 prefix (`::ffff:127.0.0.1` → `127.0.0.1`), lower-cased. */
export function unmapAddress(address: string): string {
  const a = address.toLowerCase();
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(a);
  return m === null ? a : m[1]!;
}

/** True when two addresses name the same host, reading IPv4-mapped IPv6 as the IPv4 address. */
export function sameAddress(a: string, b: string): boolean {
  return unmapAddress(a) === unmapAddress(b);
}
