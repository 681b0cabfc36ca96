/**
 * Peerlist lines (type 789): entries joined by `,`, each `nick;location`, `nick;location;D` for a
 * peer that left, and ng's optional `;F:feat1+feat2` feature suffix. The directory's own entry is
 * an ordinary entry; an empty line is an empty list.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';

/** One peerlist entry. */
export interface PeerlistEntry {
  /** The peer's nick. */
  nick: string;
  /** `host:port` or `NOT-SERVING-ONION`. */
  location: string;
  /** True for a `;D` (departed) entry. */
  disconnected: boolean;
  /** Feature names from an `F:` suffix (absent when there was none). */
  features?: string[];
}

const FEATURE_NAME = /^[A-Za-z0-9_\-.]+$/;

/** Formats one entry; `features` is written only when given and non-empty. */
export function formatPeerlistEntry(entry: PeerlistEntry): string {
  let out = entry.nick + ';' + entry.location;
  if (entry.disconnected) out += ';D';
  if (entry.features !== undefined && entry.features.length > 0) out += ';F:' + entry.features.join('+');
  return out;
}

/** Formats a whole peerlist line. */
export function formatPeerlist(entries: readonly PeerlistEntry[]): string {
  return entries.map(formatPeerlistEntry).join(',');
}

/** Parses one entry; throws ERR_DIRECTORY_BAD_PEERLIST. */
export function parsePeerlistEntry(text: string): PeerlistEntry {
  const fields = text.split(';');
  const nick = fields[0] ?? '';
  const location = fields[1];
  if (nick === '' || location === undefined || location === '' || fields.length > 4) throw bad(text);
  const entry: PeerlistEntry = { nick, location, disconnected: false };
  let i = 2;
  if (fields[i] === 'D') {
    entry.disconnected = true;
    i++;
  }
  const rest = fields[i];
  if (rest !== undefined) {
    if (!rest.startsWith('F:') || i !== fields.length - 1) throw bad(text);
    const names = rest.slice(2) === '' ? [] : rest.slice(2).split('+');
    if (!names.every((n) => FEATURE_NAME.test(n))) throw bad(text);
    entry.features = names;
  } else if (i < fields.length) {
    throw bad(text);
  }
  return entry;
}

/** The result of {@link parsePeerlist}. */
export interface ParsedPeerlist {
  /** Entries that parsed, in line order. */
  entries: PeerlistEntry[];
  /** Entries that did not parse and were skipped. */
  invalid: number;
}

/** Parses a peerlist line, skipping (and counting) malformed entries as the reference does. */
export function parsePeerlist(line: string): ParsedPeerlist {
  const entries: PeerlistEntry[] = [];
  let invalid = 0;
  if (line === '') return { entries, invalid };
  for (const part of line.split(',')) {
    if (part === '') continue;
    try {
      entries.push(parsePeerlistEntry(part));
    } catch {
      invalid++;
    }
  }
  return { entries, invalid };
}

function bad(text: string): PeerwayError {
  return new PeerwayError(ErrorCodes.DIRECTORY_BAD_PEERLIST, 'malformed peerlist entry', {
    details: { entry: text.slice(0, 200) },
  });
}
