/**
 * store: SQLite through better-sqlite3. One database file per node, WAL mode, and numbered
 * migrations per table family (each family's tables and queries live in a file of their own).
 *
 * @module
 */
export {
  openStore,
  type Store,
  type OpenStoreOptions,
  type Migration,
  type SqliteDatabase,
} from './database.js';
