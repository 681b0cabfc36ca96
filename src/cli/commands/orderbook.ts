import type { Command } from 'commander';
import { stopOnSignals } from '../../core/index.js';
import {
  BITCOIN_NETWORKS,
  MultiDirectoryClient,
  NickIdentity,
  type BitcoinNetwork,
  type OrderbookEntry,
  type OrderbookProgress,
} from '../../directory/index.js';
import { isOnion, parseAddress } from '../../transport/index.js';
import { addCommonOptions, type CommonFlags } from '../common-options.js';
import { ORDERBOOK_PROGRESS_MS } from '../constants.js';
import { optionError } from '../errors.js';
import { createCliLogger } from '../logging.js';
import { collect, hostPort, oneOf, secondsOption } from '../parse-flags.js';

/** The flags of `orderbook`; durations in milliseconds (the flags are in seconds). */
export interface OrderbookFlags extends CommonFlags {
  directory: string[];
  proxy?: string;
  network: BitcoinNetwork;
  timeout: number;
  minWait: number;
  quietPeriod: number;
  connectTimeout: number;
}

/**
 * `peerway orderbook`: joins the given directories with a throwaway nick, asks every maker for its
 * offers, logs progress on stderr, and prints the merged orderbook (table or JSON) on stdout.
 */
export function registerOrderbookCommands(program: Command): void {
  const command = program
    .command('orderbook')
    .description('collect the JoinMarket orderbook from one or more directories and print it')
    .requiredOption('--directory <host:port>', 'a directory to ask (repeat for several)', collect)
    .option('--proxy <host:port>', 'SOCKS5 proxy (Tor) for .onion directories and makers', hostPort)
    .option('--network <name>', BITCOIN_NETWORKS.join(', '), oneOf(BITCOIN_NETWORKS), 'mainnet')
    .addOption(secondsOption('--timeout <seconds>', 'longest collection', 120))
    .addOption(secondsOption('--min-wait <seconds>', 'collect at least this long', 30))
    .addOption(secondsOption('--quiet-period <seconds>', 'then stop once no offer arrived for this long', 15))
    .addOption(
      secondsOption('--connect-timeout <seconds>', 'connect + handshake deadline per directory', 120),
    );
  addCommonOptions(command, { dataDirHelp: 'data directory (orderbook keeps nothing there)' }).action(
    (flags: OrderbookFlags) => collectOrderbook(flags),
  );
}

/** Checks every `--directory` now; an onion directory needs `--proxy`. */
export function checkDirectories(directories: readonly string[], proxy: string | undefined): void {
  for (const text of directories) {
    let host: string;
    try {
      host = parseAddress(text, { defaultPort: 5222 }).host;
    } catch (err) {
      throw optionError('--directory', err instanceof Error ? err.message : String(err));
    }
    if (proxy === undefined && isOnion(host)) {
      throw optionError('--directory', `${host} is an onion address: it needs --proxy (tor's SOCKS port)`);
    }
  }
}

async function collectOrderbook(flags: OrderbookFlags): Promise<void> {
  checkDirectories(flags.directory, flags.proxy);
  const logger = createCliLogger({ level: flags.logLevel });
  const socks = flags.proxy === undefined ? undefined : parseAddress(flags.proxy);
  const taker = new MultiDirectoryClient({
    directoryServers: flags.directory,
    identity: NickIdentity.generate(),
    network: flags.network,
    connectionTimeout: flags.connectTimeout,
    preferDirectConnections: false,
    streamIsolation: socks !== undefined,
    logger,
    ...(socks === undefined ? {} : { socksHost: socks.host, socksPort: socks.port }),
  });
  const removeHandlers = stopOnSignals(taker);
  try {
    const connected = await taker.connectAll();
    const total = flags.directory.length;
    logger.info({ connected, total }, `connected to ${connected} of ${total} directories`);
    if (connected === 0) {
      throw optionError('--directory', `no directory could be reached (${flags.directory.join(', ')})`);
    }
    let last = 0;
    const show = (p: OrderbookProgress, force = false): void => {
      const now = Date.now();
      if (!force && now - last < ORDERBOOK_PROGRESS_MS) return;
      last = now;
      logger.info(
        { ...p },
        `offers ${p.offers} from ${p.counterparties} makers, directories answered ${p.directoriesAnswered}/${connected}`,
      );
    };
    const book = await taker.fetchOrderbook({
      timeout: flags.timeout,
      minWait: flags.minWait,
      quietPeriod: flags.quietPeriod,
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
    logger.info(
      { reason: book.reason, elapsedMs: book.elapsedMs },
      `done (${book.reason}) after ${(book.elapsedMs / 1000).toFixed(1)} s`,
    );
    process.stdout.write(
      flags.json === true ? JSON.stringify(book.offers.map(toJson), null, 2) + '\n' : table(book.offers),
    );
  } finally {
    removeHandlers();
    await taker.stop();
  }
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
