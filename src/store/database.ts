import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { DEFAULT_BUSY_TIMEOUT_MS, FAMILY_NAME_PATTERN } from './constants.js';
import type { SqliteDatabase } from './sqlite.js';

/**
 * better-sqlite3's connection seen through our own types. Its `prepare` and `transaction` pick
 * their types through conditional types the compiler cannot relate to plain generics, so
 * this is a cast; the members and their meanings are the same (see ./sqlite.ts), and the store and
 * discovery/overlay tests exercise every one.
 */
function asSqliteDatabase(db: Database.Database): SqliteDatabase {
  return db as unknown as SqliteDatabase;
}

/** One migration step: SQL to run, or a function for steps SQL alone cannot express. */
export type Migration = string | ((db: SqliteDatabase) => void);

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Open read-only (no migrations; the file must exist). @default false */
  readonly?: boolean;
  /** Milliseconds to wait on a database locked by another connection. @default 5000 */
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
   * order. Migration `i` (0-based) brings the family to version `i + 1`. Throws
   * ERR_STORE_MIGRATION_FAILED when a step fails (that step is rolled back, earlier ones stay) or
   * when the database is at a newer version than `migrations` knows.
   */
  migrate(family: string, migrations: readonly Migration[]): void;
  /** The schema version of `family` (0 when never migrated). */
  version(family: string): number;
  /** Closes the connection; idempotent. */
  close(): void;
}

/** SQLite result codes that mean the file itself is damaged, as opposed to locked or missing. */
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/** True when `err` is a better-sqlite3 error saying the file is not a usable database. */
export function isCorruptionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && [...CORRUPT_CODES].some((c) => code.startsWith(c));
}

/**
 * Opens (creating if needed) a SQLite database with WAL journaling and `synchronous=NORMAL`:
 * a transaction is durable against a process kill as soon as it commits (an OS crash may lose
 * the last few, never corrupt the file). Throws ERR_STORE_CORRUPT when the file is not a
 * database and ERR_STORE_OPEN_FAILED for anything else (permissions, a directory in the way).
 *
 * @example
 * ```ts
 * const store = openStore('data/peerway.sqlite');
 * store.migrate('notes', ['CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)']);
 * store.db.prepare('INSERT INTO notes (text) VALUES (?)').run('hello');
 * store.close();
 * ```
 */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  const readonly = options.readonly ?? false;
  let db: SqliteDatabase | undefined;
  try {
    if (path !== ':memory:' && !readonly) makeDirectories(dirname(path));
    db = asSqliteDatabase(
      new Database(path, {
        readonly,
        fileMustExist: readonly,
        timeout: options.busyTimeout ?? DEFAULT_BUSY_TIMEOUT_MS,
      }),
    );
    // The first statement reads the header: this is where a garbage file is detected.
    db.pragma('foreign_keys = ON');
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(
        'CREATE TABLE IF NOT EXISTS schema_version (family TEXT PRIMARY KEY, version INTEGER NOT NULL)',
      );
    }
  } catch (err) {
    db?.close();
    const code = isCorruptionError(err) ? ErrorCodes.STORE_CORRUPT : ErrorCodes.STORE_OPEN_FAILED;
    throw new PeerwayError(code, `cannot open database ${path}`, { cause: err, details: { path } });
  }
  return createStore(db, path);
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's recursive mkdir spins without
 * end where the kernel answers ENOENT for a parent that exists (under /proc); one level at a time
 * fails at once on the first level that cannot be made.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

function createStore(db: SqliteDatabase, path: string): Store {
  // A read-only open of a file no one has migrated has no schema_version table: every version is 0.
  const hasVersionTable =
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get() !==
    undefined;
  const getVersion = hasVersionTable
    ? db.prepare<[string], { version: number }>('SELECT version FROM schema_version WHERE family = ?')
    : undefined;
  const version = (family: string): number => getVersion?.get(family)?.version ?? 0;
  let closed = false;

  return {
    db,
    path,
    version,
    migrate(family, migrations) {
      if (!FAMILY_NAME_PATTERN.test(family)) {
        throw new PeerwayError(
          ErrorCodes.INVALID_ARGUMENT,
          `bad table family name ${JSON.stringify(family)}`,
        );
      }
      if (closed || !db.open || db.readonly) {
        throw new PeerwayError(ErrorCodes.CLOSED, `store ${path} is closed or read-only`);
      }
      const setVersion = db.prepare(
        'INSERT INTO schema_version (family, version) VALUES (?, ?) ON CONFLICT(family) DO UPDATE SET version = excluded.version',
      );
      const current = version(family);
      if (current > migrations.length) {
        throw new PeerwayError(
          ErrorCodes.STORE_MIGRATION_FAILED,
          `${family} is at schema version ${current}, newer than this code knows (${migrations.length})`,
          { details: { family, version: current, known: migrations.length } },
        );
      }
      for (let i = current; i < migrations.length; i++) {
        const step = migrations[i]!;
        // IMMEDIATE takes the write lock before re-reading the version, so two processes
        // migrating the same file never both apply a step.
        const apply = db.transaction(() => {
          if (version(family) !== i) return;
          if (typeof step === 'string') db.exec(step);
          else step(db);
          setVersion.run(family, i + 1);
        });
        try {
          apply.immediate();
        } catch (err) {
          throw new PeerwayError(ErrorCodes.STORE_MIGRATION_FAILED, `migration ${family}#${i + 1} failed`, {
            cause: err,
            details: { family, step: i + 1 },
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
