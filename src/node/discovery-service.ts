/**
 * The `discovery` service: a {@link DiscoveryNode} configured from `services.discovery` in the node
 * config, on the node's database, with a TLS certificate kept in the data directory.
 *
 * @module
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import {
  createSqlitePeerStore,
  DiscoveryNode,
  newPeerRecord,
  parseSeed,
  type PeerRecord,
  type SocksProxy,
  type TlsIdentity,
} from '../discovery/index.js';
import { loadOrCreateCertificate } from '../transport/index.js';
import type { Service, ServiceContext, ServiceDefinition } from './service.js';

/** Bitcoin mainnet's genesis block hash: the default network id. */
export const BITCOIN_MAINNET_GENESIS = '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f';

const port = z.number().int().min(0).max(65535);

/** The `services.discovery` config section. */
export const discoveryConfigSchema = z.object({
  /** Run the discovery node. */
  enabled: z.boolean().default(false),
  /** Interface to listen on. */
  host: z.string().default('127.0.0.1'),
  /** TCP port (null: none). Electrum's convention is 50001 (mainnet), 51001 (testnet). */
  tcpPort: port.nullable().default(50001),
  /** TLS port (null: none). Convention 50002 / 51002. */
  sslPort: port.nullable().default(50002),
  /** Host names advertised in server.features; defaults to the listen host. */
  reportedHosts: z.array(z.string().min(1)).default([]),
  /** Network id: the genesis block hash in display hex. */
  genesisHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .default(BITCOIN_MAINNET_GENESIS),
  /** Default peers, loaded when the database has none: `host:port` or `host s50002 t50001`. */
  seeds: z.array(z.string()).default([]),
  /** Use the network's default peers (Electrum's server lists) when `seeds` is empty. */
  defaultPeers: z.boolean().default(true),
  /**
   * A real Electrum server to stand in front of (`tcp://host:port` or `ssl://host:port`): every
   * method peerway does not answer is forwarded there, one backend session per client.
   */
  backend: z.string().optional(),
  /** Banned hosts: a file path or http(s) URL of a JSON list (ElectrumX BLACKLIST_URL), reloaded every 10 minutes. */
  blacklist: z.string().optional(),
  /** Optional IRC visits for stragglers (off unless given). */
  irc: z
    .object({
      host: z.string().min(1),
      port: port.optional(),
      tls: z.boolean().default(true),
      channel: z.string().default('#electrum'),
      intervalMinutes: z.number().min(1).default(240),
    })
    .optional(),
  /** Tor SOCKS5 proxy `host:port`, or `auto` to probe 9050/9150/1080 on 127.0.0.1. */
  proxy: z.string().optional(),
  /** Admit private addresses (test networks only). */
  privateNetwork: z.boolean().default(false),
  /** Announce ourselves to verified peers with server.add_peer. */
  announce: z.boolean().default(false),
  /** Refuse anything before server.version. */
  requireVersionFirst: z.boolean().default(true),
  /** Overall cap on a peers.subscribe reply. */
  maxPeersReply: z.number().int().min(1).default(200),
  /** Verifications at once. */
  concurrency: z.number().int().min(1).default(8),
  /** Client sessions at once. */
  maxSessions: z.number().int().min(1).default(1000),
  /** Client sessions from one IPv4 address or IPv6 /64 at once. */
  maxSessionsPerSource: z.number().int().min(1).default(16),
});

/** The parsed section. */
export type DiscoveryConfig = z.infer<typeof discoveryConfigSchema>;

/** Parses `host:port` or 'auto'. */
export function parseProxy(text: string | undefined): SocksProxy | 'auto' | undefined {
  if (text === undefined) return undefined;
  if (text === 'auto') return 'auto';
  const m = /^(.+):(\d{1,5})$/.exec(text);
  if (m === null) throw new Error(`bad proxy "${text}" (want host:port or auto)`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

/**
 * Loads the node's TLS identity for discovery from the data directory (`discovery-tls-key.pem`, a
 * 0600 secret file, and `discovery-tls-cert.pem`), creating a self-signed P-256 pair once.
 */
export function loadTlsIdentity(dataDir: string, hosts: readonly string[]): TlsIdentity {
  return loadOrCreateCertificate({
    keyPath: join(dataDir, 'discovery-tls-key.pem'),
    certPath: join(dataDir, 'discovery-tls-cert.pem'),
    commonName: hosts[0] ?? 'localhost',
    hosts: [...hosts],
  });
}

/** Builds the node from a parsed config section. */
export function createDiscoveryNode(config: DiscoveryConfig, ctx: ServiceContext): DiscoveryNode {
  const reportedHosts = config.reportedHosts.length > 0 ? config.reportedHosts : [config.host];
  const tls = config.sslPort === null ? undefined : loadTlsIdentity(ctx.dataDir, reportedHosts);
  return new DiscoveryNode({
    store: createSqlitePeerStore(ctx.store),
    genesisHash: config.genesisHash,
    host: config.host,
    tcpPort: config.tcpPort,
    sslPort: config.sslPort,
    tls,
    reportedHosts,
    ...(config.seeds.length > 0 ? { seeds: config.seeds } : {}),
    defaultPeers: config.defaultPeers,
    backend: config.backend,
    blacklist: config.blacklist,
    irc:
      config.irc === undefined
        ? undefined
        : {
            host: config.irc.host,
            port: config.irc.port,
            tls: config.irc.tls,
            channel: config.irc.channel,
            intervalMs: config.irc.intervalMinutes * 60_000,
          },
    proxy: parseProxy(config.proxy),
    privateNetwork: config.privateNetwork,
    announce: config.announce,
    requireVersionFirst: config.requireVersionFirst,
    maxPeersReply: config.maxPeersReply,
    concurrency: config.concurrency,
    maxSessions: config.maxSessions,
    maxSessionsPerSource: config.maxSessionsPerSource,
    logger: ctx.logger,
  });
}

/** Verification results the dashboard's discovery panel keeps (newest last). */
export const VERIFICATION_HISTORY = 100;

/** Most servers the dashboard's discovery panel lists (the API lists all). */
export const VIEW_MAX_SERVERS = 500;

/** Seconds between looks at the peer table for new verification results. */
const VERIFICATION_POLL_MS = 1000;

/** One verification the maintenance loop finished, as the dashboard streams it. */
export interface VerificationResult {
  /** Unix milliseconds. */
  time: number;
  host: string;
  ok: boolean;
  /** Consecutive failures after this try. */
  failures: number;
}

/** Where a server was heard of, in the dashboard's words: seed, add_peer, peer list, irc or api. */
export function sourceKind(source: string): string {
  if (source === 'seed') return 'seed';
  if (source.startsWith('add_peer')) return 'add_peer';
  if (source.startsWith('peer')) return 'peer list';
  if (source.startsWith('irc')) return 'irc';
  return source.split(':', 1)[0]!;
}

/** One row of the server table (`GET /api/discovery/peers`). */
export function serverRow(r: PeerRecord): Record<string, unknown> {
  return {
    host: r.host,
    tcpPort: r.tcpPort,
    sslPort: r.sslPort,
    protocol: r.protocolMax,
    lastGood: r.lastGood,
    lastTry: r.lastTry,
    failures: r.tryCount,
    source: sourceKind(r.source),
    reportedBy: r.source,
  };
}

/**
 * Notices finished verifications by comparing each record's last try with the one seen before:
 * the peer store records outcomes, not events, so the stream is read from it (once a second, and
 * only when the store's generation moved).
 */
class VerificationLog {
  readonly results: VerificationResult[] = [];
  readonly #seen = new Map<string, number>();
  #generation = -1;
  #timer: NodeJS.Timeout | undefined;

  start(node: DiscoveryNode): void {
    this.#poll(node, false);
    this.#timer = setInterval(() => this.#poll(node, true), VERIFICATION_POLL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #poll(node: DiscoveryNode, record: boolean): void {
    if (node.store.generation === this.#generation) return;
    this.#generation = node.store.generation;
    for (const r of node.store.all()) {
      const before = this.#seen.get(r.host);
      this.#seen.set(r.host, r.lastTry);
      if (!record || r.lastTry === 0 || before === r.lastTry) continue;
      this.results.push({ time: r.lastTry, host: r.host, ok: r.lastGood >= r.lastTry, failures: r.tryCount });
      if (this.results.length > VERIFICATION_HISTORY) this.results.shift();
    }
  }
}

/** Reads `{ "peer": "host s50002 t50001" }` (or `host:port`), as `electrumx_rpc add_peer` takes it. */
function peerSpec(request: unknown): string {
  const peer = (request as { peer?: unknown } | null)?.peer;
  if (typeof peer !== 'string' || peer.length === 0 || peer.length > 300) {
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      'expected {"peer": "host s50002 t50001"} or {"peer": "host:port"}',
    );
  }
  return peer;
}

/**
 * The discovery service for the node.
 *
 * @example
 * ```ts
 * // peerway.config.json: { "services": { "discovery": { "enabled": true, "reportedHosts": ["electrum.example.org"] } } }
 * const service = discoveryServiceDefinition.create(discoveryConfigSchema.parse(section), ctx);
 * await service.start();
 * ```
 */
export const discoveryServiceDefinition: ServiceDefinition<DiscoveryConfig> = {
  name: 'discovery',
  schema: discoveryConfigSchema,
  connectionCap: (config) => config.maxSessions,
  create(config, ctx): Service {
    let node: DiscoveryNode | undefined;
    let stopping: Promise<void> | undefined;
    const log = new VerificationLog();
    return {
      name: 'discovery',
      async start() {
        node = createDiscoveryNode(config, ctx);
        await node.start();
        log.start(node);
      },
      stop() {
        log.stop();
        stopping ??= node?.stop() ?? Promise.resolve();
        return stopping;
      },
      messageCount() {
        const methods = (node?.stats.methods ?? {}) as Record<string, number>;
        return Object.values(methods).reduce((a, b) => a + b, 0);
      },
      peers() {
        return node?.store.all().map(serverRow) ?? [];
      },
      addPeer(request) {
        let spec;
        try {
          spec = parseSeed(peerSpec(request));
        } catch (err) {
          if (err instanceof PeerwayError && err.code === ErrorCodes.INVALID_ARGUMENT) throw err;
          throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, (err as Error).message, { cause: err });
        }
        if (node === undefined) throw new PeerwayError(ErrorCodes.CLOSED, 'discovery is not running');
        const record = newPeerRecord(spec.host, 'api', Date.now(), {
          tcpPort: spec.tcpPort,
          sslPort: spec.sslPort,
        });
        const added = node.store.insertIfAbsent(record);
        return Promise.resolve({ added, host: record.host, tcpPort: spec.tcpPort, sslPort: spec.sslPort });
      },
      removePeer(id) {
        if (node === undefined)
          return Promise.reject(new PeerwayError(ErrorCodes.CLOSED, 'discovery is not running'));
        return Promise.resolve(node.removePeer(id) ? { removed: true, host: id.toLowerCase() } : undefined);
      },
      view() {
        if (node === undefined) return null;
        const all = node.store.all();
        all.sort((a, b) => b.lastGood - a.lastGood || a.host.localeCompare(b.host));
        return {
          tcpPort: node.tcpPort,
          sslPort: node.sslPort,
          count: all.length,
          good: all.filter((r) => r.lastGood > 0 && r.lastGood >= r.lastTry).length,
          servers: all.slice(0, VIEW_MAX_SERVERS).map(serverRow),
          verifications: log.results,
        };
      },
      get stats() {
        return node?.stats ?? {};
      },
      info() {
        return {
          tcpPort: node?.tcpPort ?? null,
          sslPort: node?.sslPort ?? null,
          genesisHash: config.genesisHash,
          peers: node?.store.count() ?? 0,
          selfVerified: node?.selfVerified ?? false,
        };
      },
    };
  },
};
