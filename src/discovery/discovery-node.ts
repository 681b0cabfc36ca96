/**
 * A discovery node: the JSON-RPC server, the peer store, add_peer, the maintenance loop and Tor
 * proxy detection, put together.
 *
 * @module
 */
import { StartableBase, bump, type Logger, type Stats, silentLogger } from '../core/index.js';
import { createCertificate, isOnion, type SocksProxy } from '../transport/index.js';
import { AddPeerPolicy, type Resolver } from './add-peer.js';
import {
  ADD_PEER_PAUSE_MS,
  DEFAULT_HOST,
  SEED_TOP_UP_MS,
  PROTOCOL_MAX,
  PROTOCOL_MIN,
  SOFTWARE_VERSION,
} from './constants.js';
import { electrumMethods, type ExtraMethod } from './electrum-methods.js';
import { buildFeatures } from './features.js';
import { isPublicHost } from './net-address.js';
import { Maintenance, type MaintenanceSchedule } from './maintenance.js';
import type { PeerRecord, PeerStore } from './peer-store.js';
import { PeersReply } from './peers-reply.js';
import { RpcServer, type SessionLimits, type TlsIdentity } from './rpc-server.js';
import { seedRecords, topUpSeeds } from './seeds.js';
import { TorProxyDetector } from './tor-detect.js';
import { verifyPeer, type PeerCheck } from './verify-peer.js';

/** Options for {@link DiscoveryNode}. */
export interface DiscoveryNodeInit {
  /** The peer database. */
  store: PeerStore;
  /** The network id: genesis block hash in display hex. */
  genesisHash: string;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string;
  /** TCP port (0 picks one, null disables). @default 0 */
  tcpPort?: number | null;
  /** TLS port (0 picks one, null disables). @default null */
  sslPort?: number | null;
  /** Certificate for TLS; a self-signed P-256 one is made when absent. @default undefined */
  tls?: TlsIdentity | undefined;
  /** Host names we advertise in `server.features` (the ports are our bound ones). @default [host] */
  reportedHosts?: readonly string[];
  /**
   * Default peers (`host:port` or `host s50002 t50001`), added in one transaction whenever the
   * database holds fewer peers than this list: at start and every 10 minutes. @default []
   */
  seeds?: readonly string[];
  /** Tor SOCKS5 proxy: an address to probe, 'auto' to probe 127.0.0.1:9050/9150/1080, or none. @default undefined */
  proxy?: SocksProxy | 'auto' | undefined;
  /**
   * Allow private peers: admit, dial and report loopback, private and reserved addresses (and names
   * that resolve to them), and relax the bucket rule (test networks on loopback). @default false
   */
  privateNetwork?: boolean;
  /** Announce ourselves with add_peer to verified peers whose list lacks us. @default false */
  announce?: boolean;
  /** Refuse anything before server.version. @default true */
  requireVersionFirst?: boolean;
  /** Maintenance timings. @default ElectrumX's */
  schedule?: MaintenanceSchedule;
  /** Verifications at once. @default 8 */
  concurrency?: number;
  /** Overall cap on a peers.subscribe reply. @default 200 */
  maxPeersReply?: number;
  /** After a store write, the peers.subscribe cache is rebuilt at most this often. @default 10000 */
  replyCacheMs?: number;
  /** add_peer pause per source address and per domain. @default 600000 */
  addPeerPauseMs?: number;
  /** Per-request timeout when verifying. @default 30000 */
  requestTimeout?: number;
  /** Network-specific checks run after the generic ones. @default [] */
  checks?: readonly PeerCheck[];
  /** Extra JSON-RPC methods. @default {} */
  extraMethods?: Record<string, ExtraMethod>;
  /** Sessions at once. @default 1000 */
  maxSessions?: number;
  /** Sessions from one IPv4 address or IPv6 /64 at once. @default 16 */
  maxSessionsPerSource?: number;
  /** Session limits. @default RpcServer's */
  limits?: SessionLimits;
  /** @default systemResolver */
  resolve?: Resolver;
  /** @default silentLogger */
  logger?: Logger;
}

/**
 * An ElectrumX-compatible peer discovery node.
 *
 * @example
 * ```ts
 * const store = createSqlitePeerStore(openStore('data/peerway.sqlite'));
 * await using node = new DiscoveryNode({ store, genesisHash, tcpPort: 50001, seeds: ['electrum.example.org s t'] });
 * await node.start();
 * ```
 */
export class DiscoveryNode extends StartableBase {
  readonly store: PeerStore;
  private server: RpcServer | undefined;
  private readonly reply: PeersReply;
  private readonly addPeer: AddPeerPolicy;
  private readonly maintenance: Maintenance;
  private readonly tor: TorProxyDetector | undefined;
  private readonly logger: Logger;
  private readonly methodStats: Record<string, number> = {};
  private tlsIdentity: TlsIdentity | undefined;
  private readonly ownHosts: string[];
  private readonly seedStats: Record<string, number> = {};
  private seeds: PeerRecord[] | undefined;
  private seedTimer: NodeJS.Timeout | undefined;

  constructor(private readonly init: DiscoveryNodeInit) {
    super();
    this.store = init.store;
    this.logger = init.logger ?? silentLogger;
    this.ownHosts = [...(init.reportedHosts ?? [init.host ?? DEFAULT_HOST])].map((h) => h.toLowerCase());
    const privateNetwork = init.privateNetwork ?? false;
    this.tlsIdentity = init.tls;
    const hasTor = (): boolean => this.tor?.proxy !== undefined;
    this.tor =
      init.proxy === undefined ? undefined : new TorProxyDetector({ proxy: init.proxy, logger: this.logger });
    this.reply = new PeersReply({
      store: this.store,
      privateNetwork,
      hasTorProxy: hasTor,
      exclude: this.ownHosts,
      ...(init.maxPeersReply === undefined ? {} : { maxPeers: init.maxPeersReply }),
      ...(init.replyCacheMs === undefined ? {} : { cacheMs: init.replyCacheMs }),
    });
    this.maintenance = new Maintenance({
      store: this.store,
      verify: (record, signal) =>
        verifyPeer(record, {
          signal,
          genesisHash: init.genesisHash,
          proxy: this.tor?.proxy,
          localAddress: this.localAddress(),
          requestTimeout: init.requestTimeout,
          checks: init.checks,
          allowPrivate: privateNetwork,
          resolve: init.resolve,
          logger: this.logger,
          afterGood:
            init.announce === true ? (client, outcome) => this.announce(client, outcome.peers) : undefined,
        }),
      privateNetwork,
      hasTorProxy: hasTor,
      ownHosts: this.ownHosts,
      logger: this.logger,
      ...(init.schedule === undefined ? {} : { schedule: init.schedule }),
      ...(init.concurrency === undefined ? {} : { concurrency: init.concurrency }),
    });
    this.addPeer = new AddPeerPolicy({
      store: this.store,
      onAccepted: () => this.maintenance.poke(),
      pauseMs: init.addPeerPauseMs ?? ADD_PEER_PAUSE_MS,
      privateNetwork,
      hasTorProxy: hasTor,
      ownHosts: this.ownHosts,
      logger: this.logger,
      ...(init.resolve === undefined ? {} : { resolve: init.resolve }),
    });
  }

  private createServer(): RpcServer {
    const init = this.init;
    return new RpcServer({
      handler: electrumMethods({
        features: () => this.features(),
        peers: (torClient) => this.reply.select(torClient),
        addPeer: (params, source) => this.addPeer.handle(params, source),
        isTorClient: (remote) => this.tor?.proxy !== undefined && remote === this.tor.proxy.host,
        requireVersionFirst: init.requireVersionFirst,
        extraMethods: init.extraMethods,
        stats: this.methodStats,
      }),
      host: init.host ?? DEFAULT_HOST,
      tcpPort: init.tcpPort === undefined ? 0 : init.tcpPort,
      sslPort: init.sslPort ?? null,
      tls: this.tlsIdentity,
      logger: this.logger,
      ...(init.maxSessions === undefined ? {} : { maxSessions: init.maxSessions }),
      ...(init.maxSessionsPerSource === undefined ? {} : { maxSessionsPerSource: init.maxSessionsPerSource }),
      ...(init.limits === undefined ? {} : { limits: init.limits }),
    });
  }

  /** Bound TCP port. */
  get tcpPort(): number | null {
    return this.server?.tcpPort ?? null;
  }

  /** Bound TLS port. */
  get sslPort(): number | null {
    return this.server?.sslPort ?? null;
  }

  /** The hosts we advertise. */
  get hosts(): readonly string[] {
    return this.ownHosts;
  }

  /** Counters for /metrics. */
  get stats(): Stats {
    return {
      rpc: { ...this.server?.rpcStats },
      sessions: { ...this.server?.sessionStats, tlsHandshakeFailed: this.server?.tlsHandshakeFailed ?? 0 },
      methods: { ...this.methodStats },
      addPeer: { ...this.addPeer.stats },
      maintenance: { ...this.maintenance.stats },
      seeds: { ...this.seedStats },
      peers: this.store.count(),
    };
  }

  /** Our `server.features`. */
  features(): Record<string, unknown> {
    const ports = { tcpPort: this.tcpPort ?? undefined, sslPort: this.sslPort ?? undefined };
    return buildFeatures({
      hosts: Object.fromEntries(this.ownHosts.map((h) => [h, ports])),
      genesisHash: this.init.genesisHash,
      serverVersion: SOFTWARE_VERSION,
      protocolMin: PROTOCOL_MIN,
      protocolMax: PROTOCOL_MAX,
    });
  }

  /** Binds, tops the database up from the seeds, and starts maintenance and proxy detection. */
  protected async onStart(): Promise<void> {
    if (this.init.sslPort !== undefined && this.init.sslPort !== null && this.tlsIdentity === undefined) {
      this.tlsIdentity = createCertificate({
        commonName: this.ownHosts[0] ?? 'localhost',
        hosts: this.ownHosts,
      });
    }
    this.server = this.createServer();
    await this.server.start();
    this.topUp();
    this.seedTimer = setInterval(() => this.topUp(), SEED_TOP_UP_MS);
    await this.tor?.start();
    await this.maintenance.start();
    this.logger.info(
      { tcpPort: this.tcpPort, sslPort: this.sslPort, peers: this.store.count() },
      'discovery node started',
    );
  }

  private topUp(): void {
    const now = Date.now();
    this.seeds ??= seedRecords(this.init.seeds ?? [], this.ownHosts, now, this.logger);
    const added = topUpSeeds(this.store, this.seeds, now);
    if (added === 0) return;
    bump(this.seedStats, 'added', added);
    this.logger.info({ added }, 'peer table topped up from seeds');
    this.maintenance.poke();
  }

  private localAddress(): string | undefined {
    const host = this.init.host ?? DEFAULT_HOST;
    return host === '0.0.0.0' || host === '::' ? undefined : host;
  }

  private async announce(
    client: { addPeer(f: Record<string, unknown>): Promise<boolean> },
    peers: readonly { host: string; ip: string; tcpPort: number | null; sslPort: number | null }[],
  ): Promise<void> {
    const listed = peers.some(
      (p) =>
        (this.ownHosts.includes(p.host) || this.ownHosts.includes(p.ip)) &&
        p.tcpPort === this.tcpPort &&
        p.sslPort === this.sslPort,
    );
    if (listed) return;
    // A private address would only be refused (or worse, spread) on a public network.
    if (this.init.privateNetwork !== true && !this.ownHosts.some((h) => isPublicHost(h) || isOnion(h)))
      return;
    const accepted = await client.addPeer(this.features());
    if (accepted) bump(this.methodStats, 'announced');
  }

  /** Stops everything. */
  protected async onStop(): Promise<void> {
    clearInterval(this.seedTimer);
    await this.maintenance.stop();
    await this.tor?.stop();
    await this.server?.stop();
  }
}
