/**
 * store: SQLite through better-sqlite3. One database file per node, WAL mode, and numbered
 * migrations per table family (each family's tables and queries live in a file of their own).
 *
 * ```
 * openStore(path)            schema_version
 *   journal_mode=WAL         family           | version
 *   synchronous=NORMAL       discovery_peers  | 2
 *   migrate(family, steps)   overlay_keys     | 1
 * ```
 *
 * A family's migration `i` runs once, in its own IMMEDIATE transaction together with the
 * version bump, so a kill between steps leaves the file at a clean version. A file that is not
 * a database (or fails `quick_check`) can be moved aside with `openStoreOrRecover`.
 *
 * @module
 */
export {
  openStore,
  isCorruptionError,
  type Store,
  type OpenStoreOptions,
  type Migration,
} from './database.js';
export type {
  SqliteDatabase,
  SqliteStatement,
  SqliteTransaction,
  SqliteRunResult,
  SqlitePragmaOptions,
} from './sqlite.js';
export { openStoreOrRecover, type OpenStoreOrRecoverOptions } from './recover.js';
