import type { Store } from '../store/index.js';
import type { UdpAddress } from './address.js';
import type { AddressBook } from './address-book.js';

/** The table family name in the store's schema_version. */
const ADDRESS_BOOK_FAMILY = 'overlay_addresses';
/** Our bound on saved addresses per community: enough to rejoin, small enough to load at start. */
const MAX_SAVED_PER_COMMUNITY = 1000;

const MIGRATIONS = [
  `CREATE TABLE overlay_addresses (
     community TEXT NOT NULL,
     host TEXT NOT NULL,
     port INTEGER NOT NULL,
     last_seen INTEGER NOT NULL,
     PRIMARY KEY (community, host, port)
   ) WITHOUT ROWID`,
  'CREATE INDEX overlay_addresses_recent ON overlay_addresses (community, last_seen DESC)',
];

/** Options for {@link SqliteAddressBook}. */
export interface SqliteAddressBookInit {
  /** The node's open store. */
  store: Store;
  /** Addresses kept (and loaded) per community; older ones are deleted. @default 1000 */
  maxPerCommunity?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

/**
 * Known peer addresses per community in SQLite (`overlay_addresses`). Each save is committed
 * before it returns, so a killed node still rejoins through the peers it knew.
 *
 * @example
 * ```ts
 * const book = new SqliteAddressBook({ store: openStore('data/peerway.sqlite') });
 * const community = new Community({ ...init, addressBook: book });
 * ```
 */
export class SqliteAddressBook implements AddressBook {
  private readonly max: number;
  private readonly now: () => number;
  private readonly upsert;
  private readonly select;
  private readonly prune;
  private readonly remove;
  private readonly entriesQuery;
  private saves = 0;

  constructor(init: SqliteAddressBookInit) {
    init.store.migrate(ADDRESS_BOOK_FAMILY, MIGRATIONS);
    this.max = init.maxPerCommunity ?? MAX_SAVED_PER_COMMUNITY;
    this.now = init.now ?? Date.now;
    const db = init.store.db;
    this.upsert = db.prepare<[string, string, number, number]>(
      `INSERT INTO overlay_addresses (community, host, port, last_seen) VALUES (?, ?, ?, ?)
       ON CONFLICT (community, host, port) DO UPDATE SET last_seen = excluded.last_seen`,
    );
    this.select = db.prepare<[string, number], { host: string; port: number }>(
      'SELECT host, port FROM overlay_addresses WHERE community = ? ORDER BY last_seen DESC LIMIT ?',
    );
    this.remove = db.prepare<[string, string, number]>(
      'DELETE FROM overlay_addresses WHERE community = ? AND host = ? AND port = ?',
    );
    this.entriesQuery = db.prepare<[string, number], { host: string; port: number; last_seen: number }>(
      'SELECT host, port, last_seen FROM overlay_addresses WHERE community = ? ORDER BY last_seen DESC LIMIT ?',
    );
    this.prune = db.prepare<[string, string, number]>(
      `DELETE FROM overlay_addresses WHERE community = ? AND (host, port) NOT IN
       (SELECT host, port FROM overlay_addresses WHERE community = ? ORDER BY last_seen DESC LIMIT ?)`,
    );
  }

  load(community: string): UdpAddress[] {
    return this.select.all(community, this.max).map((r) => ({ host: r.host, port: r.port }));
  }

  /** Saved addresses of a community with when each was last seen (ms), most recent first. */
  entries(community: string): Array<{ address: UdpAddress; lastSeen: number }> {
    return this.entriesQuery
      .all(community, this.max)
      .map((r) => ({ address: { host: r.host, port: r.port }, lastSeen: r.last_seen }));
  }

  forget(community: string, address: UdpAddress): void {
    this.remove.run(community, address.host, address.port);
  }

  save(community: string, address: UdpAddress): void {
    this.upsert.run(community, address.host, address.port, this.now());
    // Prune now and then rather than on every write.
    if (++this.saves % 100 === 0) this.prune.run(community, community, this.max);
  }
}
