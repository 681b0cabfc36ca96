import type { Command } from 'commander';
import {
  ENV_CONFIG_FILE,
  packageVersion,
  type ConfigLayer,
  type LogLevel,
  type PeerwayNode,
} from '../../node/index.js';
import { addCommonOptions } from '../common-options.js';
import { STATS_INTERVAL_SECONDS } from '../constants.js';
import { defaultDataDir } from '../data-dir.js';
import { collect, port, secondsOption } from '../parse-flags.js';
import { httpUrls, printJsonLine } from '../print-node.js';
import { runNode } from '../run-node.js';
import { flagLayer } from '../serve-options.js';

interface NodeFlags {
  config?: string;
  dataDir?: string;
  httpPort?: number;
  httpHost?: string;
  logLevel?: LogLevel;
  set?: string[];
  statsInterval: number;
  json?: boolean;
}

/** `peerway node`: run the daemon until SIGINT/SIGTERM. */
export function registerNodeCommand(program: Command): void {
  const command = program
    .command('node')
    .description('run the peerway node: services, /health, /metrics and the JSON API on one HTTP port')
    .option('-c, --config <file>', `JSON config file (or ${ENV_CONFIG_FILE})`)
    .option('--http-port <port>', 'HTTP port; 0 picks a free one', port)
    .option('--http-host <host>', 'HTTP bind address')
    .addOption(
      secondsOption(
        '--stats-interval <seconds>',
        'log the counters every this many seconds (0: never)',
        STATS_INTERVAL_SECONDS,
      ),
    )
    .option(
      '--set <path=value>',
      'set any config field, e.g. services.directory.enabled=true (repeatable)',
      collect,
    );
  addCommonOptions(command, {
    dataDirHelp: `data directory: database, keys (default: ${defaultDataDir()})`,
    noDefaults: true,
  })
    .addHelpText(
      'after',
      `\nPrecedence, lowest first: defaults, config file, environment (PEERWAY_ and the config path in capitals, e.g. PEERWAY_HTTP_PORT, PEERWAY_SERVICES_DIRECTORY_ENABLED; see peerway config --schema), flags, --set.\nLogs go to stderr; stdout shows the URLs the node serves.`,
    )
    .action((flags: NodeFlags) =>
      runNode({
        config: {
          defaults: [flagLayer('default data directory', { dataDir: defaultDataDir() })],
          file: flags.config,
          env: process.env,
          layers: flagLayers(flags),
          set: flags.set ?? [],
        },
        statsIntervalMs: flags.statsInterval,
        onStarted: (node) => printUrls(node, flags.json === true),
      }),
    );
}

function printUrls(node: PeerwayNode, json: boolean): void {
  const url = node.url;
  if (json) {
    printJsonLine({
      version: packageVersion(),
      ...httpUrls(node),
      services: url === undefined ? null : `${url}/api/services`,
    });
    return;
  }
  process.stdout.write(
    `peerway node ${packageVersion()} running\n` +
      (url === undefined
        ? '  http      off\n'
        : `  health    ${url}/health\n  metrics   ${url}/metrics\n  services  ${url}/api/services\n`),
  );
}

function flagLayers(flags: NodeFlags): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  if (flags.dataDir !== undefined) layers.push(flagLayer('--data-dir', { dataDir: flags.dataDir }));
  if (flags.httpHost !== undefined) layers.push(flagLayer('--http-host', { http: { host: flags.httpHost } }));
  if (flags.httpPort !== undefined) layers.push(flagLayer('--http-port', { http: { port: flags.httpPort } }));
  if (flags.logLevel !== undefined) layers.push(flagLayer('--log-level', { log: { level: flags.logLevel } }));
  return layers;
}
