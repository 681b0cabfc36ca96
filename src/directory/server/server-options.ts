/**
 * Options of the directory server and their defaults.
 *
 * @module
 */
import {
  PUBMSG_BYTES_BURST,
  PUBMSG_BYTES_PER_SECOND,
  HANDSHAKE_BURST_PER_SOURCE,
  HANDSHAKE_RATE_PER_SOURCE,
  MAX_PEER_OUTPUT,
  MAX_RATE_VIOLATIONS,
  RATE_LIMIT_BYTES_BURST,
  RATE_LIMIT_BYTES_PER_SECOND,
  DEFAULT_MOTD,
  SWEEP_INTERVAL_MS,
  MAX_HELD_PARTIAL_BYTES,
  EVICT_AFTER_IDLE_MS,
  MAX_CONNECTIONS,
  ORDERBOOK_PROBE_INTERVAL_MS,
  PEERLIST_CHUNK_SPACING_MS,
  PING_AFTER_IDLE_MS,
  PONG_TIMEOUT_MS,
  RATE_LIMIT_BURST,
  RATE_LIMIT_PER_SECOND,
} from './constants.js';
import {
  DEFAULT_LISTEN_HOST,
  DEFAULT_DIRECTORY_PORT,
  DEFAULT_NETWORK,
  HANDSHAKE_TIMEOUT_MS,
  MAX_LINE_LENGTH,
  PARTIAL_LINE_TIMEOUT_MS,
} from '../wire/index.js';
import type { Logger } from '../../core/index.js';
import type { BitcoinNetwork, NickIdentity } from '../wire/index.js';
import type { ClusterLink } from './cluster-link.js';
import type { OnionPublisher } from '../onion/index.js';

/** Options for {@link DirectoryServer}. */
export interface DirectoryServerInit {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** TCP port to listen on; 0 picks a free one. @default 5222 */
  port?: number;
  /** Bitcoin network clients must name in their handshake. @default 'mainnet' */
  network?: BitcoinNetwork;
  /** The directory's nick identity. @default a fresh random one */
  identity?: NickIdentity;
  /** Message of the day sent in every 795. @default 'peerway directory' */
  motd?: string;
  /**
   * Location the directory advertises for itself (`host:port`); with an onion publisher it is
   * the onion address. @default the listening `host:port`
   */
  location?: string;
  /** Publishes the listener as an onion service once listening (see `createTorOnionPublisher`). @default none */
  onion?: OnionPublisher;
  /**
   * Makes this server one instance of a cluster that behaves as one directory (see
   * `NatsDirectoryCluster`). @default none: a single-process directory
   */
  cluster?: ClusterLink;
  /** Most simultaneous connections; further ones are closed at once. @default 20000 */
  maxConnections?: number;
  /** Longest accepted line in bytes; longer costs the sender its connection. @default 40000 */
  maxLineLength?: number;
  /** Messages per second per connection (token bucket); over it messages are dropped. @default 500 */
  rateLimit?: number;
  /** Token bucket size per connection. @default 1000 */
  rateBurst?: number;
  /** Bytes per second per connection (token bucket); over it messages are dropped. @default 1000000 */
  rateLimitBytes?: number;
  /** Byte bucket size per connection. @default 2000000 */
  rateBurstBytes?: number;
  /** Pubmsg bytes per second per connection (they go to every peer). @default 40000 */
  pubmsgRateBytes?: number;
  /** Pubmsg byte bucket size per connection. @default 120000 */
  pubmsgBurstBytes?: number;
  /** Messages dropped by either rate limit after which the sender is disconnected. @default 200 */
  maxRateViolations?: number;
  /** Handshakes per second one source address may start; more are refused and closed. @default 20 */
  handshakeRate?: number;
  /** Handshakes one source address may start at once. @default 100 */
  handshakeBurst?: number;
  /** A connection holding a partial line older than this is closed, ms. @default 60000 */
  partialLineTimeout?: number;
  /**
   * Bytes all connections together may hold in partial lines; past it the connection holding the
   * oldest partial line is closed (counted as `evicted.partial_budget`). @default 33554432 (32 MiB)
   */
  maxHeldPartialBytes?: number;
  /** Time a new connection has to complete its handshake, ms. @default 30000 */
  handshakeTimeout?: number;
  /** Idle time before a ping-capable peer is pinged, ms. @default 600000 */
  pingAfterIdle?: number;
  /** Time a pinged peer has to answer, ms. @default 30000 */
  pongTimeout?: number;
  /**
   * Makers (peers serving an onion) without `ping` that are idle past `pingAfterIdle` get a
   * unicast `<directory nick>!PUBLIC!orderbook` this often, ms, as joinmarket-ng does; their offer
   * answer counts as a sign of life. Nothing is evicted for not answering. 0 turns it off.
   * @default 60000
   */
  orderbookProbeInterval?: number;
  /** Idle time after which any peer is evicted, ms. @default 1500000 */
  evictAfterIdle?: number;
  /** Gap between the 20-entry 789 chunks of one getpeerlist answer, ms (ng: 50). @default 50 */
  peerlistChunkSpacing?: number;
  /** How often timeouts are checked, ms. @default 1000 */
  sweepInterval?: number;
  /**
   * Bytes queued for one reader before its connection is closed (the slow reader pays; nothing
   * queued for a reader that keeps up is ever dropped). @default 1048576
   */
  maxWriteBuffer?: number;
  /**
   * JMP-0005 nick authentication: the directory id bound into proofs. When set, peers that
   * advertise `nick_auth` are challenged, and a verified peer may take a nick from an unverified
   * owner. Must match `[a-z0-9][a-z0-9.:_-]*`; for a directory on Tor use its lowercase
   * `<onion>:<port>`, which is what clients expect. @default undefined (off)
   */
  nickAuthId?: string;
  /**
   * With `nickAuthId` set: refuse (`accepted: false`) peers that do not advertise `nick_auth`,
   * like joinmarket-ng's `require_verified` mode. @default false (ng's `prefer_verified`)
   */
  nickAuthRequired?: boolean;
  /** Logger. @default silent */
  logger?: Logger;
}

/** Resolved options. */
export type ResolvedServerOptions = Required<
  Omit<DirectoryServerInit, 'identity' | 'location' | 'onion' | 'nickAuthId' | 'logger' | 'cluster'>
>;

/** Fills in defaults. */
export function resolveServerOptions(init: DirectoryServerInit): ResolvedServerOptions {
  return {
    host: init.host ?? DEFAULT_LISTEN_HOST,
    port: init.port ?? DEFAULT_DIRECTORY_PORT,
    network: init.network ?? DEFAULT_NETWORK,
    motd: init.motd ?? DEFAULT_MOTD,
    maxConnections: init.maxConnections ?? MAX_CONNECTIONS,
    maxLineLength: init.maxLineLength ?? MAX_LINE_LENGTH,
    rateLimit: init.rateLimit ?? RATE_LIMIT_PER_SECOND,
    rateBurst: init.rateBurst ?? RATE_LIMIT_BURST,
    handshakeTimeout: init.handshakeTimeout ?? HANDSHAKE_TIMEOUT_MS,
    pingAfterIdle: init.pingAfterIdle ?? PING_AFTER_IDLE_MS,
    pongTimeout: init.pongTimeout ?? PONG_TIMEOUT_MS,
    orderbookProbeInterval: init.orderbookProbeInterval ?? ORDERBOOK_PROBE_INTERVAL_MS,
    evictAfterIdle: init.evictAfterIdle ?? EVICT_AFTER_IDLE_MS,
    sweepInterval: init.sweepInterval ?? SWEEP_INTERVAL_MS,
    peerlistChunkSpacing: init.peerlistChunkSpacing ?? PEERLIST_CHUNK_SPACING_MS,
    maxWriteBuffer: init.maxWriteBuffer ?? MAX_PEER_OUTPUT,
    rateLimitBytes: init.rateLimitBytes ?? RATE_LIMIT_BYTES_PER_SECOND,
    rateBurstBytes: init.rateBurstBytes ?? RATE_LIMIT_BYTES_BURST,
    pubmsgRateBytes: init.pubmsgRateBytes ?? PUBMSG_BYTES_PER_SECOND,
    pubmsgBurstBytes: init.pubmsgBurstBytes ?? PUBMSG_BYTES_BURST,
    maxRateViolations: init.maxRateViolations ?? MAX_RATE_VIOLATIONS,
    handshakeRate: init.handshakeRate ?? HANDSHAKE_RATE_PER_SOURCE,
    handshakeBurst: init.handshakeBurst ?? HANDSHAKE_BURST_PER_SOURCE,
    partialLineTimeout: init.partialLineTimeout ?? PARTIAL_LINE_TIMEOUT_MS,
    maxHeldPartialBytes: init.maxHeldPartialBytes ?? MAX_HELD_PARTIAL_BYTES,
    nickAuthRequired: init.nickAuthRequired ?? false,
  };
}
