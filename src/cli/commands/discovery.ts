/**
 * `peerway discovery crawl` and `peerway discovery serve`: thin wrappers that parse flags, call the
 * discovery library and print.
 *
 * @module
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { crawl, type CrawlResult } from '../../discovery/index.js';
import { openStoreOrRecover } from '../../store/index.js';
import {
  BITCOIN_MAINNET_GENESIS,
  createDiscoveryNode,
  discoveryConfigSchema,
  parseProxy,
} from '../../node/discovery-service.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a non-negative integer: ${value}`);
  return n;
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
    .option('--socks <host:port>', 'SOCKS5 proxy (needed for .onion servers)')
    .option('--max <n>', 'visit at most this many servers', int, 1000)
    .option('--concurrency <n>', 'servers visited at once', int, 16)
    .option('--timeout <ms>', 'connect and per-request timeout', int, 10_000)
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
        const proxy = parseProxy(opts.socks);
        const controller = new AbortController();
        const onSignal = (): void => controller.abort();
        process.once('SIGINT', onSignal);
        const tty = process.stderr.isTTY;
        try {
          const results = await crawl({
            seeds: opts.seed,
            proxy: proxy === 'auto' ? { host: '127.0.0.1', port: 9050 } : proxy,
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
          process.off('SIGINT', onSignal);
        }
      },
    );

  discovery
    .command('serve')
    .description('run a discovery node until interrupted')
    .option('--data-dir <dir>', 'where the database and TLS certificate live', 'data')
    .option('--host <addr>', 'interface to listen on', '127.0.0.1')
    .option('--tcp-port <n>', 'TCP port (0 picks one)', int, 50001)
    .option('--ssl-port <n>', 'TLS port (0 picks one)', int, 50002)
    .option('--no-ssl', 'no TLS listener')
    .option('--report-host <name>', 'host name advertised in server.features (repeatable)', collect, [])
    .option('--genesis <hash>', 'network id (genesis hash, display hex)', BITCOIN_MAINNET_GENESIS)
    .option('--seed <peer>', 'default peer for an empty database (repeatable)', collect, [])
    .option('--proxy <host:port|auto>', 'Tor SOCKS5 proxy')
    .option('--private', 'admit private addresses (test networks)')
    .option('--announce', 'announce ourselves to verified peers with server.add_peer')
    .action(
      async (opts: {
        dataDir: string;
        host: string;
        tcpPort: number;
        sslPort: number;
        ssl: boolean;
        reportHost: string[];
        genesis: string;
        seed: string[];
        proxy?: string;
        private?: boolean;
        announce?: boolean;
      }) => {
        const logger = pino({ name: 'discovery' });
        const config = discoveryConfigSchema.parse({
          enabled: true,
          host: opts.host,
          tcpPort: opts.tcpPort,
          sslPort: opts.ssl ? opts.sslPort : null,
          reportedHosts: opts.reportHost,
          genesisHash: opts.genesis,
          seeds: opts.seed,
          proxy: opts.proxy,
          privateNetwork: opts.private === true,
          announce: opts.announce === true,
        });
        const store = openStoreOrRecover(join(opts.dataDir, 'peerway.sqlite'), { logger });
        const node = createDiscoveryNode(config, { logger, dataDir: opts.dataDir, store });
        await node.start();
        process.stdout.write(
          `discovery node listening: tcp ${node.tcpPort ?? '-'}  ssl ${node.sslPort ?? '-'}\n`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await node.stop();
        store.close();
      },
    );
}
