/**
 * Seed and default-peer strings: `host:port` (TCP), `[v6]:port`, or ElectrumX's real-name form
 * `host s50002 t50001` (bare `s`/`t` mean the default ports).
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { DEFAULT_PORTS } from './constants.js';
import { toPort } from './features.js';
import { isValidHost } from './net-address.js';
import { parsePeerEntry } from './peer-entry.js';

/** A parsed seed. */
export interface SeedSpec {
  host: string;
  tcpPort: number | null;
  sslPort: number | null;
}

function invalid(text: string): PeerwayError {
  return new PeerwayError(ErrorCodes.ADDRESS_INVALID, `bad seed "${text.slice(0, 200)}"`);
}

/** Parses one seed string; throws ERR_ADDRESS_INVALID. */
export function parseSeed(text: string, defaults: { t: number; s: number } = DEFAULT_PORTS): SeedSpec {
  const trimmed = text.trim();
  const parts = trimmed.split(/\s+/);
  if (parts.length > 1) {
    try {
      const entry = parsePeerEntry([parts[0], parts[0], parts.slice(1)], defaults);
      if (entry.tcpPort === null && entry.sslPort === null) throw invalid(text);
      return { host: entry.host, tcpPort: entry.tcpPort, sslPort: entry.sslPort };
    } catch {
      throw invalid(text);
    }
  }
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(trimmed) ?? /^([^:\s]+):(\d+)$/.exec(trimmed);
  const port = m === null ? null : toPort(m[2]);
  if (m === null || port === null || !isValidHost(m[1]!.toLowerCase())) throw invalid(text);
  return { host: m[1]!.toLowerCase(), tcpPort: port, sslPort: null };
}
