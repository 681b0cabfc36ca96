/**
 * The SQLite {@link PeerStore}: table family `discovery_peers` in the node's database. It lives in
 * the discovery folder (not store/) because it implements discovery's interface, and store/ must
 * not import discovery; it uses only store/'s `Store` and migrations.
 *
 * @module
 */
import type { Store } from '../store/index.js';
import { bucketOf, isPublicHost } from './net-address.js';
import type { PeerCandidate, PeerRecord, PeerStore, PortPair } from './peer-store.js';

const FAMILY = 'discovery_peers';

const MIGRATIONS = [
  `CREATE TABLE discovery_peers (
     host TEXT PRIMARY KEY,
     ip_addr TEXT,
     features TEXT NOT NULL,
     tcp_port INTEGER,
     ssl_port INTEGER,
     protocol_max TEXT,
     pruning INTEGER,
     source TEXT NOT NULL,
     last_good INTEGER NOT NULL,
     last_try INTEGER NOT NULL,
     try_count INTEGER NOT NULL,
     bad_until INTEGER NOT NULL,
     other_ports TEXT NOT NULL,
     next_check INTEGER NOT NULL,
     added_at INTEGER NOT NULL,
     bucket TEXT NOT NULL,
     public INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX discovery_peers_last_good ON discovery_peers (last_good);
   CREATE INDEX discovery_peers_next_check ON discovery_peers (next_check);
   CREATE INDEX discovery_peers_ip ON discovery_peers (ip_addr);`,
];

interface Row {
  host: string;
  ip_addr: string | null;
  features: string;
  tcp_port: number | null;
  ssl_port: number | null;
  protocol_max: string | null;
  pruning: number | null;
  source: string;
  last_good: number;
  last_try: number;
  try_count: number;
  bad_until: number;
  other_ports: string;
  next_check: number;
  added_at: number;
  bucket: string;
  public: number;
}

function toRow(r: PeerRecord): Row {
  return {
    host: r.host,
    ip_addr: r.ipAddr,
    features: JSON.stringify(r.features),
    tcp_port: r.tcpPort,
    ssl_port: r.sslPort,
    protocol_max: r.protocolMax,
    pruning: r.pruning,
    source: r.source,
    last_good: r.lastGood,
    last_try: r.lastTry,
    try_count: r.tryCount,
    bad_until: r.badUntil,
    other_ports: JSON.stringify(r.otherPorts),
    next_check: r.nextCheck,
    added_at: r.addedAt,
    bucket: bucketOf(r.host, r.ipAddr),
    // Public by name and by the address it was reached at: a public name may resolve to loopback.
    public: isPublicHost(r.host) && (r.ipAddr === null || isPublicHost(r.ipAddr)) ? 1 : 0,
  };
}

function fromRow(row: Row): PeerRecord {
  return {
    host: row.host,
    ipAddr: row.ip_addr,
    features: JSON.parse(row.features) as Record<string, unknown>,
    tcpPort: row.tcp_port,
    sslPort: row.ssl_port,
    protocolMax: row.protocol_max,
    pruning: row.pruning,
    source: row.source,
    lastGood: row.last_good,
    lastTry: row.last_try,
    tryCount: row.try_count,
    badUntil: row.bad_until,
    otherPorts: JSON.parse(row.other_ports) as PortPair[],
    nextCheck: row.next_check,
    addedAt: row.added_at,
  };
}

const COLUMNS =
  'host, ip_addr, features, tcp_port, ssl_port, protocol_max, pruning, source, last_good, last_try, try_count, bad_until, other_ports, next_check, added_at, bucket, public';
const VALUES =
  '@host, @ip_addr, @features, @tcp_port, @ssl_port, @protocol_max, @pruning, @source, @last_good, @last_try, @try_count, @bad_until, @other_ports, @next_check, @added_at, @bucket, @public';

/**
 * Opens (migrating if needed) the peer table in `store`.
 *
 * @example
 * ```ts
 * const peers = createSqlitePeerStore(openStore('data/peerway.sqlite'));
 * peers.insertIfAbsent(newPeerRecord('electrum.example.org', 'seed', Date.now()));
 * ```
 */
export function createSqlitePeerStore(store: Store): PeerStore {
  store.migrate(FAMILY, MIGRATIONS);
  const db = store.db;
  const getStmt = db.prepare<[string], Row>('SELECT * FROM discovery_peers WHERE host = ?');
  const hasStmt = db.prepare<[string], number>('SELECT 1 FROM discovery_peers WHERE host = ?').pluck();
  const insertStmt = db.prepare(`INSERT OR IGNORE INTO discovery_peers (${COLUMNS}) VALUES (${VALUES})`);
  const putStmt = db.prepare(`INSERT OR REPLACE INTO discovery_peers (${COLUMNS}) VALUES (${VALUES})`);
  const deleteStmt = db.prepare<[string]>('DELETE FROM discovery_peers WHERE host = ?');
  const countStmt = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM discovery_peers');
  const allStmt = db.prepare<[], Row>('SELECT * FROM discovery_peers ORDER BY host');
  const byIpStmt = db.prepare<[string], Row>('SELECT * FROM discovery_peers WHERE ip_addr = ?');
  // Raw rows (arrays) skip building one object per row: this query feeds every peers.subscribe cache.
  const goodStmt = db
    .prepare<[number, number], unknown[]>(
      `SELECT host, ip_addr, tcp_port, ssl_port, protocol_max, pruning, bucket, public
         FROM discovery_peers WHERE last_good >= ? AND bad_until <= ?`,
    )
    .raw();
  const dueStmt = db.prepare<[number, number], Row>(
    'SELECT * FROM discovery_peers WHERE next_check <= ? ORDER BY next_check LIMIT ?',
  );
  const nextStmt = db.prepare<[], { t: number | null }>('SELECT MIN(next_check) AS t FROM discovery_peers');
  const insertAll = db.transaction((records: readonly PeerRecord[]): number => {
    let inserted = 0;
    for (const record of records) inserted += insertStmt.run(toRow(record)).changes;
    return inserted;
  });
  let generation = 0;
  return {
    get generation() {
      return generation;
    },
    get: (host) => {
      const row = getStmt.get(host.toLowerCase());
      return row === undefined ? undefined : fromRow(row);
    },
    has: (host) => hasStmt.get(host.toLowerCase()) !== undefined,
    insertIfAbsent(record) {
      const changed = insertStmt.run(toRow(record)).changes > 0;
      if (changed) generation++;
      return changed;
    },
    insertMany(records) {
      const inserted = insertAll(records);
      if (inserted > 0) generation++;
      return inserted;
    },
    put(record) {
      putStmt.run(toRow(record));
      generation++;
    },
    delete(host) {
      if (deleteStmt.run(host.toLowerCase()).changes > 0) generation++;
    },
    count: () => countStmt.get()!.n,
    all: () => allStmt.all().map(fromRow),
    byIp: (ip) => byIpStmt.all(ip).map(fromRow),
    goodSince: (since, now) =>
      goodStmt.all(since, now).map((r): PeerCandidate => ({
        host: r[0] as string,
        ipAddr: r[1] as string | null,
        tcpPort: r[2] as number | null,
        sslPort: r[3] as number | null,
        protocolMax: r[4] as string | null,
        pruning: r[5] as number | null,
        bucket: r[6] as string,
        isPublic: r[7] === 1,
      })),
    due: (now, limit) => dueStmt.all(now, limit).map(fromRow),
    nextDue: () => nextStmt.get()?.t ?? undefined,
  };
}
