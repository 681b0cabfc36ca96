/**
 * A read-only crawler: from seeds, visit servers with bounded concurrency, ask each for
 * `server.version`, `server.features` and `server.peers.subscribe`, and follow every peer it
 * reports. It never calls `server.add_peer`.
 *
 * @module
 */
import { type AbortOptions, type Logger, silentLogger, throwIfAborted } from '../core/index.js';
import {
  CRAWL_CONCURRENCY,
  CRAWL_CONNECT_TIMEOUT_MS,
  CRAWL_MAX,
  CRAWL_REQUEST_TIMEOUT_MS,
  DEFAULT_PORTS,
} from './constants.js';
import { ElectrumClient, type DialTarget } from './electrum-client.js';
import { parseFeatures } from './features.js';
import { parsePeerEntry, type PeerEntry } from './peer-entry.js';
import { parseSeed } from './seed-spec.js';
import { dialTargets } from './verify-peer.js';
import type { SocksProxy } from '../transport/index.js';
import { isOnion } from '../transport/index.js';

/** What the crawler learned about one server. */
export interface CrawlResult {
  host: string;
  tcpPort: number | null;
  sslPort: number | null;
  /** The transport and port that answered, if any. */
  via: DialTarget | null;
  /** Negotiated protocol version. */
  version: string | null;
  serverVersion: string | null;
  genesisHash: string | null;
  /** When it answered (unix ms), or null. */
  lastSeen: number | null;
  /** Spoke the protocol and listed the host we dialled in its features. */
  verified: boolean;
  /** Entries in its peers list. */
  peersReported: number;
  /** Why it failed, when it did. */
  error: string | null;
}

/** Progress, reported after every server. */
export interface CrawlProgress {
  visited: number;
  verified: number;
  queued: number;
  inFlight: number;
}

/** Options for {@link crawl}. */
export interface CrawlOptions extends AbortOptions {
  /** Where to start: `host:port` (TCP) or `host s50002 t50001`. */
  seeds: readonly string[];
  /** SOCKS5 proxy; onions are skipped without one. @default undefined */
  proxy?: SocksProxy | undefined;
  /** Servers to visit at most. @default 1000 */
  max?: number;
  /** Servers visited at once. @default 16 */
  concurrency?: number;
  /** Connect timeout per attempt. @default 10000 */
  connectTimeout?: number;
  /** Per-request timeout. @default 15000 */
  requestTimeout?: number;
  /** Only follow servers whose genesis hash is this one. @default undefined (follow all) */
  genesisHash?: string | undefined;
  /** Treat the same host with other ports as another server (test networks on one address). @default false */
  keyByPort?: boolean;
  /** Ports meant by bare `s`/`t`. @default { t: 50001, s: 50002 } */
  defaultPorts?: { t: number; s: number };
  /** Called after every visit. */
  onProgress?: (progress: CrawlProgress) => void;
  /** @default silentLogger */
  logger?: Logger;
}

interface Pending {
  host: string;
  tcpPort: number | null;
  sslPort: number | null;
}

async function visit(
  item: Pending,
  opts: CrawlOptions,
): Promise<{ result: CrawlResult; peers: PeerEntry[] }> {
  const result: CrawlResult = {
    ...item,
    via: null,
    version: null,
    serverVersion: null,
    genesisHash: null,
    lastSeen: null,
    verified: false,
    peersReported: 0,
    error: null,
  };
  const targets = dialTargets(item);
  const onion = isOnion(item.host);
  if (onion && opts.proxy === undefined)
    return { result: { ...result, error: 'onion and no proxy' }, peers: [] };
  for (const target of targets) {
    let client: ElectrumClient | undefined;
    try {
      client = await ElectrumClient.connect({
        ...target,
        proxy: onion ? opts.proxy : undefined,
        signal: opts.signal,
        connectTimeout: opts.connectTimeout ?? CRAWL_CONNECT_TIMEOUT_MS,
        requestTimeout: opts.requestTimeout ?? CRAWL_REQUEST_TIMEOUT_MS,
      });
      const [software, version] = await client.version();
      result.via = target;
      result.version = version;
      result.serverVersion = software;
      result.lastSeen = Date.now();
      const [rawFeatures, rawPeers] = await Promise.all([client.features(), client.peers()]);
      const features = parseFeatures(rawFeatures);
      result.genesisHash = features?.genesisHash ?? null;
      result.verified = features?.hosts.has(item.host) ?? false;
      if (!result.verified) result.error = 'features do not list the dialled host';
      const peers: PeerEntry[] = [];
      if (Array.isArray(rawPeers)) {
        result.peersReported = rawPeers.length;
        for (const entry of rawPeers) {
          try {
            peers.push(parsePeerEntry(entry, opts.defaultPorts ?? DEFAULT_PORTS));
          } catch {
            // One bad entry says nothing about the others; the crawler is not judging this server.
          }
        }
      }
      const sameNetwork = opts.genesisHash === undefined || opts.genesisHash === result.genesisHash;
      return { result, peers: sameNetwork ? peers : [] };
    } catch (err) {
      result.error = `${target.transport}:${target.port}: ${describeFailure(err)}`;
      if (opts.signal?.aborted === true) break;
    } finally {
      await client?.close();
    }
  }
  return { result, peers: [] };
}

/** An error's message with the OS reason (`ECONNREFUSED`) its cause carries, which it may leave out. */
function describeFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code === undefined || message.includes(code) ? message : `${message} (${code})`;
}

/**
 * Crawls a discovery network; resolves with one result per server visited. When `signal` aborts
 * (before or during the crawl) it rejects with ERR_ABORTED (ERR_TIMEOUT for a timeout signal)
 * rather than resolving with the partial results, like every other call that takes a signal.
 *
 * @example
 * ```ts
 * const results = await crawl({ seeds: ['electrum.example.org s50002 t50001'], max: 200 });
 * for (const r of results) console.log(r.host, r.version, r.verified);
 * ```
 */
export async function crawl(opts: CrawlOptions): Promise<CrawlResult[]> {
  throwIfAborted(opts.signal, 'crawl');
  const logger = opts.logger ?? silentLogger;
  const max = opts.max ?? CRAWL_MAX;
  const keyOf = (p: Pending): string =>
    opts.keyByPort === true ? `${p.host} ${p.sslPort ?? ''} ${p.tcpPort ?? ''}` : p.host;
  const seen = new Set<string>();
  const queue: Pending[] = [];
  const results: CrawlResult[] = [];
  const enqueue = (p: Pending): void => {
    const key = keyOf(p);
    if (seen.has(key) || seen.size >= max) return;
    if (p.tcpPort === null && p.sslPort === null) return;
    seen.add(key);
    queue.push(p);
  };
  for (const text of opts.seeds) {
    try {
      enqueue(parseSeed(text, opts.defaultPorts ?? DEFAULT_PORTS));
    } catch (err) {
      logger.warn({ err, seed: text }, 'ignoring bad seed');
    }
  }
  let inFlight = 0;
  let verified = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const item = queue.shift();
      if (item === undefined) {
        if (inFlight === 0 || opts.signal?.aborted === true) return;
        await new Promise<void>((resolve) => setTimeout(resolve, 5));
        continue;
      }
      inFlight++;
      try {
        const { result, peers } = await visit(item, opts);
        results.push(result);
        if (result.verified) verified++;
        for (const e of peers) enqueue({ host: e.host, tcpPort: e.tcpPort, sslPort: e.sslPort });
      } finally {
        inFlight--;
      }
      opts.onProgress?.({ visited: results.length, verified, queued: queue.length, inFlight });
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? CRAWL_CONCURRENCY }, () => worker()));
  throwIfAborted(opts.signal, 'crawl');
  return results;
}
