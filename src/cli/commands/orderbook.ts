import type { Command } from 'commander';
import { stopOnSignals } from '../../core/index.js';
import {
  BITCOIN_NETWORKS,
  ChainBondAssessor,
  defaultDirectories,
  MultiDirectoryClient,
  NickIdentity,
  OrderbookWatcher,
  toOrderbookJson,
  type AssessedBond,
  type BitcoinNetwork,
  type BondAssessor,
  type FidelityBondProof,
  type OrderbookEntry,
  type OrderbookProgress,
} from '../../directory/index.js';
import { ElectrumChain } from '../../node/index.js';
import { isOnion, parseAddress } from '../../transport/index.js';
import { addCommonOptions, type CommonFlags } from '../common-options.js';
import { CONNECT_PROGRESS_MS, ORDERBOOK_PROGRESS_MS } from '../constants.js';
import { optionError, usageError } from '../errors.js';
import { createCliLogger } from '../logging.js';
import { collect, hostPort, oneOf, secondsOption } from '../parse-flags.js';

/** The flags of `orderbook`; durations in milliseconds (the flags are in seconds). */
export interface OrderbookFlags extends CommonFlags {
  directory?: string[];
  watch?: boolean;
  refresh: number;
  electrum?: string;
  electrumTransport: 'tcp' | 'ssl';
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
    .option(
      '--directory <host:port>',
      "a directory to ask (repeat for several); default: the network's known directories",
      collect,
    )
    .option('--watch', 'keep watching: refresh the book and report offers appearing, changing and leaving')
    .addOption(secondsOption('--refresh <seconds>', 'with --watch: pause between collections', 60))
    .option('--electrum <host:port>', 'check fidelity bonds on chain through this Electrum server', hostPort)
    .option('--electrum-transport <kind>', 'tcp or ssl', oneOf(['tcp', 'ssl'] as const), 'ssl')
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

/** The directories to ask: the flags', else the network's default list (an error when it has none). */
function directoriesOf(flags: OrderbookFlags): string[] {
  if (flags.directory !== undefined && flags.directory.length > 0) return flags.directory;
  const defaults = defaultDirectories(flags.network);
  if (defaults.length === 0) {
    throw usageError('--directory', `no default directories for ${flags.network}: name one or more`);
  }
  return defaults;
}

function electrumOf(flags: OrderbookFlags): ElectrumChain | undefined {
  if (flags.electrum === undefined) return undefined;
  const server = parseAddress(flags.electrum);
  const proxy = flags.proxy === undefined ? undefined : parseAddress(flags.proxy);
  return new ElectrumChain({
    host: server.host,
    port: server.port,
    transport: flags.electrumTransport,
    ...(proxy === undefined ? {} : { proxy: { host: proxy.host, port: proxy.port } }),
  });
}

async function collectOrderbook(flags: OrderbookFlags): Promise<void> {
  const directories = directoriesOf(flags);
  checkDirectories(directories, flags.proxy);
  const logger = createCliLogger({ level: flags.logLevel });
  const socks = flags.proxy === undefined ? undefined : parseAddress(flags.proxy);
  const taker = new MultiDirectoryClient({
    directoryServers: directories,
    identity: NickIdentity.generate(),
    network: flags.network,
    connectionTimeout: flags.connectTimeout,
    preferDirectConnections: false,
    streamIsolation: socks !== undefined,
    logger,
    ...(socks === undefined ? {} : { socksHost: socks.host, socksPort: socks.port }),
  });
  const chain = electrumOf(flags);
  const bonds = chain === undefined ? undefined : new ChainBondAssessor({ chain });
  // Ctrl-C ends everything at once: dials in flight and the collection are aborted, not awaited.
  const abort = new AbortController();
  const stopAll = {
    stop: async (): Promise<void> => {
      abort.abort();
      await taker.stop();
    },
  };
  const removeHandlers = stopOnSignals(stopAll);
  try {
    if (flags.watch === true) await watch(flags, taker, bonds, logger, abort.signal);
    else await once(flags, taker, bonds, logger, abort.signal);
  } finally {
    removeHandlers();
    await taker.stop();
    await chain?.close();
  }
}

type CliLogger = ReturnType<typeof createCliLogger>;

/** Logs how many directories answered and, for each one that did not, why. */
function reportConnections(taker: MultiDirectoryClient, logger: CliLogger): number {
  const connected = taker.clients.size;
  const total = taker.directoryServers.length;
  logger.info({ connected, total }, `connected to ${connected} of ${total} directories`);
  for (const [server, failure] of taker.failures()) {
    logger.warn({ server, ...failure }, `directory ${server}: ${failure.reason} (${failure.code})`);
  }
  return connected;
}

async function connect(taker: MultiDirectoryClient, logger: CliLogger, signal: AbortSignal): Promise<number> {
  const total = taker.directoryServers.length;
  // Progress while dialling: Tor dials take long, and a silent terminal looks hung.
  let shown = 0;
  const progress = setInterval(() => {
    const up = [...taker.clients.values()].length;
    if (up === shown) return;
    shown = up;
    logger.info({ connected: up, total }, `${up} of ${total} directories connected so far`);
  }, CONNECT_PROGRESS_MS);
  try {
    await taker.connectAll({ signal });
  } finally {
    clearInterval(progress);
  }
  return reportConnections(taker, logger);
}

async function once(
  flags: OrderbookFlags,
  taker: MultiDirectoryClient,
  bonds: BondAssessor | undefined,
  logger: CliLogger,
  signal: AbortSignal,
): Promise<void> {
  const connected = await connect(taker, logger, signal);
  if (signal.aborted) return;
  if (connected === 0) {
    throw optionError('--directory', `no directory could be reached (${taker.directoryServers.join(', ')})`);
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
    signal,
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
  const assessed = await assess(book.offers, bonds, signal);
  process.stdout.write(
    flags.json === true
      ? JSON.stringify(toOrderbookJson(book.offers, assessed), null, 2) + '\n'
      : table(book.offers, assessed),
  );
}

/** One bond per maker, checked on chain when an Electrum server was given. */
async function assess(
  offers: readonly OrderbookEntry[],
  bonds: BondAssessor | undefined,
  signal: AbortSignal,
): Promise<AssessedBond[]> {
  const byMaker = new Map<string, FidelityBondProof>();
  for (const o of offers) if (o.bond !== undefined) byMaker.set(o.counterparty, o.bond);
  const list = [...byMaker]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([counterparty, proof]) => ({ counterparty, proof }));
  if (bonds === undefined || list.length === 0) {
    return list.map((b) => ({ ...b, assessment: { status: 'unchecked', value: 0 } }));
  }
  const results = await bonds.assess(list, { signal });
  return list.map((b, i) => ({ ...b, assessment: results[i]! }));
}

async function watch(
  flags: OrderbookFlags,
  taker: MultiDirectoryClient,
  bonds: BondAssessor | undefined,
  logger: CliLogger,
  signal: AbortSignal,
): Promise<void> {
  const watcher = new OrderbookWatcher({
    taker,
    refreshInterval: flags.refresh,
    timeout: flags.timeout,
    minWait: flags.minWait,
    quietPeriod: flags.quietPeriod,
    ...(bonds === undefined ? {} : { bonds }),
    logger,
  });
  const offer = (o: OrderbookEntry): string =>
    `${o.counterparty} ${o.oid} ${o.type} ${o.minsize}-${o.maxsize} fee ${o.cjfee}`;
  watcher.on('offerAdded', (o) => logger.info({ event: 'added' }, `+ ${offer(o)}`));
  watcher.on('offerChanged', (o) => logger.info({ event: 'changed' }, `~ ${offer(o)}`));
  watcher.on('offerRemoved', (o, why) => logger.info({ event: 'removed', why }, `- ${offer(o)} (${why})`));
  watcher.on('refreshFailed', (why) => logger.warn({ why }, `refresh failed: ${why}`));
  watcher.on('refreshed', (r) => {
    logger.info(
      { ...r },
      `book: ${r.offers} offers (+${r.added} ~${r.changed} -${r.removed}), ${r.directoriesAnswered.length} directories answered`,
    );
    // One line per collection: the whole book in ob-watcher's shape, or the table.
    process.stdout.write(
      flags.json === true
        ? JSON.stringify(watcher.snapshot()) + '\n'
        : table(watcher.offers(), watcher.bonds()),
    );
  });
  const ended = new Promise<void>((resolve) =>
    signal.addEventListener('abort', () => resolve(), { once: true }),
  );
  await watcher.start();
  reportConnections(taker, logger);
  await ended;
  await watcher.stop();
}

function table(offers: readonly OrderbookEntry[], bonds: readonly AssessedBond[] = []): string {
  const head = ['maker', 'oid', 'type', 'min size', 'max size', 'fee', 'bond'];
  const byMaker = new Map(bonds.map((b) => [b.counterparty, b.assessment]));
  const bondText = (o: OrderbookEntry): string => {
    if (o.bond === undefined) return '-';
    const at = `${o.bond.txid.slice(0, 12)}…:${o.bond.vout}`;
    const a = byMaker.get(o.counterparty);
    if (a === undefined || a.status === 'unchecked') return at;
    return a.status === 'valid' ? `${at} value ${a.value.toExponential(3)}` : `${at} invalid (${a.reason})`;
  };
  const rows = offers.map((o) => [
    o.counterparty,
    String(o.oid),
    o.type,
    String(o.minsize),
    String(o.maxsize),
    o.type.includes('rel') ? `${o.cjfee} (rel)` : `${o.cjfee} sat`,
    bondText(o),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + `\n${offers.length} offers\n`;
}
