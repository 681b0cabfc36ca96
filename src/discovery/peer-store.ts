/**
 * The peer database behind a discovery node, as an interface so another backend can replace the
 * SQLite one. Times are unix milliseconds; 0 means "never".
 *
 * @module
 */

/** A transport and port to try besides the advertised ones (after a port change). */
export interface PortPair {
  readonly transport: 'ssl' | 'tcp';
  readonly port: number;
}

/** One peer. `host` (lower-cased) is the key. */
export interface PeerRecord {
  host: string;
  /** The address we last connected to; null for onions and peers never reached. */
  ipAddr: string | null;
  /** The peer's own `server.features` (or what a reporter said), unknown keys kept. */
  features: Record<string, unknown>;
  tcpPort: number | null;
  sslPort: number | null;
  protocolMax: string | null;
  pruning: number | null;
  /** Where we heard of it: `seed`, `add_peer:<ip>`, `peer:<host>`, then `peer` once verified. */
  source: string;
  lastGood: number;
  lastTry: number;
  /** Consecutive failures since the last success. */
  tryCount: number;
  /** Bad until this time (0: not bad). ElectrumX never clears `bad`; we let it expire. */
  badUntil: number;
  otherPorts: PortPair[];
  /** When the maintenance loop should look at it next. */
  nextCheck: number;
  /** When it entered the database. */
  addedAt: number;
}

/** A reply candidate: the columns `server.peers.subscribe` needs, nothing more. */
export interface PeerCandidate {
  readonly host: string;
  readonly ipAddr: string | null;
  readonly tcpPort: number | null;
  readonly sslPort: number | null;
  readonly protocolMax: string | null;
  readonly pruning: number | null;
  /** Anti-sybil bucket of `ipAddr` (IPv4 /16, IPv6 /56, `onion`, or `''`). */
  readonly bucket: string;
  /** Whether `host` may be reported to the public. */
  readonly isPublic: boolean;
}

/** Storage for peer records. Every write is durable when the call returns. */
export interface PeerStore {
  get(host: string): PeerRecord | undefined;
  /** Whether the host is known (cheaper than get). */
  has(host: string): boolean;
  /** Inserts unless the host is known; true when inserted. Never overwrites. */
  insertIfAbsent(record: PeerRecord): boolean;
  /**
   * Inserts every record whose host is unknown, in one transaction: a crash keeps all of them or
   * none. Returns how many were inserted.
   */
  insertMany(records: readonly PeerRecord[]): number;
  /** Inserts or replaces. */
  put(record: PeerRecord): void;
  delete(host: string): void;
  count(): number;
  /** All records (for admin views and the crawler table). */
  all(): PeerRecord[];
  /** Records with this connected address. */
  byIp(ipAddr: string): PeerRecord[];
  /** Not bad at `now`, good at or after `since`. */
  goodSince(since: number, now: number): PeerCandidate[];
  /** Records whose `nextCheck` is due, soonest first. */
  due(now: number, limit: number): PeerRecord[];
  /** The earliest `nextCheck` of all records, or undefined when empty. */
  nextDue(): number | undefined;
  /** Bumped on every write, so readers can cache. */
  readonly generation: number;
}

/** A record with every bookkeeping field at its zero value. */
export function newPeerRecord(
  host: string,
  source: string,
  now: number,
  fields: Partial<PeerRecord> = {},
): PeerRecord {
  return {
    host: host.toLowerCase(),
    ipAddr: null,
    features: {},
    tcpPort: null,
    sslPort: null,
    protocolMax: null,
    pruning: null,
    source,
    lastGood: 0,
    lastTry: 0,
    tryCount: 0,
    badUntil: 0,
    otherPorts: [],
    nextCheck: now,
    addedAt: now,
    ...fields,
  };
}
