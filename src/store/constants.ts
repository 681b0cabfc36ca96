/**
 * Limits and defaults of the store.
 *
 * @module
 */

/**
 * How long a statement waits for a lock held by another connection before failing with
 * SQLITE_BUSY. 5000 ms: better-sqlite3's own default, long enough for a WAL checkpoint.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** A table family name: lowercase, digits and `_`, as used for table prefixes. */
export const FAMILY_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** The suffix a corrupt database file is renamed with, before the timestamp. */
export const CORRUPT_SUFFIX = '.corrupt-';

/** The files SQLite keeps beside a WAL database; they are moved aside with it. */
export const SIDECAR_SUFFIXES = ['-wal', '-shm'] as const;
