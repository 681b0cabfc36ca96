import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import {
  BITCOIN_NETWORKS,
  createTorOnionPublisher,
  DirectoryServer,
  isValidDirectoryId,
  loadOrCreateNickIdentity,
  MakerClient,
  NatsDirectoryCluster,
  parseDirectoryAddress,
  parseOffer,
  socksDialer,
  type DirectoryServerInit,
  type MakerClientInit,
  type TorOnionPublisherInit,
  type NatsDirectoryClusterInit,
} from '../directory/index.js';
import { createSocksDialer } from '../transport/index.js';
import type { Service, ServiceDefinition } from './service.js';

/** `host:port` to listen on; port 0 picks a free one. */
function parseListen(text: string): { host: string; port: number } {
  if (text.endsWith(':0')) return { host: parseDirectoryAddress(text.slice(0, -2)).host, port: 0 };
  const { host, port } = parseDirectoryAddress(text);
  return { host, port };
}

const listenAddress = z.string().refine((s) => {
  try {
    parseListen(s);
    return true;
  } catch {
    return false;
  }
}, 'expected host:port');

const limitsSchema = z.object({
  /** Most simultaneous connections. */
  maxConnections: z.number().int().min(1).default(20_000),
  /** Longest line in bytes (the reference's limit is 40000). */
  maxLineLength: z.number().int().min(1024).default(40_000),
  /** Messages per second per connection. */
  rateLimit: z.number().positive().default(500),
  /** Token bucket size per connection. */
  rateBurst: z.number().int().min(1).default(1000),
  /** Seconds a new connection has to handshake. */
  handshakeTimeoutSec: z.number().positive().default(30),
  /** Idle seconds before a ping-capable peer is pinged. */
  pingAfterIdleSec: z.number().positive().default(600),
  /** Seconds a pinged peer has to answer. */
  pongTimeoutSec: z.number().positive().default(30),
  /** Idle seconds after which any peer is evicted. */
  evictAfterIdleSec: z.number().positive().default(1500),
});

const offerText = z.string().refine((s) => {
  try {
    parseOffer(s);
    return true;
  } catch {
    return false;
  }
}, 'expected an offer such as "sw0reloffer 0 27300 1000000 0 0.00002"');

/** tor's control port, as the directory and its maker both take it (used when `onion` is on). */
const torControlSchema = z
  .object({
    controlHost: z.string().default('127.0.0.1'),
    controlPort: z.number().int().min(1).max(65_535).default(9051),
    /** Control password; cookie authentication otherwise. */
    controlPassword: z.string().optional(),
  })
  .prefault({});

/**
 * `services.directory.maker`: a maker announcer for tests and demos. It joins the listed
 * directories (default: this node's own), announces its offers and answers `!orderbook`; it
 * holds no wallet, so CoinJoin requests are only logged.
 */
export const makerConfigSchema = z.object({
  enabled: z.boolean().default(false),
  /** Offers as the wire writes them (`sw0reloffer <oid> <min> <max> <txfee> <cjfee>`). */
  offers: z.array(offerText).min(1).max(100).default(['sw0reloffer 0 27300 1000000 0 0.00002']),
  /** Directories to join (`host:port`); empty means this node's own directory. */
  directories: z.array(z.string()).default([]),
  /** Nick key file (hex), relative to the data directory. */
  nickKeyFile: z.string().default('maker-nick.key'),
  /** Serve direct links on this `host:port` (port 0: any free one). */
  serve: listenAddress.optional(),
  /**
   * Publish the maker's listener (`serve`, else 127.0.0.1 on a free port) as an onion service
   * through tor's control port; the maker then advertises `<56>.onion:5222`.
   */
  onion: z.boolean().default(false),
  /** tor control port (used when `onion` is on). */
  tor: torControlSchema,
  /** The maker's onion service key file, relative to the data directory; the address stays the same. */
  onionKeyFile: z.string().default('maker-onion.key'),
  /**
   * SOCKS5 proxy (tor) as `host:port`: `.onion` directories and peers are dialled through it,
   * directory and peer traffic under isolation categories of the maker's own.
   */
  proxy: listenAddress
    .refine((text) => !text.endsWith(':0'), 'expected host:port with a port 1-65535')
    .optional(),
});

/**
 * `services.directory.cluster`: makes this directory one instance of a cluster of directory
 * processes that behave as one directory, over a NATS server with JetStream. Credentials and TLS
 * are given as NATS clients take them; relative file paths resolve against the data directory.
 */
export const clusterConfigSchema = z.object({
  /** NATS server URL, e.g. `nats://127.0.0.1:4222` (several: comma-separated). */
  url: z
    .string()
    .min(1)
    .refine(
      (s) => s.split(',').every((u) => /^(nats|tls):\/\/[^\s/]+$/.test(u.trim())),
      'expected nats://host:port',
    ),
  /** Cluster name: instances with the same name on the same server are one directory. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('peerway'),
  /** User name (with `pass`). */
  user: z.string().optional(),
  /** Password. */
  pass: z.string().optional(),
  /** Token. */
  token: z.string().optional(),
  /** A NATS `.creds` file (JWT and nkey seed). */
  credsFile: z.string().optional(),
  /** TLS towards the server: CA, and client certificate and key for mutual TLS (PEM files). */
  tls: z
    .object({
      caFile: z.string().optional(),
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
    })
    .optional(),
  /** Heartbeat interval in ms. */
  heartbeatIntervalMs: z.number().int().min(100).max(60_000).default(1_000),
  /** An instance silent this long (ms) is dead: its nicks leave with departures. */
  deadAfterMs: z.number().int().min(500).max(600_000).default(5_000),
});

/** The validated `services.directory.cluster` config. */
export type ClusterConfig = z.infer<typeof clusterConfigSchema>;

/** Turns the cluster section into cluster options (paths resolved against `dataDir`). */
export function clusterOptions(config: ClusterConfig, dataDir: string): NatsDirectoryClusterInit {
  const inData = (p: string): string => (isAbsolute(p) ? p : join(dataDir, p));
  const init: NatsDirectoryClusterInit = {
    servers: config.url.split(',').map((u) => u.trim()),
    name: config.name,
    heartbeatInterval: config.heartbeatIntervalMs,
    deadAfter: config.deadAfterMs,
  };
  if (config.user !== undefined) init.user = config.user;
  if (config.pass !== undefined) init.pass = config.pass;
  if (config.token !== undefined) init.token = config.token;
  if (config.credsFile !== undefined) init.credsFile = inData(config.credsFile);
  if (config.tls !== undefined) {
    const t = config.tls;
    init.tls = {
      ...(t.caFile === undefined ? {} : { caFile: inData(t.caFile) }),
      ...(t.certFile === undefined ? {} : { certFile: inData(t.certFile) }),
      ...(t.keyFile === undefined ? {} : { keyFile: inData(t.keyFile) }),
    };
  }
  return init;
}

/** The validated `services.directory.maker` config. */
export type MakerConfig = z.infer<typeof makerConfigSchema>;

/** The `services.directory` config section. */
export const directoryConfigSchema = z.object({
  enabled: z.boolean().default(false),
  /** Local TCP address to listen on (with onion on, tor forwards virtual port 5222 here). */
  listen: listenAddress.default('127.0.0.1:5222'),
  /** Publish the directory as an onion service through tor's control port. */
  onion: z.boolean().default(false),
  /** tor control port (used when `onion` is on). */
  tor: torControlSchema,
  /** Bitcoin network clients must name. */
  network: z.enum(BITCOIN_NETWORKS).default('mainnet'),
  /** Message of the day in every handshake reply. */
  motd: z.string().max(1000).default('peerway directory'),
  /** Location to advertise instead of the listen address or onion (for a directory behind NAT or a proxy). */
  location: z.string().optional(),
  /** Enables JMP-0005 nick authentication with this directory id. */
  nickAuthId: z
    .string()
    .min(1)
    .max(200)
    .refine(isValidDirectoryId, 'must match [a-z0-9][a-z0-9.:_-]* (JMP-0005)')
    .optional(),
  /** Nick key file (hex), relative to the data directory; the nick stays the same across restarts. */
  nickKeyFile: z.string().default('directory-nick.key'),
  /** Onion service key file, relative to the data directory; the address stays the same. */
  onionKeyFile: z.string().default('directory-onion.key'),
  limits: limitsSchema.prefault({}),
  /** A maker announcer run beside the directory. */
  maker: makerConfigSchema.prefault({}),
  /** Run as one instance of a directory cluster on NATS; absent: a single-process directory. */
  cluster: clusterConfigSchema.optional(),
});

/** The validated `services.directory` config. */
export type DirectoryConfig = z.infer<typeof directoryConfigSchema>;

/** Turns the config section into server options (paths resolved against `dataDir`). */
export function directoryServerOptions(config: DirectoryConfig, dataDir: string): DirectoryServerInit {
  const inData = (p: string): string => (isAbsolute(p) ? p : join(dataDir, p));
  const listen = parseListen(config.listen);
  const l = config.limits;
  const init: DirectoryServerInit = {
    host: listen.host,
    port: listen.port,
    network: config.network,
    motd: config.motd,
    maxConnections: l.maxConnections,
    maxLineLength: l.maxLineLength,
    rateLimit: l.rateLimit,
    rateBurst: l.rateBurst,
    handshakeTimeout: l.handshakeTimeoutSec * 1000,
    pingAfterIdle: l.pingAfterIdleSec * 1000,
    pongTimeout: l.pongTimeoutSec * 1000,
    evictAfterIdle: l.evictAfterIdleSec * 1000,
    identity: loadOrCreateNickIdentity(inData(config.nickKeyFile)),
  };
  if (config.location !== undefined) init.location = config.location;
  if (config.nickAuthId !== undefined) init.nickAuthId = config.nickAuthId;
  if (config.onion) {
    const tor: Parameters<typeof createTorOnionPublisher>[0] = {
      controlHost: config.tor.controlHost,
      controlPort: config.tor.controlPort,
      keyFile: inData(config.onionKeyFile),
    };
    if (config.tor.controlPassword !== undefined) tor.controlPassword = config.tor.controlPassword;
    init.onion = createTorOnionPublisher(tor);
  }
  return init;
}

/** Turns the maker section into client options; `ownDirectory` is used when none are listed. */
export function makerClientOptions(
  config: DirectoryConfig,
  dataDir: string,
  ownDirectory: string,
): MakerClientInit {
  const m = config.maker;
  const keyFile = isAbsolute(m.nickKeyFile) ? m.nickKeyFile : join(dataDir, m.nickKeyFile);
  const init: MakerClientInit = {
    directoryServers: m.directories.length > 0 ? m.directories : [ownDirectory],
    identity: loadOrCreateNickIdentity(keyFile),
    network: config.network,
    offers: m.offers.map(parseOffer),
    connectionTimeout: 30_000,
  };
  if (m.serve !== undefined) init.serve = parseListen(m.serve);
  if (m.proxy !== undefined) {
    init.dialer = socksDialer(createSocksDialer(parseListen(m.proxy)), { onionOnly: true });
  }
  if (m.onion) {
    const tor: TorOnionPublisherInit = {
      controlHost: m.tor.controlHost,
      controlPort: m.tor.controlPort,
      keyFile: isAbsolute(m.onionKeyFile) ? m.onionKeyFile : join(dataDir, m.onionKeyFile),
    };
    if (m.tor.controlPassword !== undefined) tor.controlPassword = m.tor.controlPassword;
    init.serve = { ...(init.serve ?? { host: '127.0.0.1', port: 0 }), onion: tor };
  }
  return init;
}

/** Most peers the dashboard's directory panel lists (the API lists all). */
export const VIEW_MAX_PEERS = 500;

/**
 * The node's JoinMarket directory: a `DirectoryServer` on the configured address, optionally
 * published as an onion service, with a nick that survives restarts.
 *
 * @example
 * ```json
 * { "services": { "directory": { "enabled": true, "listen": "127.0.0.1:5222", "onion": true,
 *   "network": "signet", "motd": "hello",
 *   "maker": { "enabled": true, "offers": ["sw0reloffer 0 27300 1000000 0 0.00002"] } } } }
 * ```
 */
export const directoryServiceDefinition: ServiceDefinition<DirectoryConfig> = {
  name: 'directory',
  schema: directoryConfigSchema,
  connectionCap: (config) => config.limits.maxConnections,
  create(config, ctx): Service {
    let server: DirectoryServer | undefined;
    let maker: MakerClient | undefined;
    let cluster: NatsDirectoryCluster | undefined;
    let stopping: Promise<void> | undefined;
    return {
      name: 'directory',
      async start() {
        const init: DirectoryServerInit = {
          ...directoryServerOptions(config, ctx.dataDir),
          logger: ctx.logger,
        };
        if (config.cluster !== undefined) {
          cluster = new NatsDirectoryCluster({
            ...clusterOptions(config.cluster, ctx.dataDir),
            logger: ctx.logger,
          });
          init.cluster = cluster;
        }
        server = new DirectoryServer(init);
        await server.start();
        if (config.maker.enabled) {
          const own = `${server.address.host}:${server.address.port}`;
          maker = new MakerClient({ ...makerClientOptions(config, ctx.dataDir, own), logger: ctx.logger });
          maker.on('request', (r) =>
            ctx.logger.info({ from: r.from, command: r.command, channel: r.channel }, 'maker request'),
          );
          await maker.start();
          // Directories that were not up yet are retried in the background.
          maker.startPeriodicReconnect(30_000);
        }
      },
      stop() {
        stopping ??= (async () => {
          await maker?.stop();
          await server?.stop();
        })();
        return stopping;
      },
      get stats() {
        if (server === undefined) return {};
        if (cluster === undefined)
          return maker === undefined ? server.stats : { ...server.stats, maker: maker.stats };
        const withCluster = {
          ...server.stats,
          clusterInstances: cluster.view().instances.length,
          clusterRemotePeers: [...cluster.remotes()].length,
          clusterSent: cluster.stats.sent,
          clusterReceived: cluster.stats.received,
          clusterEvents: cluster.stats.events,
        };
        return maker === undefined ? withCluster : { ...withCluster, maker: maker.stats };
      },
      messageCount() {
        if (server === undefined) return 0;
        return Object.values(server.stats.relayed).reduce((a, b) => a + b, 0);
      },
      peers() {
        return server?.listPeers() ?? [];
      },
      view() {
        if (server === undefined) return null;
        const st = server.stats;
        return {
          nick: server.nick,
          location: server.location,
          network: server.options.network,
          connections: st.connections,
          connectionsTotal: st.connectionsTotal,
          peerCount: st.peers,
          peers: server.listPeers().slice(0, VIEW_MAX_PEERS),
          relayed: { ...st.relayed },
          dropped: { ...st.dropped },
          evicted: { ...st.evicted },
          handshakesAccepted: st.handshakesAccepted,
          handshakesRejected: { ...st.handshakesRejected },
          bytesIn: st.bytesIn,
          bytesOut: st.bytesOut,
        };
      },
      info() {
        if (server === undefined) return {};
        return {
          nick: server.nick,
          location: server.location,
          listen: `${server.address.host}:${server.address.port}`,
          network: server.options.network,
          peers: server.stats.peers,
          connections: server.stats.connections,
          ...(cluster === undefined ? {} : { cluster: server.clusterView() }),
          ...(maker === undefined
            ? {}
            : {
                maker: {
                  nick: maker.nick,
                  location: maker.location,
                  directories: [...maker.clients.keys()],
                  offers: maker.offers.length,
                },
              }),
        };
      },
    };
  },
};
