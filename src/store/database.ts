import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCodes, PeerwayError } from '../core/index.js';

/** A better-sqlite3 connection. */
export type SqliteDatabase = Database.Database;

/** One migration step: SQL to run, or a function for steps SQL alone cannot express. */
export type Migration = string | ((db: SqliteDatabase) => void);

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Open read-only. @default false */
  readonly?: boolean;
  /** Milliseconds to wait on a locked database. @default 5000 */
  busyTimeout?: number;
}

/**
 * An open SQLite database in WAL mode with per-family schema versions. Each table family
 * (`discovery_peers`, `overlay_addresses`...) owns a numbered list of migrations; the
 * `schema_version` table records how far each family has been migrated.
 */
export interface Store {
  /** The connection, for prepared statements. */
  readonly db: SqliteDatabase;
  /** The database file path (`:memory:` for an in-memory store). */
  readonly path: string;
  /**
   * Applies the migrations of `family` that have not run yet, each in its own transaction, in
   * order. Migration `i` (0-based) brings the family to version `i + 1`.
   */
  migrate(family: string, migrations: readonly Migration[]): void;
  /** The schema version of `family` (0 when never migrated). */
  version(family: string): number;
  /** Closes the connection; idempotent. */
  close(): void;
}

/**
 * Opens (creating if needed) a SQLite database with WAL journaling and `synchronous=NORMAL`,
 * which keeps every committed transaction across a process kill.
 *
 * @example
 * ```ts
 * const store = openStore('data/peerway.sqlite');
 * store.migrate('notes', ['CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)']);
 * ```
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  let db: SqliteDatabase;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, timeout: options.busyTimeout ?? 5000 });
    if (options.readonly !== true) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.exec(
        'CREATE TABLE IF NOT EXISTS schema_version (family TEXT PRIMARY KEY, version INTEGER NOT NULL)',
      );
    }
  } catch (err) {
    const code =
      err instanceof Error && /not a database|malformed/i.test(err.message)
        ? ErrorCodes.STORE_CORRUPT
        : ErrorCodes.STORE_OPEN_FAILED;
    throw new PeerwayError(code, `cannot open database ${path}`, { cause: err, details: { path } });
  }
  const getVersion = db.prepare<[string], { version: number }>(
    'SELECT version FROM schema_version WHERE family = ?',
  );
  const setVersion = db.prepare(
    'INSERT INTO schema_version (family, version) VALUES (?, ?) ON CONFLICT(family) DO UPDATE SET version = excluded.version',
  );
  const version = (family: string): number => getVersion.get(family)?.version ?? 0;
  let closed = false;
  return {
    db,
    path,
    version,
    migrate(family, migrations) {
      for (let i = version(family); i < migrations.length; i++) {
        const step = migrations[i]!;
        try {
          db.transaction(() => {
            if (typeof step === 'string') db.exec(step);
            else step(db);
            setVersion.run(family, i + 1);
          })();
        } catch (err) {
          throw new PeerwayError(ErrorCodes.STORE_OPEN_FAILED, `migration ${family}#${i + 1} failed`, {
            cause: err,
          });
        }
      }
    },
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}
