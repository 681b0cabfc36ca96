/**
 * `peerway discovery crawl` and `peerway discovery serve`: thin wrappers that parse flags, call the
 * discovery library and print.
 *
 * @module
 */
import type { Command } from 'commander';
import { ErrorCodes, PeerwayError, stopOnSignals } from '../../core/index.js';
import { crawl, parseSeed, type CrawlResult } from '../../discovery/index.js';
import type { ConfigLayer, PeerwayNode } from '../../node/index.js';
import { isOnion, parseAddress, type SocksProxy } from '../../transport/index.js';
import { addCommonOptions, type CommonFlags } from '../common-options.js';
import { CRAWL_PROGRESS_MS, TOR_SOCKS_PORT } from '../constants.js';
import { optionError } from '../errors.js';
import { createCliLogger } from '../logging.js';
import {
  collect,
  hostPort,
  listenAddress,
  parseListenAddress,
  port,
  positiveInt,
  secondsOption,
} from '../parse-flags.js';
import { httpUrls, printHttp, printJsonLine, serviceInfo } from '../print-node.js';
import { runNode } from '../run-node.js';
import {
  addServeOptions,
  oneServiceLayers,
  serviceLayer,
  splitByValueSource,
  type ServeFlags,
} from '../serve-options.js';

const SERVICE = 'discovery';

/** The flags of `discovery crawl`. */
export interface CrawlFlags extends CommonFlags {
  seed?: string[];
  proxy?: string;
  max: number;
  concurrency: number;
  /** `--timeout` in milliseconds (the flag is in seconds). */
  timeout: number;
  genesis?: string;
}

/** The flags of `discovery serve`. */
export interface DiscoveryServeFlags extends ServeFlags {
  listen: string;
  sslPort: number;
  ssl: boolean;
  reportHost: string[];
  genesis?: string;
  seed: string[];
  proxy?: string;
  private?: boolean;
  announce?: boolean;
}

/** `host:port` of a SOCKS5 proxy; `auto` is tor's default port on loopback. */
function socksProxy(text: string | undefined): SocksProxy | undefined {
  if (text === undefined) return undefined;
  if (text === 'auto') return { host: '127.0.0.1', port: TOR_SOCKS_PORT };
  const { host, port } = parseAddress(text);
  return { host, port };
}

/** A `--proxy` value: `host:port` or `auto`. */
function proxyFlag(value: string): string {
  return value === 'auto' ? value : hostPort(value);
}

/**
 * Checks every `--seed` now: a seed that does not parse, or an onion seed without `--proxy`,
 * fails the command instead of being skipped.
 */
export function checkSeeds(seeds: readonly string[], proxy: string | undefined): void {
  for (const seed of seeds) {
    let host: string;
    try {
      host = parseSeed(seed).host;
    } catch {
      throw optionError(
        '--seed',
        `bad seed ${JSON.stringify(seed)} (expected host:port or "host s50002 t50001")`,
      );
    }
    if (proxy === undefined && isOnion(host)) {
      throw optionError(
        '--seed',
        `${host} is an onion address: it needs --proxy (tor's SOCKS port, or auto)`,
      );
    }
  }
}

function ago(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s}s ago` : `${Math.round(s / 60)}m ago`;
}

/** Formats crawl results as an aligned text table. */
export function formatCrawlTable(results: readonly CrawlResult[]): string {
  const rows = [
    ['HOST', 'PORTS', 'VERSION', 'SERVER', 'LAST SEEN', 'VERIFIED'],
    ...[...results]
      .sort((a, b) => Number(b.verified) - Number(a.verified) || a.host.localeCompare(b.host))
      .map((r) => [
        r.host,
        [r.sslPort === null ? '' : `s${r.sslPort}`, r.tcpPort === null ? '' : `t${r.tcpPort}`]
          .filter(Boolean)
          .join(' '),
        r.version ?? '-',
        (r.serverVersion ?? '-').slice(0, 30),
        ago(r.lastSeen),
        r.verified ? 'yes' : `no${r.error === null ? '' : ` (${r.error.slice(0, 60)})`}`,
      ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/**
 * Adds `discovery crawl` and `discovery serve` to the program.
 *
 * @example
 * ```ts
 * const program = new Command('peerway');
 * registerDiscoveryCommands(program);
 * await program.parseAsync(process.argv);
 * ```
 */
export function registerDiscoveryCommands(program: Command): void {
  const discovery = program.command('discovery').description('ElectrumX-style server peer discovery');

  const crawlCommand = discovery
    .command('crawl')
    .description('walk a discovery network from seeds (read-only) and print what answered')
    .option('--seed <host:port>', 'a server to start from (repeatable; also "host s50002 t50001")', collect)
    .option('--proxy <host:port|auto>', 'SOCKS5 proxy (needed for .onion servers)', proxyFlag)
    .option('--max <n>', 'visit at most this many servers', positiveInt, 1000)
    .option('--concurrency <n>', 'servers visited at once', positiveInt, 16)
    .addOption(secondsOption('--timeout <seconds>', 'connect and per-request timeout', 10))
    .option('--genesis <hash>', 'follow only servers of this network');
  addCommonOptions(crawlCommand, { dataDirHelp: 'data directory (crawl keeps nothing there)' }).action(
    (flags: CrawlFlags) => runCrawl(flags),
  );

  const serve = discovery
    .command('serve')
    .description('run a discovery node until interrupted')
    .option(
      '--listen <host:port>',
      'TCP address to listen on (port 0 picks one)',
      listenAddress,
      '127.0.0.1:50001',
    )
    .option('--ssl-port <port>', 'TLS port on the same host (0 picks one)', port, 50002)
    .option('--no-ssl', 'no TLS listener')
    .option('--report-host <name>', 'host name advertised in server.features (repeatable)', collect, [])
    .option('--genesis <hash>', 'network id (genesis hash, display hex; default: Bitcoin mainnet)')
    .option('--seed <peer>', 'default peer for an empty database (repeatable)', collect, [])
    .option('--proxy <host:port|auto>', 'Tor SOCKS5 proxy', proxyFlag)
    .option('--private', 'admit private addresses (test networks)')
    .option('--announce', 'announce ourselves to verified peers with server.add_peer');
  addServeOptions(serve, 'where the database and TLS certificate live').action(
    (flags: DiscoveryServeFlags, command: Command) => {
      checkSeeds(flags.seed, flags.proxy);
      return runNode({
        config: { env: process.env, ...splitByValueSource(command, discoveryLayers(flags)) },
        required: SERVICE,
        statsIntervalMs: flags.statsInterval,
        onStarted: (node) => printDiscovery(node, flags.json === true),
      });
    },
  );
}

async function runCrawl(flags: CrawlFlags): Promise<void> {
  const seeds = flags.seed ?? [];
  if (seeds.length === 0) throw optionError('--seed', 'give at least one server to start from');
  checkSeeds(seeds, flags.proxy);
  const logger = createCliLogger({ level: flags.logLevel });
  const controller = new AbortController();
  const removeHandlers = stopOnSignals({
    stop: () => {
      controller.abort();
      return Promise.resolve();
    },
  });
  let lastProgress = 0;
  let results: CrawlResult[];
  try {
    results = await crawl({
      seeds,
      proxy: socksProxy(flags.proxy),
      max: flags.max,
      concurrency: flags.concurrency,
      connectTimeout: flags.timeout,
      requestTimeout: flags.timeout,
      genesisHash: flags.genesis,
      signal: controller.signal,
      logger,
      onProgress: (p) => {
        const now = Date.now();
        if (now - lastProgress < CRAWL_PROGRESS_MS) return;
        lastProgress = now;
        logger.info({ ...p }, 'crawling');
      },
    });
  } finally {
    removeHandlers();
  }
  const answered = results.filter((r) => r.lastSeen !== null).length;
  const verified = results.filter((r) => r.verified).length;
  logger.info({ visited: results.length, answered, verified }, 'crawl done');
  process.stdout.write(
    flags.json === true ? JSON.stringify(results, null, 2) + '\n' : formatCrawlTable(results) + '\n',
  );
  if (answered === 0) {
    // Nothing answered: say why for each seed, and fail, so a script sees it.
    const reasons = results.map((r) => `${r.host}: ${r.error ?? 'no answer'}`).join('; ');
    throw new PeerwayError(ErrorCodes.DISCOVERY_UNREACHABLE, `crawl failed: no server answered (${reasons})`);
  }
}

/** The node config layers `discovery serve` runs with. */
export function discoveryLayers(flags: DiscoveryServeFlags): ConfigLayer[] {
  const set = (flag: string, field: string, value: unknown): ConfigLayer =>
    serviceLayer(SERVICE, flag, field, value);
  const listen = parseListenAddress(flags.listen);
  const layers = [
    ...oneServiceLayers(SERVICE, flags),
    set('--listen', 'host', listen.host),
    set('--listen', 'tcpPort', listen.port),
    set(flags.ssl ? '--ssl-port' : '--no-ssl', 'sslPort', flags.ssl ? flags.sslPort : null),
    set('--report-host', 'reportedHosts', flags.reportHost),
    set('--seed', 'seeds', flags.seed),
  ];
  if (flags.private !== undefined) layers.push(set('--private', 'privateNetwork', flags.private));
  if (flags.announce !== undefined) layers.push(set('--announce', 'announce', flags.announce));
  if (flags.genesis !== undefined) layers.push(set('--genesis', 'genesisHash', flags.genesis));
  if (flags.proxy !== undefined) layers.push(set('--proxy', 'proxy', flags.proxy));
  return layers;
}

function printDiscovery(node: PeerwayNode, json: boolean): void {
  const info = serviceInfo(node, SERVICE);
  if (json) {
    printJsonLine({ tcpPort: info.tcpPort ?? null, sslPort: info.sslPort ?? null, ...httpUrls(node) });
    return;
  }
  const show = (p: unknown): string => (typeof p === 'number' ? String(p) : '-');
  process.stdout.write(`discovery node listening: tcp ${show(info.tcpPort)}  ssl ${show(info.sslPort)}\n`);
  printHttp(node);
}
