import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { bump, type Stats } from '../core/index.js';
import { loadOrCreateSecret } from '../transport/index.js';
import {
  AddressBootstrapper,
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
  type WalkerDefinition,
} from '../overlay/index.js';
import type { Service, ServiceDefinition } from './service.js';

const hostPort = z.string().refine((s) => {
  try {
    parseUdpAddress(s);
    return true;
  } catch {
    return false;
  }
}, 'expected host:port');

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
  listen: hostPort.default('0.0.0.0:8090'),
  /** Communities to join. */
  communities: z.array(communitySchema).default([]),
  /** Bootstrap servers (host:port, IP literals). */
  bootstrap: z.array(hostPort).default([]),
  /** Also use py-ipv8's public bootstrap servers. */
  publicBootstrap: z.boolean().default(false),
  /** Opt in to py-ipv8's LAN broadcast bootstrapper (a datagram to every port of 255.255.255.255). */
  broadcastBootstrap: z.boolean().default(false),
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
          const bootstrappers: Bootstrapper[] =
            servers.length > 0 ? [new AddressBootstrapper({ addresses: servers.map(parseUdpAddress) })] : [];
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
            logger: ctx.logger.child({ community: c.id.slice(0, 8) }),
          });
          community.on('peer', (peer) => ctx.logger.debug({ peer: peer.toString() }, 'overlay peer'));
          communities.push(community);
          await community.start();
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
