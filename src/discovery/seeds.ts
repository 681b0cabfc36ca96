/**
 * Default peers ("seeds"): parsed once, and written into the peer table whenever it holds fewer
 * peers than there are seeds, all in one transaction, so a crash during the first start can
 * never leave a partial seed set behind for good.
 *
 * @module
 */
import type { Logger } from '../core/index.js';
import { newPeerRecord, type PeerRecord, type PeerStore } from './peer-store.js';
import { parseSeed } from './seed-spec.js';

/** The records for `texts` (`host:port` or `host s50002 t50001`), minus our own hosts; bad ones are logged and skipped. */
export function seedRecords(
  texts: readonly string[],
  ownHosts: readonly string[],
  now: number,
  logger: Logger,
): PeerRecord[] {
  const out: PeerRecord[] = [];
  for (const text of texts) {
    try {
      const seed = parseSeed(text);
      if (ownHosts.includes(seed.host)) {
        logger.warn({ seed: text }, 'skipping a seed on our own host: we do not verify ourselves as a peer');
        continue;
      }
      out.push(newPeerRecord(seed.host, 'seed', now, { tcpPort: seed.tcpPort, sslPort: seed.sslPort }));
    } catch (err) {
      logger.warn({ err, seed: text }, 'ignoring bad seed');
    }
  }
  return out;
}

/**
 * Adds every seed the store lacks when it holds fewer peers than there are seeds (empty after a
 * first start, or shrunk by forgetting); returns how many were added.
 */
export function topUpSeeds(store: PeerStore, seeds: readonly PeerRecord[], now: number): number {
  if (seeds.length === 0 || store.count() >= seeds.length) return 0;
  return store.insertMany(seeds.map((seed) => ({ ...seed, addedAt: now, nextCheck: now })));
}
