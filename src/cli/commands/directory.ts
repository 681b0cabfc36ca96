import type { Command } from 'commander';
import { BITCOIN_NETWORKS, type BitcoinNetwork } from '../../directory/index.js';
import { parseAddress } from '../../transport/index.js';
import type { ConfigLayer, PeerwayNode } from '../../node/index.js';
import { TOR_CONTROL_PORT } from '../constants.js';
import { listenAddress, oneOf } from '../parse-flags.js';
import { runNode } from '../run-node.js';
import { httpUrls, printHttp, printJsonLine, serviceInfo } from '../print-node.js';
import {
  addServeOptions,
  oneServiceLayers,
  serviceLayer,
  splitByValueSource,
  type ServeFlags,
} from '../serve-options.js';

const SERVICE = 'directory';

/** The flags of `directory serve`. */
export interface DirectoryServeFlags extends ServeFlags {
  listen: string;
  onion?: boolean;
  network: BitcoinNetwork;
  motd?: string;
  nickAuth?: string;
  torControl: string;
  torPassword?: string;
  cluster?: string;
  clusterName?: string;
}

/**
 * `peerway directory serve`: a node running one JoinMarket directory, logging joins, leaves and
 * counters on stderr until Ctrl-C.
 */
export function registerDirectoryCommands(program: Command): void {
  const directory = program.command('directory').description('JoinMarket directory nodes');
  const serve = directory
    .command('serve')
    .description('run a directory node alone; Ctrl-C stops it')
    .option('--listen <host:port>', 'local TCP address to listen on', listenAddress, '127.0.0.1:5222')
    .option('--onion', 'publish as an onion service (virtual port 5222) through the tor control port')
    .option('--network <name>', BITCOIN_NETWORKS.join(', '), oneOf(BITCOIN_NETWORKS), 'mainnet')
    .option('--motd <text>', 'message of the day')
    .option('--nick-auth <id>', 'authenticate nicks (JMP-0005) with this directory id')
    .option('--tor-control <host:port>', 'tor control port', '127.0.0.1:9051')
    .option('--tor-password <password>', 'tor control password (cookie authentication otherwise)')
    .option(
      '--cluster <url>',
      'be one instance of a directory cluster on this NATS server (nats://host:port)',
    )
    .option(
      '--cluster-name <name>',
      'cluster name: instances sharing it and the NATS server are one directory',
    );
  addServeOptions(serve, 'where the database, nick and onion keys are kept').action(
    (flags: DirectoryServeFlags, command: Command) =>
      runNode({
        config: { env: process.env, ...splitByValueSource(command, directoryLayers(flags)) },
        required: SERVICE,
        statsIntervalMs: flags.statsInterval,
        onStarted: (node) => printDirectory(node, flags.json === true),
      }),
  );
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
    set('--network', 'network', flags.network),
    set('--tor-control', 'tor', tor),
  ];
  if (flags.onion !== undefined) layers.push(set('--onion', 'onion', flags.onion));
  if (flags.motd !== undefined) layers.push(set('--motd', 'motd', flags.motd));
  if (flags.nickAuth !== undefined) layers.push(set('--nick-auth', 'nickAuthId', flags.nickAuth));
  if (flags.cluster !== undefined) {
    const cluster: Record<string, unknown> = { url: flags.cluster };
    if (flags.clusterName !== undefined) cluster.name = flags.clusterName;
    layers.push(set('--cluster', 'cluster', cluster));
  }
  return layers;
}

function printDirectory(node: PeerwayNode, json: boolean): void {
  const info = serviceInfo(node, SERVICE);
  const cluster = info.cluster as { instance: string; instances: unknown[] } | undefined;
  if (json) {
    printJsonLine({
      nick: info.nick,
      location: info.location,
      network: info.network,
      ...(cluster === undefined ? {} : { clusterInstance: cluster.instance }),
      ...httpUrls(node),
    });
    return;
  }
  process.stdout.write(
    `directory ${String(info.nick)} at ${String(info.location)} (network ${String(info.network)})\n`,
  );
  if (cluster !== undefined) {
    process.stdout.write(
      `cluster instance ${cluster.instance} (${cluster.instances.length} instances seen)\n`,
    );
  }
  printHttp(node);
}
