/**
 * Location strings (`host:port`, or `NOT-SERVING-ONION`) and configured directory addresses
 * (`host[:port]`, port defaulting to 5222, IPv6 in brackets).
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { formatAddress, parseHost } from '../../transport/index.js';
import { DEFAULT_DIRECTORY_PORT, NOT_SERVING_ONION } from './constants.js';

/** A host and port. */
export interface HostPort {
  host: string;
  port: number;
}

const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.\-_]+)$/;

function parsePort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port > 0 && port <= 65_535 ? port : undefined;
}

/**
 * Parses a handshake location string. Returns `NOT-SERVING-ONION`, a host and port, or undefined
 * when it is neither (the reference rejects such handshakes).
 */
export function parseLocation(location: string): HostPort | typeof NOT_SERVING_ONION | undefined {
  if (location === NOT_SERVING_ONION) return NOT_SERVING_ONION;
  const colon = location.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const host = location.slice(0, colon);
  const port = parsePort(location.slice(colon + 1));
  if (port === undefined || !HOST.test(host)) return undefined;
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port };
}

/** A configured directory: where to dial and the canonical `host:port` key. */
export interface DirectoryAddress extends HostPort {
  /** Canonical `host:port` (IPv6 in brackets, host lowercased), used as the pool's key. */
  nodeId: string;
}

/**
 * Parses `host` or `host:port` (IPv6 as `[addr]:port`), defaulting the port to 5222. Throws
 * ERR_DIRECTORY_BAD_ADDRESS.
 */
export function parseDirectoryAddress(
  text: string,
  defaultPort: number = DEFAULT_DIRECTORY_PORT,
): DirectoryAddress {
  const s = text.trim();
  let host: string;
  let portText: string | undefined;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end === -1) throw bad(text);
    host = s.slice(1, end);
    const rest = s.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) throw bad(text);
    portText = rest === '' ? undefined : rest.slice(1);
    if (!/^[0-9a-fA-F:.]+$/.test(host)) throw bad(text);
  } else {
    const parts = s.split(':');
    if (parts.length > 2) throw bad(text);
    host = parts[0]!;
    portText = parts[1];
    if (!/^[A-Za-z0-9.\-_]+$/.test(host)) throw bad(text);
  }
  const port = portText === undefined ? defaultPort : parsePort(portText);
  if (port === undefined || host === '') throw bad(text);
  host = host.toLowerCase();
  if (host.endsWith('.onion')) checkOnion(text, host);
  return { host, port, nodeId: formatAddress({ host, port }) };
}

/** Formats a host and port as a location string (`[v6]:port` for IPv6). */
export const formatLocation: (hostPort: HostPort) => string = formatAddress;

/**
 * A `.onion` host must be a v3 name whose checksum and version hold: a typo is an error that names
 * the address, not a Tor timeout later. Throws ERR_DIRECTORY_BAD_ADDRESS (cause: the onion error).
 */
export function checkOnion(text: string, host: string): void {
  try {
    parseHost(host);
  } catch (err) {
    throw new PeerwayError(
      ErrorCodes.DIRECTORY_BAD_ADDRESS,
      `not a valid v3 onion address: ${JSON.stringify(text)} (${err instanceof Error ? err.message : String(err)})`,
      { cause: err, details: { address: text } },
    );
  }
}

function bad(text: string): PeerwayError {
  return new PeerwayError(
    ErrorCodes.DIRECTORY_BAD_ADDRESS,
    `not a directory address: ${JSON.stringify(text)}`,
    {
      details: { address: text },
    },
  );
}
