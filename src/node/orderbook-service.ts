import { z } from 'zod';
import type { Logger } from '../core/index.js';
import {
  BITCOIN_NETWORKS,
  ChainBondAssessor,
  defaultDirectories,
  MultiDirectoryClient,
  NickIdentity,
  OrderbookWatcher,
  parseDirectoryAddress,
  type BondAssessor,
  type OrderbookJson,
} from '../directory/index.js';
import { ElectrumChain } from './electrum-chain.js';
import type { Service, ServiceDefinition } from './service.js';

const directoryAddress = z.string().refine((s) => {
  try {
    parseDirectoryAddress(s);
    return true;
  } catch {
    return false;
  }
}, 'expected host:port');

const hostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):[0-9]{1,5}$/, 'expected host:port');

/** The `services.orderbook` config section. */
export const orderbookConfigSchema = z.object({
  enabled: z.boolean().default(false),
  /** Bitcoin network the directories serve. */
  network: z.enum(BITCOIN_NETWORKS).default('mainnet'),
  /** Directories to watch (`host:port`); empty means the network's default list. */
  directories: z.array(directoryAddress).max(100).default([]),
  /** SOCKS5 proxy (tor) as `host:port`, for `.onion` directories (the CLI's `--proxy`). */
  proxy: hostPort.optional(),
  /**
   * The old name of `proxy`, still read for one release with a warning that names `proxy`
   * (`proxy` wins when both are set).
   */
  socks: hostPort.optional(),
  /** Seconds between the end of one collection and the next. */
  refreshIntervalSec: z.number().positive().default(60),
  /** A collection never ends early before this many seconds. */
  minWaitSec: z.number().nonnegative().default(30),
  /** A collection ends once no offer arrived for this many seconds. */
  quietPeriodSec: z.number().positive().default(15),
  /** One collection's ceiling in seconds. */
  timeoutSec: z.number().positive().default(120),
  /** Connect and handshake deadline per directory, in seconds. */
  connectTimeoutSec: z.number().positive().default(120),
  /** Collections an offer may miss in a row before it is removed. */
  missingRefreshes: z.number().int().min(1).max(100).default(2),
  /**
   * An Electrum server to check fidelity bonds against (UTXO exists, unspent, script, expiry)
   * and value them; without it bonds are shown as `unchecked`. Reached through `proxy` when set.
   */
  electrum: z
    .object({
      /** `host:port` of the server. */
      server: hostPort,
      /** `ssl` (TLS, certificate not checked, as Electrum clients do) or `tcp`. */
      transport: z.enum(['tcp', 'ssl']).default('ssl'),
      /** Connect deadline in seconds. */
      connectTimeoutSec: z.number().positive().default(30),
      /** Per-request deadline in seconds. */
      requestTimeoutSec: z.number().positive().default(30),
    })
    .optional(),
});

/** The validated `services.orderbook` config. */
export type OrderbookConfig = z.infer<typeof orderbookConfigSchema>;

/**
 * The node's `orderbook` service: what the dashboard and `GET /api/orderbook` read. Besides the
 * usual service members it offers the book in ob-watcher's JSON shape and a change subscription.
 */
export interface OrderbookService extends Service {
  /** The current book, `{ offers, fidelitybonds }` (empty before start). */
  snapshot(): OrderbookJson;
  /** Calls `listener` after every change of the book; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** True when a service is the orderbook service (it has `snapshot` and `subscribe`). */
export function isOrderbookService(service: Service | undefined): service is OrderbookService {
  return (
    service !== undefined &&
    typeof (service as Partial<OrderbookService>).snapshot === 'function' &&
    typeof (service as Partial<OrderbookService>).subscribe === 'function'
  );
}

function splitHostPort(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  return { host: text.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(text.slice(colon + 1)) };
}

/** Extra parts the node can hand the service (the chain view for bonds). */
export interface OrderbookServiceParts {
  /** Checks bonds on chain; without it bonds are shown as `unchecked`. */
  bonds?: BondAssessor;
}

/** Builds the (not started) watcher a config describes. */
export function createOrderbookWatcher(
  config: OrderbookConfig,
  parts: OrderbookServiceParts & { logger?: Logger } = {},
): OrderbookWatcher {
  const directories = config.directories.length > 0 ? config.directories : defaultDirectories(config.network);
  const proxy = proxyOf(config);
  const socks = proxy === undefined ? undefined : splitHostPort(proxy);
  const taker = new MultiDirectoryClient({
    directoryServers: directories,
    identity: NickIdentity.generate(),
    network: config.network,
    connectionTimeout: config.connectTimeoutSec * 1000,
    preferDirectConnections: false,
    ...(socks === undefined ? {} : { socksHost: socks.host, socksPort: socks.port }),
    ...(parts.logger === undefined ? {} : { logger: parts.logger }),
  });
  return new OrderbookWatcher({
    taker,
    refreshInterval: config.refreshIntervalSec * 1000,
    minWait: config.minWaitSec * 1000,
    quietPeriod: config.quietPeriodSec * 1000,
    timeout: config.timeoutSec * 1000,
    missingRefreshes: config.missingRefreshes,
    ...(parts.bonds === undefined ? {} : { bonds: parts.bonds }),
    ...(parts.logger === undefined ? {} : { logger: parts.logger }),
  });
}

/** The SOCKS proxy of a config: `proxy`, else the old key `socks`. */
function proxyOf(config: OrderbookConfig): string | undefined {
  return config.proxy ?? config.socks;
}

/** The Electrum chain view of the `electrum` section (through `proxy` when one is set). */
function electrumChainFor(config: OrderbookConfig, logger: Logger): ElectrumChain {
  const e = config.electrum!;
  const proxy = proxyOf(config);
  const server = splitHostPort(e.server);
  return new ElectrumChain({
    ...server,
    transport: e.transport,
    connectTimeout: e.connectTimeoutSec * 1000,
    requestTimeout: e.requestTimeoutSec * 1000,
    logger,
    ...(proxy === undefined ? {} : { proxy: splitHostPort(proxy) }),
  });
}

const EMPTY_BOOK: OrderbookJson = { offers: [], fidelitybonds: [] };

/**
 * The node's orderbook watcher: joins the configured (or default) directories with a throwaway
 * nick, collects the book every `refreshIntervalSec`, and keeps it for the dashboard.
 *
 * @example
 * ```json
 * { "services": { "orderbook": { "enabled": true, "network": "signet",
 *   "directories": ["127.0.0.1:5222"], "refreshIntervalSec": 60 } } }
 * ```
 */
export const orderbookServiceDefinition: ServiceDefinition<OrderbookConfig> = {
  name: 'orderbook',
  schema: orderbookConfigSchema,
  create(config, ctx): OrderbookService {
    if (config.socks !== undefined) {
      ctx.logger.warn(
        { key: 'services.orderbook.socks', use: 'services.orderbook.proxy' },
        config.proxy === undefined
          ? 'services.orderbook.socks is renamed services.orderbook.proxy; using it as proxy (the old name goes in the next release)'
          : 'services.orderbook.socks is renamed services.orderbook.proxy; both are set, so proxy is used and socks ignored',
      );
    }
    const chain = config.electrum === undefined ? undefined : electrumChainFor(config, ctx.logger);
    const watcher = createOrderbookWatcher(config, {
      logger: ctx.logger,
      ...(chain === undefined ? {} : { bonds: new ChainBondAssessor({ chain }) }),
    });
    let started = false;
    let stopping: Promise<void> | undefined;
    return {
      name: 'orderbook',
      async start() {
        started = true;
        await watcher.start();
      },
      stop() {
        stopping ??= (async () => {
          await watcher.stop();
          await chain?.close();
        })();
        return stopping;
      },
      get stats() {
        // `connections` (directories connected) and `peers` (makers in the book) are gauges.
        const makers = new Set(watcher.offers().map((o) => o.counterparty)).size;
        return { ...watcher.stats, connections: watcher.taker.clients.size, peers: makers };
      },
      info() {
        const last = watcher.lastRefresh;
        return {
          network: config.network,
          directories: watcher.taker.directoryServers.length,
          connected: [...watcher.taker.clients.keys()],
          // Why each directory that is not connected failed (refused, timeout, SOCKS error...),
          // so /health and the dashboard say why the book is empty when offline or without Tor.
          failures: Object.fromEntries(
            [...watcher.taker.failures()].map(([server, f]) => [server, `${f.reason}: ${f.message}`]),
          ),
          offers: watcher.offers().length,
          ...(last === undefined ? {} : { lastRefresh: last }),
        };
      },
      snapshot() {
        return started ? watcher.snapshot() : { offers: [...EMPTY_BOOK.offers], fidelitybonds: [] };
      },
      subscribe(listener) {
        const onChange = (): void => listener();
        watcher.on('change', onChange);
        return () => {
          watcher.off('change', onChange);
        };
      },
    };
  },
};
