/**
 * Peer addresses as text: `host:port`, `[v6]:port`, bare IPv4/IPv6 literals, DNS names and v3
 * `.onion` names. Parsing is strict and canonicalising (lowercase names, RFC 5952 IPv6), so the
 * printed form doubles as a node id.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { MAX_DNS_LABEL_LENGTH, MAX_DNS_NAME_LENGTH } from './constants.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './ip.js';
import { onionPublicKey } from './onion.js';

/** What kind of host an address names. */
export type AddressKind = 'ipv4' | 'ipv6' | 'dns' | 'onion';

/** A parsed peer address. `host` is canonical: lowercase, IPv6 compressed and without brackets. */
export interface PeerAddress {
  readonly host: string;
  readonly port: number;
  readonly kind: AddressKind;
}

/** Options for {@link parseAddress}. */
export interface ParseAddressOptions {
  /** Port used when the text has none. @default none: a missing port is an error */
  defaultPort?: number | undefined;
}

/** Longest address text we look at; longer input is rejected before any other work. */
const MAX_ADDRESS_TEXT = MAX_DNS_NAME_LENGTH + 7;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const DIGITS = /^\d{1,5}$/;

function invalid(text: string, reason: string): PeerwayError {
  const shown = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return new PeerwayError(ErrorCodes.ADDRESS_INVALID, `invalid address ${JSON.stringify(shown)}: ${reason}`, {
    details: { reason },
  });
}

function parsePort(text: string, port: string): number {
  if (!DIGITS.test(port)) throw invalid(text, 'port is not a number');
  const value = Number(port);
  if (value < 1 || value > 65535) throw invalid(text, 'port out of range');
  return value;
}

/**
 * Classifies and canonicalises a host without port: an IPv4 or IPv6 literal (no brackets), a v3
 * onion name or a DNS name. Throws ERR_ADDRESS_INVALID, or ERR_ONION_INVALID for a bad `.onion`.
 */
export function parseHost(host: string): { host: string; kind: AddressKind } {
  if (host.length === 0) throw invalid(host, 'empty host');
  if (host.length > MAX_DNS_NAME_LENGTH + 2) throw invalid(host, 'host too long');
  const v4 = parseIpv4(host);
  if (v4 !== undefined) return { host: formatIpv4(v4), kind: 'ipv4' };
  if (host.includes(':')) {
    const v6 = parseIpv6(host);
    if (v6 === undefined) throw invalid(host, 'not an IPv6 address');
    return { host: formatIpv6(v6), kind: 'ipv6' };
  }
  const name = host.toLowerCase();
  if (name.endsWith('.onion')) {
    onionPublicKey(name);
    return { host: name, kind: 'onion' };
  }
  if (name.length > MAX_DNS_NAME_LENGTH) throw invalid(host, 'name too long');
  const labels = name.split('.');
  for (const label of labels) {
    if (label.length > MAX_DNS_LABEL_LENGTH || !LABEL.test(label)) throw invalid(host, 'not a host name');
  }
  // A name whose last label is numeric would be read as an IP address by many resolvers.
  if (/^\d+$/.test(labels[labels.length - 1]!)) throw invalid(host, 'not a valid IPv4 address');
  return { host: name, kind: 'dns' };
}

/**
 * Parses `host:port`, `[v6]:port`, `[v6]`, a bare IPv6 literal, or a host alone (with
 * `defaultPort`). Throws ERR_ADDRESS_INVALID (or ERR_ONION_INVALID) with the reason in
 * `details.reason`; never any other error.
 *
 * @example
 * ```ts
 * parseAddress('[2001:DB8::1]:50002');           // { host: '2001:db8::1', port: 50002, kind: 'ipv6' }
 * parseAddress('Example.ORG', { defaultPort: 50001 }); // { host: 'example.org', port: 50001, kind: 'dns' }
 * ```
 */
export function parseAddress(text: string, options: ParseAddressOptions = {}): PeerAddress {
  if (typeof text !== 'string') throw invalid(String(text), 'not a string');
  if (text.length > MAX_ADDRESS_TEXT) throw invalid(text, 'too long');
  let hostText: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) throw invalid(text, 'missing ]');
    hostText = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw invalid(text, 'junk after ]');
      portText = rest.slice(1);
    }
    if (parseIpv6(hostText) === undefined) throw invalid(text, 'brackets need an IPv6 address');
  } else {
    const first = text.indexOf(':');
    if (first !== -1 && first === text.lastIndexOf(':')) {
      hostText = text.slice(0, first);
      portText = text.slice(first + 1);
    } else {
      // No colon, or several: a bare IPv6 literal.
      hostText = text;
    }
  }
  const host = parseHost(hostText);
  let port: number;
  if (portText !== undefined) port = parsePort(text, portText);
  else if (options.defaultPort !== undefined) port = parsePort(text, String(options.defaultPort));
  else throw invalid(text, 'missing port');
  return { host: host.host, port, kind: host.kind };
}

/** Prints an address as `host:port`, or `[v6]:port` for IPv6. */
export function formatAddress(address: { host: string; port: number }): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * The canonical `host:port` id of a node: lowercase host, RFC 5952 IPv6 in brackets. Two spellings
 * of the same address give the same id.
 *
 * @example
 * ```ts
 * nodeId('[2001:DB8:0::1]:50002') === nodeId('[2001:db8::1]:50002'); // true
 * ```
 */
export function nodeId(address: string | PeerAddress, options: ParseAddressOptions = {}): string {
  const parsed =
    typeof address === 'string' ? parseAddress(address, options) : parseAddress(formatAddress(address));
  return formatAddress(parsed);
}

/**
 * True when `host` (a host name, or `host:port`) is under `.onion`, so it must be dialled through
 * Tor. A cheap routing check: validity is {@link parseAddress}'s job.
 */
export function isOnion(host: string): boolean {
  const colon = host.lastIndexOf(':');
  const name = colon === -1 ? host : host.slice(0, colon);
  return name.toLowerCase().endsWith('.onion');
}
