import type { Command } from 'commander';
import { stopOnSignals } from '../../core/index.js';
import {
  MultiDirectoryClient,
  NickIdentity,
  type OrderbookEntry,
  type OrderbookProgress,
} from '../../directory/index.js';

interface OrderbookFlags {
  directory: string[];
  socks?: string;
  json?: boolean;
  network: string;
  timeout: string;
  minWait: string;
  quietPeriod: string;
  connectTimeout: string;
}

/**
 * `peerway orderbook`: joins the given directories with a throwaway nick, asks every maker for its
 * offers, shows progress on stderr, and prints the merged orderbook (table or JSON) on stdout.
 */
export function registerOrderbookCommands(program: Command): void {
  program
    .command('orderbook')
    .description('collect the JoinMarket orderbook from one or more directories and print it')
    .requiredOption(
      '--directory <host:port>',
      'a directory to ask (repeat for several)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--socks <host:port>', 'SOCKS5 proxy (Tor) for .onion directories and makers')
    .option('--json', 'print JSON instead of a table')
    .option('--network <name>', 'mainnet, testnet, signet or regtest', 'mainnet')
    .option('--timeout <seconds>', 'longest collection', '120')
    .option('--min-wait <seconds>', 'collect at least this long', '30')
    .option('--quiet-period <seconds>', 'then stop once no offer arrived for this long', '15')
    .option('--connect-timeout <seconds>', 'connect + handshake deadline per directory', '120')
    .action((flags: OrderbookFlags) => collect(flags));
}

function seconds(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number of seconds`);
  return Math.round(value * 1000);
}

async function collect(flags: OrderbookFlags): Promise<void> {
  const socks = flags.socks === undefined ? undefined : splitHostPort(flags.socks);
  const taker = new MultiDirectoryClient({
    directoryServers: flags.directory,
    identity: NickIdentity.generate(),
    network: flags.network,
    connectionTimeout: seconds(flags.connectTimeout, 'connect-timeout'),
    preferDirectConnections: false,
    streamIsolation: socks !== undefined,
    ...(socks === undefined ? {} : { socksHost: socks.host, socksPort: socks.port }),
  });
  const removeHandlers = stopOnSignals(taker);
  try {
    const connected = await taker.connectAll();
    const total = flags.directory.length;
    process.stderr.write(`connected to ${connected} of ${total} directories\n`);
    if (connected === 0) {
      process.exitCode = 1;
      return;
    }
    let last = 0;
    const show = (p: OrderbookProgress, force = false): void => {
      const now = Date.now();
      if (!force && now - last < 250) return;
      last = now;
      process.stderr.write(
        `offers ${p.offers} from ${p.counterparties} makers, directories answered ${p.directoriesAnswered}/${connected}\n`,
      );
    };
    const book = await taker.fetchOrderbook({
      timeout: seconds(flags.timeout, 'timeout'),
      minWait: seconds(flags.minWait, 'min-wait'),
      quietPeriod: seconds(flags.quietPeriod, 'quiet-period'),
      onProgress: (p) => show(p),
    });
    const makers = new Set(book.offers.map((o) => o.counterparty)).size;
    show(
      {
        offers: book.offers.length,
        counterparties: makers,
        directoriesAnswered: book.directoriesAnswered.length,
      },
      true,
    );
    process.stderr.write(`done (${book.reason}) after ${(book.elapsedMs / 1000).toFixed(1)} s\n`);
    process.stdout.write(
      flags.json === true ? JSON.stringify(book.offers.map(toJson), null, 2) + '\n' : table(book.offers),
    );
  } finally {
    removeHandlers();
    await taker.stop();
  }
}

function splitHostPort(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const port = Number(text.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(`--socks wants host:port, got ${text}`);
  }
  return { host: text.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}

function toJson(o: OrderbookEntry): Record<string, unknown> {
  return {
    counterparty: o.counterparty,
    oid: o.oid,
    type: o.type,
    minsize: o.minsize,
    maxsize: o.maxsize,
    txfee: o.txfee,
    cjfee: o.cjfee,
    bond:
      o.bond === undefined
        ? null
        : { utxo: `${o.bond.txid}:${o.bond.vout}`, locktime: o.bond.locktime, certExpiry: o.bond.certExpiry },
    sources: o.sources,
  };
}

function table(offers: readonly OrderbookEntry[]): string {
  const head = ['maker', 'oid', 'type', 'min size', 'max size', 'fee', 'bond'];
  const rows = offers.map((o) => [
    o.counterparty,
    String(o.oid),
    o.type,
    String(o.minsize),
    String(o.maxsize),
    o.type.includes('rel') ? `${o.cjfee} (rel)` : `${o.cjfee} sat`,
    o.bond === undefined ? '-' : `${o.bond.txid.slice(0, 12)}…:${o.bond.vout}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + `\n${offers.length} offers\n`;
}
