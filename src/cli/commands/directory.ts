import type { Command } from 'commander';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAddress } from '../../transport/index.js';
import type { ConfigLayer, PeerwayNode } from '../../node/index.js';
import { TOR_CONTROL_PORT } from '../constants.js';
import { secondsToMs } from '../parse-flags.js';
import { runNode } from '../run-node.js';
import { printHttp, serviceInfo } from '../print-node.js';
import { addServeOptions, oneServiceLayers, serviceLayer, type ServeFlags } from '../serve-options.js';

const SERVICE = 'directory';

/** The flags of `directory serve`. */
export interface DirectoryServeFlags extends ServeFlags {
  listen: string;
  onion?: boolean;
  network: string;
  motd?: string;
  nickAuth?: string;
  torControl: string;
  torPassword?: string;
  statsInterval: number;
  cluster?: string;
  clusterName?: string;
}

/**
 * `peerway directory serve`: a node running one JoinMarket directory, logging joins, leaves and
 * counters (JSON on stderr) until Ctrl-C.
 */
export function registerDirectoryCommands(program: Command): void {
  const directory = program.command('directory').description('JoinMarket directory nodes');
  const serve = directory
    .command('serve')
    .description('run a directory node alone; Ctrl-C stops it')
    .option('--listen <host:port>', 'local TCP address to listen on', '127.0.0.1:5222')
    .option('--onion', 'publish as an onion service (virtual port 5222) through the tor control port')
    .option('--network <name>', 'mainnet, testnet, signet or regtest', 'mainnet')
    .option('--motd <text>', 'message of the day')
    .option('--nick-auth <id>', 'authenticate nicks (JMP-0005) with this directory id')
    .option('--data-dir <path>', 'where the database, nick and onion keys are kept', defaultDataDir())
    .option('--tor-control <host:port>', 'tor control port', '127.0.0.1:9051')
    .option('--tor-password <password>', 'tor control password (cookie authentication otherwise)')
    .option(
      '--cluster <url>',
      'be one instance of a directory cluster on this NATS server (nats://host:port)',
    )
    .option(
      '--cluster-name <name>',
      'cluster name: instances sharing it and the NATS server are one directory',
    )
    .option('--stats-interval <seconds>', 'log the counters this often (0: never)', secondsToMs, 60_000);
  addServeOptions(serve).action((flags: DirectoryServeFlags) =>
    runNode({
      config: { layers: directoryLayers(flags) },
      required: SERVICE,
      statsIntervalMs: flags.statsInterval,
      onStarted: printDirectory,
    }),
  );
}

/** A folder that survives restarts (the nick stays the same) without cluttering the working directory. */
function defaultDataDir(): string {
  return join(tmpdir(), 'peerway-directory');
}

/** The node config layers `directory serve` runs with. */
export function directoryLayers(flags: DirectoryServeFlags): ConfigLayer[] {
  const set = (flag: string, field: string, value: unknown): ConfigLayer =>
    serviceLayer(SERVICE, flag, field, value);
  const control = parseAddress(flags.torControl, { defaultPort: TOR_CONTROL_PORT });
  const tor: Record<string, unknown> = { controlHost: control.host, controlPort: control.port };
  if (flags.torPassword !== undefined) tor.controlPassword = flags.torPassword;
  const layers = [
    ...oneServiceLayers(SERVICE, flags),
    set('--listen', 'listen', flags.listen),
    set('--onion', 'onion', flags.onion === true),
    set('--network', 'network', flags.network),
    set('--tor-control', 'tor', tor),
  ];
  if (flags.motd !== undefined) layers.push(set('--motd', 'motd', flags.motd));
  if (flags.nickAuth !== undefined) layers.push(set('--nick-auth', 'nickAuthId', flags.nickAuth));
  if (flags.cluster !== undefined) {
    const cluster: Record<string, unknown> = { url: flags.cluster };
    if (flags.clusterName !== undefined) cluster.name = flags.clusterName;
    layers.push(set('--cluster', 'cluster', cluster));
  }
  return layers;
}

function printDirectory(node: PeerwayNode): void {
  const info = serviceInfo(node, SERVICE);
  process.stdout.write(
    `directory ${String(info.nick)} at ${String(info.location)} (network ${String(info.network)})\n`,
  );
  const cluster = info.cluster as { instance: string; instances: unknown[] } | undefined;
  if (cluster !== undefined) {
    process.stdout.write(
      `cluster instance ${cluster.instance} (${cluster.instances.length} instances seen)\n`,
    );
  }
  printHttp(node);
}
