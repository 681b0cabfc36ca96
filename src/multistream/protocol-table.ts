/**
 * The protocols a listener offers, indexed by their exact bytes, with the frames it answers with.
 * Portable.
 *
 * @module
 */
import { latin1, sameBytes } from './bytes.js';
import { protocolFrames, type ProtocolFrames } from './frames.js';
import { encodeLsReply } from './ls-list.js';

/** One offered protocol: its frames, its handler, and the result handed out when it is chosen. */
export interface TableEntry<H> {
  readonly frames: ProtocolFrames;
  readonly handler: H;
  readonly negotiated: Negotiated<H>;
}

/** What a negotiation resolves with, picked from the chosen entry (no allocation per call). */
export type ResultPicker<H, R> = (entry: TableEntry<H>) => R;

/**
 * Tables of at most this many protocols are searched by comparing bytes, which beats building a
 * string key and hashing it when there are few (a listener offers one to a handful).
 */
const SCAN_LIMIT = 8;

/** The protocols a listener offers, indexed by their exact bytes. */
export class ProtocolTable<H> {
  private readonly byKey = new Map<string, TableEntry<H>>();
  /** The entries in order while there are at most {@link SCAN_LIMIT}, else undefined. */
  private few: TableEntry<H>[] | undefined = [];
  private lsReply: Uint8Array | undefined;

  /** Adds or replaces `protocol`; throws ERR_INVALID_ARGUMENT for an invalid id. */
  set(protocol: string, handler: H): void {
    const frames = protocolFrames(protocol);
    this.byKey.set(frames.key, { frames, handler, negotiated: { protocol, handler } });
    this.changed();
  }

  /** Removes `protocol`; returns whether it was there. */
  delete(protocol: string): boolean {
    const removed = this.byKey.delete(protocolFrames(protocol).key);
    if (removed) this.changed();
    return removed;
  }

  private changed(): void {
    this.lsReply = undefined;
    this.few = this.byKey.size <= SCAN_LIMIT ? [...this.byKey.values()] : undefined;
  }

  /** The entry whose id and newline equal `line` (a message as received), if any. */
  lookup(line: Uint8Array): TableEntry<H> | undefined {
    const few = this.few;
    if (few === undefined) return this.byKey.get(latin1(line));
    for (let i = 0; i < few.length; i++) {
      const entry = few[i]!;
      if (sameBytes(entry.frames.line, line)) return entry;
    }
    return undefined;
  }

  /** The offered ids in insertion order. */
  protocols(): string[] {
    return [...this.byKey.values()].map((e) => e.frames.protocol);
  }

  /** The cached `ls` reply. */
  ls(): Uint8Array {
    this.lsReply ??= encodeLsReply(this.protocols());
    return this.lsReply;
  }
}

/** What the listener agreed on. */
export interface Negotiated<H> {
  /** The protocol echoed to the dialer. */
  protocol: string;
  /** What was registered for it. */
  handler: H;
}

const tables = new Map<string, ProtocolTable<undefined>>();
/**
 * Most distinct protocol lists whose tables are cached: 256, far more than one process passes
 * (a server passes the same list every time); past it the cache starts over.
 */
const TABLE_CACHE_LIMIT = 256;

/** The table offering `protocols`, from a small cache keyed by the list (for one-call listeners). */
export function tableFor(protocols: readonly string[]): ProtocolTable<undefined> {
  // A server passes the same list every time: check it element by element before joining a key.
  if (last !== undefined && sameList(last.list, protocols)) return last.table;
  const key = protocols.join('\n');
  let table = tables.get(key);
  if (table === undefined) {
    table = new ProtocolTable<undefined>();
    for (const p of protocols) table.set(p, undefined);
    if (tables.size >= TABLE_CACHE_LIMIT) tables.clear();
    tables.set(key, table);
  }
  last = { list: [...protocols], table };
  return table;
}

let last: { list: readonly string[]; table: ProtocolTable<undefined> } | undefined;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Counters for a listener that keeps none (a one-call `handle()`). */
export const NO_COUNTERS = { na: 0, ls: 0 };
