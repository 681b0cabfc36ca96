/**
 * Entries of a `server.peers.subscribe` reply: `[ip, host, ["v1.4.2", "p10000", "s50002", "t50001"]]`.
 * Element 0 is the address the server connected to (the host itself for onions), element 1 the
 * host name, then tokens in ElectrumX's order: version, pruning (only when pruning), ssl, tcp.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { DEFAULT_PORTS } from './constants.js';
import { isValidHost } from './net-address.js';

/** One parsed entry. */
export interface PeerEntry {
  readonly ip: string;
  readonly host: string;
  readonly version: string | null;
  readonly pruning: number | null;
  readonly sslPort: number | null;
  readonly tcpPort: number | null;
}

/** The tuple sent on the wire. */
export type PeerTuple = [string, string, string[]];

/** Builds the wire tuple; ports are always written out (as ElectrumX does in practice). */
export function formatPeerEntry(entry: PeerEntry): PeerTuple {
  const tokens = [`v${entry.version ?? '0.0'}`];
  if (entry.pruning !== null) tokens.push(`p${entry.pruning}`);
  if (entry.sslPort !== null) tokens.push(`s${entry.sslPort}`);
  if (entry.tcpPort !== null) tokens.push(`t${entry.tcpPort}`);
  return [entry.ip, entry.host, tokens];
}

function bad(message: string): PeerwayError {
  return new PeerwayError(ErrorCodes.DISCOVERY_BAD_PEER, message);
}

function port(rest: string, fallback: number): number {
  if (rest === '') return fallback;
  if (!/^\d{1,5}$/.test(rest)) throw bad(`bad port token "${rest}"`);
  const n = Number(rest);
  if (n < 1 || n > 65535) throw bad(`port ${n} out of range`);
  return n;
}

/**
 * Parses one entry, throwing ERR_DISCOVERY_BAD_PEER when it is not a 3-element list of
 * (string, string, string[]), the host is invalid, or an `s`/`t` token has a bad port: the same
 * entries that make Electrum's `parse_servers` throw. Unknown tokens are ignored.
 */
export function parsePeerEntry(
  value: unknown,
  defaults: { t: number; s: number } = DEFAULT_PORTS,
): PeerEntry {
  if (!Array.isArray(value) || value.length !== 3) throw bad('peer entry is not a 3-element list');
  const [ip, host, tokens] = value as unknown[];
  if (typeof ip !== 'string' || typeof host !== 'string' || !Array.isArray(tokens)) {
    throw bad('peer entry is not (string, string, list)');
  }
  if (!tokens.every((t): t is string => typeof t === 'string')) throw bad('peer tokens must be strings');
  if (!isValidHost(host.toLowerCase())) throw bad(`invalid host "${host.slice(0, 100)}"`);
  let version: string | null = null;
  let pruning: number | null = null;
  let sslPort: number | null = null;
  let tcpPort: number | null = null;
  for (const token of tokens) {
    const letter = token[0];
    const rest = token.slice(1);
    if (letter === 's') sslPort = port(rest, defaults.s);
    else if (letter === 't') tcpPort = port(rest, defaults.t);
    else if (letter === 'v' && rest.length > 0) version = rest;
    else if (letter === 'p' && /^\d*$/.test(rest)) pruning = rest === '' ? 0 : Number(rest);
  }
  return { ip, host: host.toLowerCase(), version, pruning, sslPort, tcpPort };
}

/** Parses a whole reply; any malformed entry makes the whole reply bad (as in ElectrumX). */
export function parsePeersReply(value: unknown, defaults?: { t: number; s: number }): PeerEntry[] {
  if (!Array.isArray(value)) throw bad('peers.subscribe result is not a list');
  return value.map((entry) => parsePeerEntry(entry, defaults));
}
