import { Option, type Command } from 'commander';
import {
  ENV_CONFIG_FILE,
  packageVersion,
  presetLayer,
  PRESET_NAMES,
  type ConfigLayer,
  type LogLevel,
  type PresetName,
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
  preset?: PresetName;
  /** commander's negation of `--no-demo`: false when given. */
  demo: boolean;
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
    .addOption(
      new Option(
        '--preset <name>',
        'start from a preset: local (every service on loopback, with the demo network) or a real network (mainnet, signet, testnet: its public seeds, Tor for onions)',
      ).choices(PRESET_NAMES),
    )
    .option('--no-demo', 'do not run the demo network (on by default when no config and no preset is given)')
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
          base: baseLayers(flags),
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
      dashboard: url === undefined ? null : `${url}/`,
      tokenFile: url === undefined ? null : node.tokenFile,
    });
    return;
  }
  const demo = node.services().some((s) => s.name === 'demo');
  process.stdout.write(
    url === undefined
      ? `peerway node ${packageVersion()} running\n  http      off\n`
      : `  dashboard ${url}/\n` +
          `peerway node ${packageVersion()} running${demo ? ' with the demo network (--no-demo turns it off)' : ''}\n` +
          `  health    ${url}/health\n  metrics   ${url}/metrics\n  services  ${url}/api/services\n` +
          `  api token ${node.tokenFile}\n`,
  );
}

/**
 * The preset under the config file: the one named, or `local` (every service on loopback with
 * the demo network) when neither a config file nor a preset is given.
 */
function baseLayers(flags: NodeFlags): ConfigLayer[] {
  const file = flags.config ?? process.env[ENV_CONFIG_FILE];
  const preset = flags.preset ?? (file === undefined || file === '' ? 'local' : undefined);
  return preset === undefined ? [] : [presetLayer(preset)];
}

function flagLayers(flags: NodeFlags): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  if (flags.dataDir !== undefined) layers.push(flagLayer('--data-dir', { dataDir: flags.dataDir }));
  if (flags.httpHost !== undefined) layers.push(flagLayer('--http-host', { http: { host: flags.httpHost } }));
  if (flags.httpPort !== undefined) layers.push(flagLayer('--http-port', { http: { port: flags.httpPort } }));
  if (flags.logLevel !== undefined) layers.push(flagLayer('--log-level', { log: { level: flags.logLevel } }));
  if (!flags.demo) layers.push(flagLayer('--no-demo', { demo: { enabled: false } }));
  return layers;
}
