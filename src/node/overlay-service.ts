import { isIP } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { bump, type Stats } from '../core/index.js';
import { loadOrCreateSecret } from '../transport/index.js';
import {
  addressKey,
  AddressBootstrapper,
  DnsBootstrapper,
  Community,
  DEFAULT_CHURN,
  DEFAULT_MAX_PEERS,
  DEFAULT_TICK_MS,
  DEFAULT_WALK_TARGET,
  DEFAULT_WHEN_FULL,
  ed25519Implementation,
  EdgeWalk,
  Endpoint,
  parseUdpAddress,
  PrivateKey,
  PUBLIC_BOOTSTRAP_ADDRESSES,
  RandomWalk,
  SqliteAddressBook,
  UdpBroadcastBootstrapper,
  type Bootstrapper,
  type UdpAddress,
  type WalkerDefinition,
} from '../overlay/index.js';
import type { Service, ServiceDefinition } from './service.js';

/** A DNS name: dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
const DNS_NAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** Why `text` is not a UDP peer address (an IP literal or a DNS name, and a port 1-65535), or undefined. */
export function udpAddressProblem(text: string): string | undefined {
  let address: UdpAddress;
  try {
    address = parseUdpAddress(text);
  } catch {
    return 'expected host:port';
  }
  if (address.port < 1) return `port ${address.port} is not a port to send to (1-65535)`;
  if (isIP(address.host) === 0 && !DNS_NAME.test(address.host)) {
    return `${JSON.stringify(address.host)} is neither an IP address nor a DNS name`;
  }
  return undefined;
}

/** Where the endpoint binds: host:port, port 0 picking a free one. */
const listenAddress = z.string().refine((text) => {
  try {
    parseUdpAddress(text);
    return true;
  } catch {
    return false;
  }
}, 'expected host:port');

/** A peer or bootstrap server to send to. */
const peerAddress = z.string().superRefine((text, ctx) => {
  const problem = udpAddressProblem(text);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

const communitySchema = z.object({
  /** The 20-byte community id in hex. */
  id: z.string().regex(/^[0-9a-fA-F]{40}$/, 'a community id is 40 hex digits'),
  /** Stop answering requesters past this many peers (-1: no limit). */
  maxPeers: z.number().int().min(-1).default(DEFAULT_MAX_PEERS),
  /** What to do past maxPeers: drop silently (py-ipv8) or still introduce. */
  whenFull: z.enum(['drop', 'introduce']).default(DEFAULT_WHEN_FULL),
  /** Walk strategy. */
  walk: z.enum(['random', 'edge']).default('random'),
  /** Walk while below this many peers. */
  targetPeers: z.number().int().min(-1).default(DEFAULT_WALK_TARGET),
  /** Drop peers silent for a minute (py-ipv8's RandomChurn); unset: the service's `churn`. */
  churn: z.boolean().optional(),
});

/** The `services.overlay` config section. */
export const overlayConfigSchema = z.object({
  enabled: z.boolean().default(false),
  /** UDP address to bind (py-ipv8's default port is 8090). */
  listen: listenAddress.default('0.0.0.0:8090'),
  /** Communities to join. */
  communities: z.array(communitySchema).default([]),
  /**
   * Bootstrap servers (host:port; an IP literal or a DNS name). Tracker semantics, as py-ipv8:
   * they are blacklisted and never become peers.
   */
  bootstrap: z.array(peerAddress).default([]),
  /** Known peers walked to at start and whenever a community has no peers (py-ipv8's `walk_to`): they become peers. */
  peers: z.array(peerAddress).default([]),
  /** Also use py-ipv8's public bootstrap servers. */
  publicBootstrap: z.boolean().default(false),
  /** Opt in to py-ipv8's LAN broadcast bootstrapper (a datagram to every port of 255.255.255.255). */
  broadcastBootstrap: z.boolean().default(false),
  /**
   * Check introduction-request signatures on a second thread (libsodium only). Raises answers/s
   * when a core is free; on a machine with no spare core it costs more than it gives.
   */
  verifyThread: z.boolean().default(false),
  /** Key file (raw `LibNaCLSK:` bin, created when missing), relative to the data directory. */
  keyFile: z.string().default('overlay.key'),
  /**
   * Drop verified peers that stop answering (py-ipv8's RandomChurn), in every community that does
   * not say otherwise. Off, a table filled by silent peers never takes a new one.
   */
  churn: z.boolean().default(DEFAULT_CHURN),
  /** Strategy tick in ms (py-ipv8's walker_interval). */
  tickMs: z.number().int().min(10).default(DEFAULT_TICK_MS),
});

/** The validated `services.overlay` config. */
export type OverlayConfig = z.infer<typeof overlayConfigSchema>;

/**
 * Reads the key file, or creates one (atomically, mode 0600) holding a fresh key. Refuses a file
 * others can read (ERR_SECRET_FILE) and one that is not a key bin (ERR_OVERLAY_BAD_KEY).
 */
export function loadOrCreateKey(path: string): PrivateKey {
  return loadOrCreateSecret(path, {
    decode: (bytes) => PrivateKey.fromBin(bytes),
    create: () => {
      const key = PrivateKey.generate();
      return { value: key, bytes: key.keyToBin() };
    },
  });
}

function walkers(c: z.infer<typeof communitySchema>): WalkerDefinition[] {
  return [
    {
      strategy: c.walk === 'edge' ? (x) => new EdgeWalk(x) : (x) => new RandomWalk(x),
      targetPeers: c.targetPeers,
    },
  ];
}

/** Most walkable (not yet verified) addresses one community's graph shows. */
export const GRAPH_MAX_WALKABLE = 500;

/** A node of an overlay graph: ourselves, a verified peer, or an address we may walk to. */
export interface OverlayGraphNode {
  id: string;
  kind: 'self' | 'verified' | 'walkable';
  address: string;
}

/** An edge of an overlay graph: `introduced` (who told us of whom) or `peer` (our verified link). */
export interface OverlayGraphEdge {
  from: string;
  to: string;
  kind: 'introduced' | 'peer';
}

/** One community as the dashboard and `GET /api/overlay/communities` show it. */
export function communitySummary(c: Community): Record<string, unknown> {
  return {
    id: c.serviceId,
    peers: c.getPeers().length,
    walkable: c.getWalkableAddresses().length,
    maxPeers: c.settings.maxPeers,
    ticks: c.stats.ticks,
    sent: c.stats.sent,
    received: Object.values(c.stats.received).reduce((a, b) => a + b, 0),
    peersRemoved: c.stats.peersRemoved,
  };
}

/** The verified peers of a community, as `GET /api/overlay/communities/:id/peers` lists them. */
export function communityPeerRows(c: Community): Array<Record<string, unknown>> {
  return c.getPeers().map((p) => ({
    mid: p.id,
    address: addressKey(p.address),
    introduced: c.network.getIntroductionsFrom(p).length,
  }));
}

/**
 * A community's graph: us, its verified peers (linked to us) and the addresses each peer
 * introduced (verified since or still walkable), with at most {@link GRAPH_MAX_WALKABLE}
 * walkable ones.
 */
export function communityGraph(c: Community): { nodes: OverlayGraphNode[]; edges: OverlayGraphEdge[] } {
  const self = c.myPeer.id;
  const nodes: OverlayGraphNode[] = [{ id: self, kind: 'self', address: addressKey(c.myEstimatedWan) }];
  const edges: OverlayGraphEdge[] = [];
  const idOf = new Map<string, string>();
  const peers = c.getPeers();
  for (const p of peers) {
    const address = addressKey(p.address);
    idOf.set(address, p.id);
    nodes.push({ id: p.id, kind: 'verified', address });
    edges.push({ from: self, to: p.id, kind: 'peer' });
  }
  const walkable = new Set<string>();
  const addWalkable = (a: UdpAddress): string | undefined => {
    const key = addressKey(a);
    const known = idOf.get(key);
    if (known !== undefined) return known;
    if (!walkable.has(key)) {
      if (walkable.size >= GRAPH_MAX_WALKABLE) return undefined;
      walkable.add(key);
      nodes.push({ id: key, kind: 'walkable', address: key });
    }
    return key;
  };
  for (const a of c.getWalkableAddresses()) addWalkable(a);
  for (const p of peers) {
    for (const a of c.network.getIntroductionsFrom(p)) {
      const to = addWalkable(a);
      if (to !== undefined && to !== p.id) edges.push({ from: p.id, to, kind: 'introduced' });
    }
  }
  return { nodes, edges };
}

/**
 * The node's overlay service: one UDP endpoint, the configured communities on it, bootstrap
 * servers, and known addresses saved in the node's database.
 *
 * @example
 * ```json
 * { "services": { "overlay": { "enabled": true, "listen": "0.0.0.0:8090",
 *   "communities": [{ "id": "7e313685c1912a141279f8248fc8db5899c5df5a" }],
 *   "bootstrap": ["192.0.2.10:6421"] } } }
 * ```
 */
export const overlayServiceDefinition: ServiceDefinition<OverlayConfig> = {
  name: 'overlay',
  schema: overlayConfigSchema,
  create(config, ctx): Service {
    const listen = parseUdpAddress(config.listen);
    const endpoint = new Endpoint({ host: listen.host, port: listen.port, logger: ctx.logger });
    const addressBook = new SqliteAddressBook({ store: ctx.store });
    const servers = [...config.bootstrap, ...(config.publicBootstrap ? PUBLIC_BOOTSTRAP_ADDRESSES : [])];
    const communities: Community[] = [];
    let stopping: Promise<void> | undefined;
    let mid: string | undefined;
    return {
      name: 'overlay',
      async start() {
        const keyPath = isAbsolute(config.keyFile) ? config.keyFile : join(ctx.dataDir, config.keyFile);
        const key = loadOrCreateKey(keyPath);
        mid = Buffer.from(key.publicKey.mid).toString('hex');
        await endpoint.start();
        ctx.logger.info(
          { listen: endpoint.address, ed25519: ed25519Implementation() },
          'overlay endpoint open',
        );
        for (const c of config.communities) {
          const parsed = servers.map(parseUdpAddress);
          const literals = parsed.filter((a) => isIP(a.host) !== 0);
          const names = parsed.filter((a) => isIP(a.host) === 0);
          const bootstrappers: Bootstrapper[] = [];
          if (literals.length > 0) bootstrappers.push(new AddressBootstrapper({ addresses: literals }));
          if (names.length > 0) {
            bootstrappers.push(
              new DnsBootstrapper({
                names,
                onLookupError: (name, err) =>
                  ctx.logger.warn(
                    { bootstrap: addressKey(name), reason: lookupReason(err) },
                    `bootstrap server ${addressKey(name)} does not resolve; tried again in 10 minutes`,
                  ),
              }),
            );
          }
          if (config.peers.length > 0) {
            bootstrappers.push(
              new AddressBootstrapper({ addresses: config.peers.map(parseUdpAddress), blacklist: false }),
            );
          }
          if (config.broadcastBootstrap) bootstrappers.push(new UdpBroadcastBootstrapper({ optIn: true }));
          const community = new Community({
            communityId: Buffer.from(c.id, 'hex'),
            endpoint,
            key,
            maxPeers: c.maxPeers,
            whenFull: c.whenFull,
            walkers: walkers(c),
            churn: c.churn ?? config.churn,
            bootstrappers,
            addressBook,
            tickMs: config.tickMs,
            verifyThread: config.verifyThread,
            logger: ctx.logger.child({ community: c.id.slice(0, 8) }),
          });
          community.on('peer', (peer) => ctx.logger.debug({ peer: peer.toString() }, 'overlay peer'));
          communities.push(community);
          await community.start();
          for (const peer of config.peers) community.walkTo(parseUdpAddress(peer));
        }
      },
      stop() {
        stopping ??= (async () => {
          await Promise.all(communities.map((c) => c.unload()));
          await endpoint.stop();
        })();
        return stopping;
      },
      get stats(): Stats {
        const dropped: Record<string, number> = { ...endpoint.stats.dropped };
        let peers = 0;
        for (const c of communities) {
          peers += c.getPeers().length;
          for (const [k, v] of Object.entries(c.stats.dropped)) bump(dropped, k, v);
        }
        return {
          datagrams_received: endpoint.stats.received,
          datagrams_sent: endpoint.stats.sent,
          bytes_received: endpoint.stats.bytesReceived,
          bytes_sent: endpoint.stats.bytesSent,
          peers,
          dropped,
        };
      },
      messageCount() {
        return endpoint.stats.received;
      },
      peers() {
        return communities.flatMap((c) =>
          communityPeerRows(c).map((row) => ({ community: c.serviceId, ...row })),
        );
      },
      communities() {
        return communities.map(communitySummary);
      },
      communityPeers(id) {
        const c = communities.find((x) => x.serviceId === id.toLowerCase());
        return c === undefined ? undefined : communityPeerRows(c);
      },
      view() {
        return {
          listen: endpoint.isOpen ? endpoint.address : config.listen,
          communities: communities.map((c) => ({ ...communitySummary(c), graph: communityGraph(c) })),
        };
      },
      info() {
        return {
          listen: endpoint.isOpen ? endpoint.address : config.listen,
          ...(mid === undefined ? {} : { mid }),
          ed25519: ed25519Implementation(),
          communities: communities.map((c) => ({ id: c.serviceId, peers: c.getPeers().length })),
        };
      },
    };
  },
};

/** The short reason of a failed lookup: its code (`ENOTFOUND`) or message. */
function lookupReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}
