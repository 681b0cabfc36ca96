import { isIP } from 'node:net';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { ipv4Value } from '../transport/index.js';

/** A UDP socket address. `host` is an IPv4 or IPv6 literal (or, for `address` fields, a DNS name). */
export interface UdpAddress {
  readonly host: string;
  readonly port: number;
}

/** The "unknown" address py-ipv8 sends as `0.0.0.0:0`. */
export const UNKNOWN_ADDRESS: UdpAddress = Object.freeze({ host: '0.0.0.0', port: 0 });

/** A stable map key for an address: `1.2.3.4:5` or `[::1]:5`. */
export function addressKey(address: UdpAddress): string {
  const { host } = address;
  // Only an IPv6 literal contains ':'; skip the (regular expression) check for everything else.
  return host.includes(':') && isIP(host) === 6 ? `[${host}]:${address.port}` : `${host}:${address.port}`;
}

/** True for `0.0.0.0:0` (and the IPv6 `:::0`): "no address". */
export function isUnknownAddress(address: UdpAddress): boolean {
  return address.port === 0 && (address.host === '0.0.0.0' || address.host === '::');
}

/** True for IPv4 addresses (the only kind old-style messages can carry). */
export function isIPv4Address(address: UdpAddress): boolean {
  return ipv4Value(address.host) !== undefined;
}

/** True for IPv4 addresses in 10/8, 172.16/12 or 192.168/16 (py-ipv8's LAN test for WAN estimation). */
export function isPrivateIPv4(host: string): boolean {
  const value = ipv4Value(host);
  if (value === undefined) return false;
  const a = value >>> 24;
  const b = (value >>> 16) & 0xff;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/**
 * Parses `host:port` or `[v6]:port`. Throws ERR_ADDRESS_INVALID on anything else.
 *
 * @example
 * ```ts
 * parseUdpAddress('127.0.0.1:8090'); // { host: '127.0.0.1', port: 8090 }
 * ```
 */
export function parseUdpAddress(text: string): UdpAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new PeerwayError(ErrorCodes.ADDRESS_INVALID, `not a host:port address: ${text}`, {
      details: { text },
    });
  }
  return { host, port };
}
