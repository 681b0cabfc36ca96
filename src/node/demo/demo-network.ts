/**
 * The demo network `npm start` runs beside the node: real peerway peers on loopback (directories
 * and makers, discovery nodes, overlay peers, a multistream dialer), each built from the library's
 * own classes exactly as any other program would build them. Nothing here is used by the node's
 * services; the node talks to these peers only over its sockets.
 *
 * @module
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { type Logger, type Stats } from '../../core/index.js';
import {
  BITCOIN_NETWORKS,
  DirectoryServer,
  MakerClient,
  NickIdentity,
  OFFER_TYPES,
  signBondCertificate,
  type BitcoinNetwork,
  type BondCertificate,
  type Offer,
} from '../../directory/index.js';
import { createSqlitePeerStore, DiscoveryNode } from '../../discovery/index.js';
import { select } from '../../multistream/index.js';
import { Community, Endpoint, parseUdpAddress, PrivateKey, RandomWalk } from '../../overlay/index.js';
import { openStore, type Store } from '../../store/index.js';
import { dialTcp } from '../../transport/index.js';
import type { Service } from '../service.js';
import type { ServiceStatus } from '../service-host.js';

/** The id of the overlay community the demo walks (20 bytes, hex). */
export const DEMO_COMMUNITY_ID = '7065657277617964656d6f636f6d6d756e697479';

/** Sizes and pace of the demo network. */
export interface DemoSizes {
  /** Directories besides the node's own. @default 2 (one per directory port) */
  directories: number;
  /** Makers, each on every directory. @default 12 */
  makers: number;
  /** Discovery nodes besides the node's own. @default 5 */
  discoveryNodes: number;
  /** Overlay peers besides the node. @default 29 */
  overlayPeers: number;
  /** Mean milliseconds between a maker leaving and another joining. @default 20000 */
  churnMs: number;
  /** Mean milliseconds between multistream dials. @default 3000 */
  dialMs: number;
}

/** The demo's default sizes (issue: 3 directories, 12 makers, 6 discovery nodes, 30 overlay peers). */
export const DEFAULT_DEMO_SIZES: DemoSizes = {
  directories: 2,
  makers: 12,
  discoveryNodes: 5,
  overlayPeers: 29,
  churnMs: 20_000,
  dialMs: 3000,
};

/** How long the demo waits for the node's services to be up. */
const WAIT_FOR_SERVICES_MS = 30_000;

/** Options for {@link createDemoService}. */
export interface DemoInit {
  /** The node's services with their state and info (the demo connects to their addresses). */
  services: () => ServiceStatus[];
  /** Where the demo keeps its discovery nodes' databases (a `demo/` folder, removed at stop). */
  dataDir: string;
  logger: Logger;
  sizes?: Partial<DemoSizes>;
  /** Ports of the demo's directories on 127.0.0.1 (0: free ones). @default two free ports */
  directoryPorts?: readonly number[];
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function jitter(mean: number): number {
  return Math.round(mean * (0.5 + Math.random()));
}

/** One or two random offers of random types. */
function randomOffers(): Offer[] {
  const count = Math.random() < 0.4 ? 2 : 1;
  const offers: Offer[] = [];
  for (let oid = 0; oid < count; oid++) {
    const type = pick(OFFER_TYPES);
    const minsize = 27_300 + Math.floor(Math.random() * 200_000);
    const maxsize = minsize + Math.floor(Math.random() * 5e8);
    const relative = type.endsWith('reloffer');
    const cjfee = relative
      ? (0.00001 + Math.random() * 0.0003).toFixed(6)
      : String(Math.floor(Math.random() * 3000));
    offers.push({ type, oid, minsize, maxsize, txfee: Math.floor(Math.random() * 1000), cjfee });
  }
  return offers;
}

/** A fidelity-bond certificate over a made-up outpoint (the demo has no chain to prove it on). */
function demoBond(): BondCertificate {
  const utxoSecret = secp256k1.utils.randomSecretKey();
  const certSecretKey = secp256k1.utils.randomSecretKey();
  const certPubkey = secp256k1.getPublicKey(certSecretKey, true);
  const certExpiry = 52;
  return {
    certSecretKey,
    certPubkey,
    certSignature: signBondCertificate(utxoSecret, certPubkey, certExpiry),
    certExpiry,
    utxoPubkey: secp256k1.getPublicKey(utxoSecret, true),
    txid: Buffer.from(secp256k1.utils.randomSecretKey()).toString('hex'),
    vout: 0,
    locktime: 1_900_000_000,
  };
}

/** The loopback address of the i-th demo discovery node (each needs its own host name). */
function discoveryHost(i: number): string {
  return `127.0.0.${20 + i}`;
}

/**
 * The demo network as a node service named `demo`: it waits for the node's own services, then
 * starts its peers against their addresses. Its info says it is a demo and how big it is.
 */
export function createDemoService(init: DemoInit): Service {
  const ports = init.directoryPorts ?? [0, 0];
  const sizes: DemoSizes = { ...DEFAULT_DEMO_SIZES, directories: ports.length, ...init.sizes };
  const log = init.logger;
  const folder = join(init.dataDir, 'demo');
  const directories: DirectoryServer[] = [];
  const makers = new Set<MakerClient>();
  const discovery: DiscoveryNode[] = [];
  const stores: Store[] = [];
  const endpoints: Endpoint[] = [];
  const communities: Community[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const stats = { makersJoined: 0, makersLeft: 0, dials: 0, dialFailures: 0 };
  let directoryAddresses: string[] = [];
  let network: BitcoinNetwork = 'mainnet';
  let stopped = false;

  const later = (ms: number, fn: () => void | Promise<void>): void => {
    if (stopped) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopped) return;
      void Promise.resolve()
        .then(fn)
        .catch((err: unknown) => log.debug({ err: String(err) }, 'demo step failed'));
    }, ms);
    timers.add(timer);
  };

  const waitForServices = async (): Promise<Map<string, ServiceStatus>> => {
    const deadline = Date.now() + WAIT_FOR_SERVICES_MS;
    for (;;) {
      const others = init.services().filter((s) => s.name !== 'demo');
      if (others.every((s) => s.state !== 'idle' && s.state !== 'starting') || Date.now() > deadline) {
        return new Map(others.map((s) => [s.name, s]));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  const startMaker = async (): Promise<void> => {
    const maker = new MakerClient({
      directoryServers: directoryAddresses,
      identity: NickIdentity.generate(),
      network,
      offers: randomOffers(),
      ...(Math.random() < 0.35 ? { bond: demoBond() } : {}),
      connectionTimeout: 10_000,
      // Served locations are what directories list in their peerlists, as real makers' onions are.
      serve: { host: '127.0.0.1', port: 0 },
      logger: log.child({ demo: 'maker' }),
    });
    makers.add(maker);
    stats.makersJoined++;
    await maker.start();
  };

  const churn = async (): Promise<void> => {
    const list = [...makers];
    if (list.length > 0) {
      const leaving = pick(list);
      makers.delete(leaving);
      stats.makersLeft++;
      await leaving.stop();
    }
    await startMaker();
    later(jitter(sizes.churnMs), churn);
  };

  const startDirectories = async (own: ServiceStatus | undefined): Promise<void> => {
    const info = own?.info as { listen?: string; network?: string } | undefined;
    const named = BITCOIN_NETWORKS.find((n) => n === info?.network);
    network = named ?? 'mainnet';
    for (let i = 0; i < sizes.directories; i++) {
      const server = new DirectoryServer({
        host: '127.0.0.1',
        port: ports[i] ?? 0,
        network,
        motd: `peerway demo directory ${i + 1}`,
        logger: log.child({ demo: 'directory' }),
      });
      directories.push(server);
      await server.start();
    }
    directoryAddresses = directories.map((d) => `${d.address.host}:${d.address.port}`);
    if (own?.state === 'running' && info?.listen !== undefined) directoryAddresses.unshift(info.listen);
    await Promise.all(Array.from({ length: sizes.makers }, () => startMaker()));
    later(jitter(sizes.churnMs), churn);
  };

  const startDiscovery = async (own: ServiceStatus | undefined): Promise<void> => {
    const info = own?.info as { tcpPort?: number | null; genesisHash?: string } | undefined;
    const seeds: string[] = [];
    if (own?.state === 'running' && typeof info?.tcpPort === 'number')
      seeds.push(`127.0.0.1:${info.tcpPort}`);
    rmSync(folder, { recursive: true, force: true });
    for (let i = 0; i < sizes.discoveryNodes; i++) {
      const store = openStore(join(folder, `discovery-${i}.sqlite`));
      stores.push(store);
      const host = discoveryHost(i);
      const node = new DiscoveryNode({
        store: createSqlitePeerStore(store),
        genesisHash: info?.genesisHash ?? '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
        host,
        tcpPort: 0,
        sslPort: null,
        reportedHosts: [host],
        seeds: [...seeds],
        privateNetwork: true,
        announce: true,
        schedule: { tickMs: 2000, retryBaseMs: 5000, recheckGoodMs: 60_000 },
        addPeerPauseMs: 1000,
        requestTimeout: 5000,
        logger: log.child({ demo: 'discovery' }),
      });
      discovery.push(node);
      await node.start();
      // The next node learns of this one as a seed; the rest it hears through peer lists.
      seeds.push(`${host}:${node.tcpPort}`);
    }
  };

  const startOverlay = async (own: ServiceStatus | undefined): Promise<void> => {
    const info = own?.info as { listen?: { host: string; port: number } | string } | undefined;
    if (own?.state !== 'running' || info?.listen === undefined) return;
    const listen = typeof info.listen === 'string' ? parseUdpAddress(info.listen) : info.listen;
    const target = { host: listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host, port: listen.port };
    for (let i = 0; i < sizes.overlayPeers; i++) {
      const endpoint = new Endpoint({ host: '127.0.0.1', port: 0 });
      endpoints.push(endpoint);
      await endpoint.start();
      const community = new Community({
        communityId: Buffer.from(DEMO_COMMUNITY_ID, 'hex'),
        endpoint,
        key: PrivateKey.generate(),
        walkers: [{ strategy: (c) => new RandomWalk(c), targetPeers: 20 }],
        tickMs: 1000,
        logger: log.child({ demo: 'overlay' }),
      });
      communities.push(community);
      await community.start();
      community.walkTo(target);
    }
    // Peers that lost everyone (churned out) walk back to the node.
    const rejoin = (): void => {
      for (const c of communities) if (c.getPeers().length === 0) c.walkTo(target);
      later(5000, rejoin);
    };
    later(5000, rejoin);
  };

  const dial = async (own: ServiceStatus): Promise<void> => {
    const info = own.info as { host: string; port: number; protocols: string[] };
    const protocols = [...info.protocols, '/demo/not-offered/1.0.0'];
    const wanted = pick(protocols);
    stats.dials++;
    const socket = await dialTcp(info.host, info.port, { timeout: 5000 });
    socket.on('error', () => {});
    try {
      const protocol = await select(socket, [wanted], { signal: AbortSignal.timeout(5000) });
      if (protocol === '/ipfs/ping/1.0.0') socket.write(Buffer.alloc(32, 7));
      if (protocol === '/echo/1.0.0') socket.write('hello from the demo\n');
      await new Promise((r) => setTimeout(r, 200));
    } catch {
      stats.dialFailures++;
    } finally {
      socket.destroy();
    }
  };

  const startDialer = (own: ServiceStatus | undefined): void => {
    if (own?.state !== 'running') return;
    const step = async (): Promise<void> => {
      await dial(own).catch(() => {
        stats.dialFailures++;
      });
      later(jitter(sizes.dialMs), step);
    };
    later(500, step);
  };

  return {
    name: 'demo',
    async start() {
      const services = await waitForServices();
      await startDirectories(services.get('directory'));
      await startDiscovery(services.get('discovery'));
      await startOverlay(services.get('overlay'));
      startDialer(services.get('multistream'));
      log.info(
        {
          directories: directories.length + 1,
          makers: makers.size,
          discoveryNodes: discovery.length + 1,
          overlayPeers: communities.length + 1,
        },
        'demo network up',
      );
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.all([...makers].map((m) => m.stop()));
      await Promise.all(communities.map((c) => c.unload()));
      await Promise.all(endpoints.map((e) => e.stop()));
      await Promise.all(discovery.map((d) => d.stop()));
      for (const s of stores) s.close();
      await Promise.all(directories.map((d) => d.stop()));
      rmSync(folder, { recursive: true, force: true });
    },
    get stats(): Stats {
      return { ...stats, makers: makers.size };
    },
    info() {
      return {
        demo: true,
        label: 'demo network: real peers on loopback, started by this node',
        directories: directoryAddresses,
        makers: makers.size,
        discoveryNodes: discovery.map((d) => `${d.hosts[0]}:${d.tcpPort}`),
        overlayPeers: communities.length,
        dials: stats.dials,
      };
    },
  };
}
