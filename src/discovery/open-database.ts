/**
 * Opening the node's database for discovery, with recovery: a file SQLite calls corrupt is moved
 * aside (`<name>.corrupt-<time>`) with a log line, and a fresh database is created, so the node
 * starts from its default peers instead of not starting at all.
 *
 * @module
 */
import { existsSync, renameSync } from 'node:fs';
import { ErrorCodes, PeerwayError, type Logger, silentLogger } from '../core/index.js';
import { openStore, type Store } from '../store/index.js';

/** Options for {@link openPeerDatabase}. */
export interface OpenPeerDatabaseOptions {
  /** @default silentLogger */
  logger?: Logger;
}

function check(store: Store): void {
  const rows = store.db.pragma('quick_check') as Array<{ quick_check: string }>;
  if (rows[0]?.quick_check !== 'ok') {
    throw new PeerwayError(ErrorCodes.STORE_CORRUPT, `database ${store.path} failed quick_check`);
  }
}

function isCorrupt(err: unknown): boolean {
  if (err instanceof PeerwayError && err.code === ErrorCodes.STORE_CORRUPT) return true;
  const text = err instanceof Error ? `${err.message} ${String((err as { cause?: unknown }).cause)}` : '';
  return /not a database|malformed|corrupt/i.test(text);
}

/**
 * Opens `path`, moving a corrupt file (and its -wal/-shm) aside and starting fresh.
 *
 * @example
 * ```ts
 * const store = openPeerDatabase('data/peerway.sqlite', { logger });
 * const peers = createSqlitePeerStore(store);
 * ```
 */
export function openPeerDatabase(path: string, options: OpenPeerDatabaseOptions = {}): Store {
  const logger = options.logger ?? silentLogger;
  let store: Store | undefined;
  try {
    store = openStore(path);
    check(store);
    return store;
  } catch (err) {
    store?.close();
    if (!isCorrupt(err) || path === ':memory:') throw err;
    const aside = `${path}.corrupt-${Date.now()}`;
    renameSync(path, aside);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
    }
    logger.warn(
      { path, movedTo: aside },
      'database is corrupt; moved it aside and starting from the defaults',
    );
    return openStore(path);
  }
}
