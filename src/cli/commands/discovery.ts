/**
 * `peerway discovery crawl` and `peerway discovery serve`: thin wrappers that parse flags, call the
 * discovery library and print.
 *
 * @module
 */
import type { Command } from 'commander';
import { stopOnSignals } from '../../core/index.js';
import { crawl, type CrawlResult } from '../../discovery/index.js';
import type { ConfigLayer, PeerwayNode } from '../../node/index.js';
import { parseAddress, type SocksProxy } from '../../transport/index.js';
import { TOR_SOCKS_PORT } from '../constants.js';
import { collect, nonNegativeInt, port } from '../parse-flags.js';
import { printHttp, serviceInfo } from '../print-node.js';
import { runNode } from '../run-node.js';
import { addServeOptions, oneServiceLayers, serviceLayer, type ServeFlags } from '../serve-options.js';

const SERVICE = 'discovery';

/** The flags of `discovery serve`. */
export interface DiscoveryServeFlags extends ServeFlags {
  host: string;
  tcpPort: number;
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

  discovery
    .command('crawl')
    .description('walk a discovery network from seeds (read-only) and print what answered')
    .requiredOption(
      '--seed <host:port>',
      'a server to start from (repeatable; also "host s50002 t50001")',
      collect,
      [],
    )
    .option('--socks <host:port|auto>', 'SOCKS5 proxy (needed for .onion servers)')
    .option('--max <n>', 'visit at most this many servers', nonNegativeInt, 1000)
    .option('--concurrency <n>', 'servers visited at once', nonNegativeInt, 16)
    .option('--timeout <ms>', 'connect and per-request timeout', nonNegativeInt, 10_000)
    .option('--genesis <hash>', 'follow only servers of this network')
    .option('--json', 'print the results as JSON')
    .action(
      async (opts: {
        seed: string[];
        socks?: string;
        max: number;
        concurrency: number;
        timeout: number;
        genesis?: string;
        json?: boolean;
      }) => {
        const controller = new AbortController();
        const removeHandlers = stopOnSignals({
          stop: () => {
            controller.abort();
            return Promise.resolve();
          },
        });
        const tty = process.stderr.isTTY;
        try {
          const results = await crawl({
            seeds: opts.seed,
            proxy: socksProxy(opts.socks),
            max: opts.max,
            concurrency: opts.concurrency,
            connectTimeout: opts.timeout,
            requestTimeout: opts.timeout,
            genesisHash: opts.genesis,
            signal: controller.signal,
            onProgress: (p) => {
              const line = `visited ${p.visited}  verified ${p.verified}  in flight ${p.inFlight}  queued ${p.queued}`;
              if (tty) process.stderr.write(`\r${line}   `);
              else if (p.visited % 50 === 0) process.stderr.write(`${line}\n`);
            },
          });
          if (tty) process.stderr.write('\n');
          process.stdout.write(
            opts.json === true ? JSON.stringify(results, null, 2) + '\n' : formatCrawlTable(results) + '\n',
          );
        } finally {
          removeHandlers();
        }
      },
    );

  const serve = discovery
    .command('serve')
    .description('run a discovery node until interrupted')
    .option('--data-dir <dir>', 'where the database and TLS certificate live', 'data')
    .option('--host <addr>', 'interface to listen on', '127.0.0.1')
    .option('--tcp-port <n>', 'TCP port (0 picks one)', port, 50001)
    .option('--ssl-port <n>', 'TLS port (0 picks one)', port, 50002)
    .option('--no-ssl', 'no TLS listener')
    .option('--report-host <name>', 'host name advertised in server.features (repeatable)', collect, [])
    .option('--genesis <hash>', 'network id (genesis hash, display hex; default: Bitcoin mainnet)')
    .option('--seed <peer>', 'default peer for an empty database (repeatable)', collect, [])
    .option('--proxy <host:port|auto>', 'Tor SOCKS5 proxy')
    .option('--private', 'admit private addresses (test networks)')
    .option('--announce', 'announce ourselves to verified peers with server.add_peer');
  addServeOptions(serve).action((flags: DiscoveryServeFlags) =>
    runNode({ config: { layers: discoveryLayers(flags) }, required: SERVICE, onStarted: printDiscovery }),
  );
}

/** The node config layers `discovery serve` runs with. */
export function discoveryLayers(flags: DiscoveryServeFlags): ConfigLayer[] {
  const set = (flag: string, field: string, value: unknown): ConfigLayer =>
    serviceLayer(SERVICE, flag, field, value);
  const layers = [
    ...oneServiceLayers(SERVICE, flags),
    set('--host', 'host', flags.host),
    set('--tcp-port', 'tcpPort', flags.tcpPort),
    set(flags.ssl ? '--ssl-port' : '--no-ssl', 'sslPort', flags.ssl ? flags.sslPort : null),
    set('--report-host', 'reportedHosts', flags.reportHost),
    set('--seed', 'seeds', flags.seed),
    set('--private', 'privateNetwork', flags.private === true),
    set('--announce', 'announce', flags.announce === true),
  ];
  if (flags.genesis !== undefined) layers.push(set('--genesis', 'genesisHash', flags.genesis));
  if (flags.proxy !== undefined) layers.push(set('--proxy', 'proxy', flags.proxy));
  return layers;
}

function printDiscovery(node: PeerwayNode): void {
  const info = serviceInfo(node, SERVICE);
  const show = (p: unknown): string => (typeof p === 'number' ? String(p) : '-');
  process.stdout.write(`discovery node listening: tcp ${show(info.tcpPort)}  ssl ${show(info.sslPort)}\n`);
  printHttp(node);
}
