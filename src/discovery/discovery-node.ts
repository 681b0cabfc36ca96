/**
 * A discovery node: the JSON-RPC server, the peer store, add_peer, the maintenance loop and Tor
 * proxy detection, put together.
 *
 * @module
 */
import {
  ErrorCodes,
  PeerwayError,
  StartableBase,
  bump,
  type Logger,
  type Stats,
  silentLogger,
} from '../core/index.js';
import { createCertificate, isOnion, type SocksProxy } from '../transport/index.js';
import { AddPeerPolicy, systemResolver, type Resolver } from './add-peer.js';
import { BackendMonitor, BackendSession, parseBackendUrl } from './backend.js';
import { Blacklist, guardStore, purgeBanned } from './blacklist.js';
import { defaultPeersFor } from './default-peers.js';
import { formatPeerEntry, type PeerTuple } from './peer-entry.js';
import { sybilConflict } from './sybil.js';
import { IrcStragglers, type IrcClaim, type IrcOptions } from './irc.js';
import type { DialTarget } from './electrum-client.js';
import {
  ADD_PEER_PAUSE_MS,
  DEFAULT_HOST,
  SEED_TOP_UP_MS,
  PROTOCOL_MAX,
  PROTOCOL_MIN,
  SOFTWARE_VERSION,
  FRESH_MS,
  SELF_CHECK_MS,
} from './constants.js';
import { electrumMethods, type ExtraMethod } from './electrum-methods.js';
import { buildFeatures } from './features.js';
import { isPublicHost, sameAddress } from './net-address.js';
import { Maintenance, type MaintenanceSchedule } from './maintenance.js';
import { newPeerRecord, type PeerRecord, type PeerStore } from './peer-store.js';
import { parseSeed } from './seed-spec.js';
import { PeersReply } from './peers-reply.js';
import { RpcServer, type SessionLimits, type TlsIdentity } from './rpc-server.js';
import { seedRecords, topUpSeeds } from './seeds.js';
import { TorProxyDetector } from './tor-detect.js';
import { verifyPeer, type PeerCheck, type VerifyOutcome } from './verify-peer.js';

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
  /**
   * Use the network's default peers (see `default-peers.ts`) when `seeds` is not given: written
   * whenever the table is empty, and their onions served a few at a time without Tor. Off on a
   * private network. @default true
   */
  defaultPeers?: boolean;
  /**
   * A real Electrum server (`tcp://host:port`, `ssl://host:port`) every method we do not answer
   * is forwarded to, one backend session per client session; its features are merged with ours,
   * peers' headers are checked against it, and we list ourselves once verified. @default none
   */
  backend?: string | DialTarget | undefined;
  /** Banned hosts: a file or http(s) URL (ElectrumX BLACKLIST_URL semantics). @default none */
  blacklist?: string | undefined;
  /** Blacklist reload interval. @default 600000 */
  blacklistReloadMs?: number;
  /**
   * Visit IRC now and then for stragglers advertised only there (`E_` nicks); their claims are
   * verified like any other. @default off
   */
  irc?: IrcOptions | undefined;
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
  private readonly addPeerPolicy: AddPeerPolicy;
  private readonly maintenance: Maintenance;
  private readonly tor: TorProxyDetector | undefined;
  private readonly logger: Logger;
  private readonly methodStats: Record<string, number> = {};
  private tlsIdentity: TlsIdentity | undefined;
  private readonly ownHosts: string[];
  private readonly defaultSeeds: readonly string[];
  private readonly seedStats: Record<string, number> = {};
  private seeds: PeerRecord[] | undefined;
  private seedTimer: NodeJS.Timeout | undefined;
  private readonly backend: BackendMonitor | undefined;
  private readonly backendTarget: DialTarget | undefined;
  private readonly blacklist: Blacklist | undefined;
  private readonly irc: IrcStragglers | undefined;
  private readonly fallbackOnions: PeerTuple[];
  private selfVerifiedAt = 0;
  private selfTimer: NodeJS.Timeout | undefined;
  private selfCheck: Promise<void> | undefined;
  private readonly selfAbort = new AbortController();

  constructor(private readonly init: DiscoveryNodeInit) {
    super();
    this.logger = init.logger ?? silentLogger;
    this.blacklist =
      init.blacklist === undefined
        ? undefined
        : new Blacklist({
            source: init.blacklist,
            logger: this.logger,
            onChange: () => this.onBlacklistChange(),
            ...(init.blacklistReloadMs === undefined ? {} : { reloadMs: init.blacklistReloadMs }),
          });
    const list = this.blacklist;
    this.store = list === undefined ? init.store : guardStore(init.store, (h, ip) => list.isBanned(h, ip));
    this.backendTarget =
      init.backend === undefined
        ? undefined
        : typeof init.backend === 'string'
          ? parseBackendUrl(init.backend)
          : init.backend;
    this.backend =
      this.backendTarget === undefined
        ? undefined
        : new BackendMonitor({
            target: this.backendTarget,
            logger: this.logger,
            requestTimeout: init.requestTimeout,
          });
    const defaults =
      init.defaultPeers !== false && init.privateNetwork !== true
        ? defaultPeersFor(init.genesisHash)
        : undefined;
    this.fallbackOnions = [];
    for (const text of defaults?.onions ?? []) {
      const seed = parseSeed(text);
      this.fallbackOnions.push(
        formatPeerEntry({
          ip: seed.host,
          host: seed.host,
          version: PROTOCOL_MIN,
          pruning: null,
          sslPort: seed.sslPort,
          tcpPort: seed.tcpPort,
        }),
      );
    }
    this.defaultSeeds = defaults?.seeds ?? [];
    this.irc =
      init.irc === undefined
        ? undefined
        : new IrcStragglers({
            ...init.irc,
            privateNetwork: init.privateNetwork,
            logger: this.logger,
            onClaims: (claims) => this.takeIrcClaims(claims),
          });
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
      fallbackOnions: this.fallbackOnions,
      selfEntry: () => this.selfEntry(),
      ...(init.maxPeersReply === undefined ? {} : { maxPeers: init.maxPeersReply }),
      ...(init.replyCacheMs === undefined ? {} : { cacheMs: init.replyCacheMs }),
    });
    this.maintenance = new Maintenance({
      store: this.store,
      verify: (record, signal) => this.verify(record, signal),
      privateNetwork,
      hasTorProxy: hasTor,
      ownHosts: this.ownHosts,
      logger: this.logger,
      ...(init.schedule === undefined ? {} : { schedule: init.schedule }),
      ...(init.concurrency === undefined ? {} : { concurrency: init.concurrency }),
    });
    this.addPeerPolicy = new AddPeerPolicy({
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
    const range = this.backend?.protocolRange() ?? { min: PROTOCOL_MIN, max: PROTOCOL_MAX };
    const target = this.backendTarget;
    return new RpcServer({
      handler: electrumMethods({
        features: () => this.features(),
        peers: (torClient) => this.reply.select(torClient),
        addPeer: (params, source) => this.addPeerPolicy.handle(params, source),
        isTorClient: (remote) => this.isTorClient(remote),
        requireVersionFirst: init.requireVersionFirst,
        extraMethods: init.extraMethods,
        protocolMin: range.min,
        protocolMax: range.max,
        forward:
          target === undefined
            ? undefined
            : (method, params, connection) => {
                let session = connection.state.backend as BackendSession | undefined;
                if (session === undefined) {
                  session = new BackendSession({ target, logger: this.logger }, connection);
                  connection.state.backend = session;
                }
                return session.call(method, params);
              },
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

  /**
   * True when a connection from `remote` came through our Tor proxy (a dual-stack listener shows
   * an IPv4 proxy as `::ffff:a.b.c.d`).
   */
  isTorClient(remote: string): boolean {
    const proxy = this.tor?.proxy;
    return proxy !== undefined && sameAddress(remote, proxy.host);
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
      addPeer: { ...this.addPeerPolicy.stats },
      blacklist: { ...this.blacklist?.stats },
      irc: { ...this.irc?.stats },
      backend: { height: this.backend?.height ?? -1, selfVerified: this.selfVerifiedAt > 0 ? 1 : 0 },
      maintenance: { ...this.maintenance.stats },
      seeds: { ...this.seedStats },
      peers: this.store.count(),
    };
  }

  /** Every peer in the database (for an operator's list). */
  listPeers(): PeerRecord[] {
    return this.store.all();
  }

  /**
   * Adds a peer by an operator (`host:port`, `[v6]:port` or `host s50002 t50001`), to be verified
   * at once; returns false when it was already known. Throws ERR_ADDRESS_INVALID for a bad spec,
   * and ERR_INVALID_ARGUMENT for one of our own hosts or a banned one.
   */
  addPeer(spec: string): boolean {
    const seed = parseSeed(spec);
    if (this.ownHosts.includes(seed.host)) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `${seed.host} is one of our own hosts`);
    }
    if (this.blacklist?.isBanned(seed.host) === true) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `${seed.host} is on the blacklist`);
    }
    const added = this.store.insertIfAbsent(
      newPeerRecord(seed.host, 'operator', Date.now(), { tcpPort: seed.tcpPort, sslPort: seed.sslPort }),
    );
    if (added) this.maintenance.poke();
    return added;
  }

  /** Removes a peer; true when it was there. */
  removePeer(host: string): boolean {
    const h = host.toLowerCase();
    if (!this.store.has(h)) return false;
    this.store.delete(h);
    this.reply.invalidate();
    return true;
  }

  /** Our `server.features`. */
  features(): Record<string, unknown> {
    const ports = { tcpPort: this.tcpPort ?? undefined, sslPort: this.sslPort ?? undefined };
    const backend = this.backend?.features;
    const range = this.backend?.protocolRange() ?? { min: PROTOCOL_MIN, max: PROTOCOL_MAX };
    const features = buildFeatures({
      hosts: Object.fromEntries(this.ownHosts.map((h) => [h, ports])),
      genesisHash: this.init.genesisHash,
      serverVersion: SOFTWARE_VERSION,
      protocolMin: range.min,
      protocolMax: range.max,
      pruning: backend?.pruning ?? null,
    });
    if (backend !== undefined) features.hash_function = backend.hashFunction;
    return features;
  }

  /** Binds, tops the database up from the seeds, and starts maintenance and proxy detection. */
  protected async onStart(): Promise<void> {
    if (this.init.sslPort !== undefined && this.init.sslPort !== null && this.tlsIdentity === undefined) {
      this.tlsIdentity = createCertificate({
        commonName: this.ownHosts[0] ?? 'localhost',
        hosts: this.ownHosts,
      });
    }
    if (this.blacklist !== undefined) {
      await this.blacklist.start();
      this.onBlacklistChange();
    }
    // The backend must answer (and serve our chain) before we take clients we would forward.
    await this.backend?.start(this.init.genesisHash);
    this.server = this.createServer();
    await this.server.start();
    this.topUp();
    this.seedTimer = setInterval(() => this.topUp(), SEED_TOP_UP_MS);
    await this.tor?.start();
    await this.maintenance.start();
    await this.irc?.start();
    if (this.backend !== undefined) {
      this.runSelfCheck();
      this.selfTimer = setInterval(() => this.runSelfCheck(), SELF_CHECK_MS);
    }
    this.logger.info(
      { tcpPort: this.tcpPort, sslPort: this.sslPort, peers: this.store.count() },
      'discovery node started',
    );
  }

  /** One verification: refused before dialling when banned or under the sybil rule. */
  private async verify(record: PeerRecord, signal: AbortSignal): Promise<VerifyOutcome> {
    const init = this.init;
    if (this.blacklist?.isBanned(record.host, record.ipAddr) === true) {
      return { status: 'bad', reason: 'blacklisted', drop: true };
    }
    if (init.privateNetwork !== true) {
      const sybil = await sybilConflict(record, this.store, init.resolve ?? systemResolver, Date.now());
      if (sybil !== undefined) return { status: 'bad', reason: sybil, drop: true };
    }
    return verifyPeer(record, this.verifyOptions(signal));
  }

  private verifyOptions(signal: AbortSignal): Parameters<typeof verifyPeer>[1] {
    const init = this.init;
    return {
      signal,
      genesisHash: init.genesisHash,
      proxy: this.tor?.proxy,
      localAddress: this.localAddress(),
      requestTimeout: init.requestTimeout,
      checks: [...(init.checks ?? []), ...(this.backend === undefined ? [] : [this.backend.headerCheck()])],
      allowPrivate: init.privateNetwork ?? false,
      resolve: init.resolve,
      logger: this.logger,
      afterGood:
        init.announce === true ? (client, outcome) => this.announce(client, outcome.peers) : undefined,
    };
  }

  /**
   * Verifies ourselves by our first advertised host, as ElectrumX does, so we list ourselves only
   * while what we advertise really works (backend mode only: without one we are no full server).
   */
  private runSelfCheck(): void {
    if (this.selfCheck !== undefined) return;
    const host = this.ownHosts[0];
    if (host === undefined) return;
    const record = newPeerRecord(host, 'self', Date.now(), { tcpPort: this.tcpPort, sslPort: this.sslPort });
    this.selfCheck = verifyPeer(record, {
      ...this.verifyOptions(this.selfAbort.signal),
      afterGood: undefined,
    })
      .then((outcome) => {
        if (outcome.status === 'good') {
          if (this.selfVerifiedAt === 0) this.logger.info({ host }, `verified ourselves as ${host}`);
          this.selfVerifiedAt = Date.now();
        } else {
          this.selfVerifiedAt = 0;
          this.logger.warn({ host, reason: outcome.reason }, `self check failed: ${outcome.reason}`);
        }
      })
      .catch(() => undefined)
      .finally(() => {
        this.selfCheck = undefined;
      });
  }

  /** True while we verified ourselves within the freshness window. */
  get selfVerified(): boolean {
    return this.selfVerifiedAt > 0 && Date.now() - this.selfVerifiedAt < FRESH_MS;
  }

  private selfEntry(): PeerTuple | undefined {
    const host = this.ownHosts[0];
    if (!this.selfVerified || host === undefined) return undefined;
    return formatPeerEntry({
      ip: host,
      host,
      version: this.backend?.protocolRange().max ?? PROTOCOL_MAX,
      pruning: this.backend?.features?.pruning ?? null,
      sslPort: this.sslPort,
      tcpPort: this.tcpPort,
    });
  }

  private takeIrcClaims(claims: IrcClaim[]): void {
    const now = Date.now();
    let added = 0;
    for (const c of claims) {
      if (this.ownHosts.includes(c.host)) continue;
      const record = newPeerRecord(c.host, 'irc', now, {
        tcpPort: c.tcpPort,
        sslPort: c.sslPort,
        protocolMax: c.version,
        pruning: c.pruning,
      });
      if (this.store.insertIfAbsent(record)) added++;
    }
    if (added > 0) this.maintenance.poke();
  }

  private onBlacklistChange(): void {
    const list = this.blacklist;
    if (list === undefined) return;
    const removed = purgeBanned(this.init.store, (h, ip) => list.isBanned(h, ip));
    if (removed > 0) this.logger.info({ removed }, 'removed blacklisted peers');
    this.reply.invalidate();
  }

  private topUp(): void {
    const now = Date.now();
    this.seeds ??= seedRecords(this.init.seeds ?? this.defaultSeeds, this.ownHosts, now, this.logger);
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
    clearInterval(this.selfTimer);
    this.selfAbort.abort();
    await this.selfCheck;
    await this.irc?.stop();
    await this.blacklist?.stop();
    await this.backend?.stop();
    await this.maintenance.stop();
    await this.tor?.stop();
    await this.server?.stop();
  }
}
