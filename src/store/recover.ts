import { existsSync, renameSync } from 'node:fs';
import { ErrorCodes, PeerwayError, isPeerwayError, silentLogger, type Logger } from '../core/index.js';
import { CORRUPT_SUFFIX, SIDECAR_SUFFIXES } from './constants.js';
import { isCorruptionError, openStore, type OpenStoreOptions, type Store } from './database.js';

/** Options for {@link openStoreOrRecover}. */
export interface OpenStoreOrRecoverOptions extends Omit<OpenStoreOptions, 'readonly'> {
  /** Where the move-aside is reported (at `warn`). @default silentLogger */
  logger?: Logger;
  /**
   * Run SQLite's `quick_check` after opening, so a file with a valid header but damaged pages
   * is caught now rather than on some later query. Costs one pass over the file. @default true
   */
  quickCheck?: boolean;
  /** The clock used for the timestamp suffix (tests pin it). @default () => new Date() */
  now?: () => Date;
}

/**
 * Opens a store like {@link openStore}; when the file turns out to be corrupt, closes it, renames
 * it (and its `-wal`/`-shm` files) to `<path>.corrupt-<timestamp>`, logs a warning and opens a
 * fresh, empty database in its place. A service that can rebuild its data from the network (a
 * peer list) uses this to start instead of failing. Errors other than corruption (permissions, a
 * directory in the way) are thrown as they are.
 *
 * @example
 * ```ts
 * const store = openStoreOrRecover('data/peerway.sqlite', { logger });
 * store.migrate('discovery_peers', migrations);
 * ```
 */
export function openStoreOrRecover(path: string, options: OpenStoreOrRecoverOptions = {}): Store {
  const logger = options.logger ?? silentLogger;
  const openOptions: OpenStoreOptions = {};
  if (options.busyTimeout !== undefined) openOptions.busyTimeout = options.busyTimeout;
  try {
    return openChecked(path, openOptions, options.quickCheck ?? true);
  } catch (err) {
    if (!isPeerwayError(err, ErrorCodes.STORE_CORRUPT) || path === ':memory:') throw err;
    const movedTo = moveAside(path, (options.now ?? (() => new Date()))());
    logger.warn({ path, movedTo, err: describe(err) }, 'database is corrupt; moved aside, starting fresh');
    return openStore(path, openOptions);
  }
}

function openChecked(path: string, options: OpenStoreOptions, quickCheck: boolean): Store {
  const store = openStore(path, options);
  if (!quickCheck) return store;
  let verdict: unknown;
  try {
    verdict = store.db.pragma('quick_check(1)', { simple: true });
  } catch (err) {
    store.close();
    if (!isCorruptionError(err)) throw err;
    verdict = err;
  }
  if (verdict === 'ok') return store;
  store.close();
  throw new PeerwayError(ErrorCodes.STORE_CORRUPT, `database ${path} failed its integrity check`, {
    cause: verdict instanceof Error ? verdict : undefined,
    details: { path, check: verdict instanceof Error ? verdict.message : String(verdict) },
  });
}

/** Renames the database and its sidecar files; returns the new database path. */
function moveAside(path: string, when: Date): string {
  const stamp = when.toISOString().replace(/[:.]/g, '-');
  let target = `${path}${CORRUPT_SUFFIX}${stamp}`;
  for (let n = 1; existsSync(target); n++) target = `${path}${CORRUPT_SUFFIX}${stamp}-${n}`;
  renameSync(path, target);
  for (const suffix of SIDECAR_SUFFIXES) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}

function describe(err: PeerwayError): string {
  return err.cause instanceof Error ? err.cause.message : err.message;
}
