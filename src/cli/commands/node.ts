import { Option, type Command } from 'commander';
import {
  createPinoLogger,
  ENV_CONFIG_FILE,
  ENV_OVERRIDES,
  EXIT_GRACE_MS,
  layerFromPath,
  loadConfig,
  LOG_LEVELS,
  packageVersion,
  PeerwayNode,
  scalarFromString,
  stopOnSignals,
  type ConfigLayer,
} from '../../node/index.js';
import type { Logger } from '../../core/index.js';

interface NodeFlags {
  config?: string;
  dataDir?: string;
  httpPort?: string;
  httpHost?: string;
  logLevel?: string;
  set?: string[];
}

/** `peerway node`: run the daemon until SIGINT/SIGTERM. */
export function registerNodeCommand(program: Command): void {
  program
    .command('node')
    .description('run the peerway node: services, /health, /metrics and the JSON API on one HTTP port')
    .option('-c, --config <file>', `JSON config file (or ${ENV_CONFIG_FILE})`)
    .option('--data-dir <dir>', 'data directory (database, keys)')
    .option('--http-port <port>', 'HTTP port; 0 picks a free one')
    .option('--http-host <host>', 'HTTP bind address')
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS))
    .option(
      '--set <path=value>',
      'set any config field, e.g. services.directory.enabled=true (repeatable)',
      collect,
    )
    .addHelpText(
      'after',
      `\nPrecedence, lowest first: defaults, config file, environment (${Object.keys(ENV_OVERRIDES).join(', ')}), flags, --set.\nLogs are JSON lines on stderr; stdout shows the URLs the node serves.`,
    )
    .action((flags: NodeFlags) => runNode(flags));
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

async function runNode(flags: NodeFlags): Promise<void> {
  const config = loadConfig({
    file: flags.config,
    env: process.env,
    layers: flagLayers(flags),
    set: flags.set ?? [],
  });
  const logger = createPinoLogger({ level: config.log.level });
  const node = new PeerwayNode({ config, logger });
  const removeHandlers = stopOnSignals(node, {
    logger,
    onStopped: (err) => {
      if (err !== undefined)
        logger.error({ err: err instanceof Error ? err.message : 'unknown' }, 'stop failed');
      process.exitCode = err === undefined ? 0 : 1;
      exitIfStuck(logger);
    },
  });
  try {
    await node.start();
  } catch (err) {
    removeHandlers();
    await node.stop();
    throw err;
  }
  const url = node.url!;
  process.stdout.write(
    `peerway node ${packageVersion()} running\n` +
      `  health    ${url}/health\n` +
      `  metrics   ${url}/metrics\n` +
      `  services  ${url}/api/services\n`,
  );
}

function flagLayers(flags: NodeFlags): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  const add = (source: string, path: string[], value: string | undefined): void => {
    if (value !== undefined) layers.push({ source, values: layerFromPath(path, scalarFromString(value)) });
  };
  add('--data-dir', ['dataDir'], flags.dataDir);
  add('--http-host', ['http', 'host'], flags.httpHost);
  add('--http-port', ['http', 'port'], flags.httpPort);
  add('--log-level', ['log', 'level'], flags.logLevel);
  return layers;
}

/**
 * A stopped node leaves nothing running, so the process ends by itself. Should something keep the
 * event loop alive anyway, say what and exit rather than hang a service manager's stop.
 */
function exitIfStuck(logger: Logger): void {
  setTimeout(() => {
    logger.warn({ resources: process.getActiveResourcesInfo() }, 'still busy after stop; exiting');
    process.exit();
  }, EXIT_GRACE_MS).unref();
}
