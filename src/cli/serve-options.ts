/**
 * The flags every node-running command shares (HTTP, counters, and the common flags) and the
 * config layers that carry a command's flags into the node's config.
 *
 * @module
 */
import type { Command } from 'commander';
import { DEFAULT_HTTP_HOST, serviceDefinitions, type ConfigLayer } from '../node/index.js';
import { addCommonOptions, type CommonFlags } from './common-options.js';
import { SERVE_HTTP_PORT, STATS_INTERVAL_SECONDS } from './constants.js';
import { port, secondsOption } from './parse-flags.js';

/** The shared flags as commander hands them over. */
export interface ServeFlags extends CommonFlags {
  httpPort: number;
  httpHost: string;
  /** False with `--no-http`. */
  http: boolean;
  /** `--stats-interval` in milliseconds (the flag is in seconds); 0 never. */
  statsInterval: number;
}

/**
 * Adds `--http-port`, `--http-host`, `--no-http`, `--stats-interval` and the common flags
 * (`--data-dir`, `--log-level`, `--json`, `--debug`) to a one-service command.
 */
export function addServeOptions(command: Command, dataDirHelp: string): Command {
  command
    .option('--http-port <port>', 'port of /health and /metrics (0 picks a free one)', port, SERVE_HTTP_PORT)
    .option('--http-host <host>', 'address /health and /metrics bind to', DEFAULT_HTTP_HOST)
    .option('--no-http', 'serve no /health and /metrics')
    .addOption(
      secondsOption(
        '--stats-interval <seconds>',
        'log the counters every this many seconds (0: never)',
        STATS_INTERVAL_SECONDS,
      ),
    );
  return addCommonOptions(command, { dataDirHelp });
}

/** One config layer naming the flag it came from, so a bad value is reported against the flag. */
export function flagLayer(flag: string, values: Record<string, unknown>): ConfigLayer {
  return { source: flag, values };
}

/** A layer setting one field of a service's config section. */
export function serviceLayer(service: string, flag: string, field: string, value: unknown): ConfigLayer {
  return flagLayer(flag, { services: { [service]: { [field]: value } } });
}

/**
 * The layers of a one-service node: the service on, every other service off, and the shared
 * flags. The command adds its service's own layers after these.
 */
export function oneServiceLayers(service: string, flags: ServeFlags): ConfigLayer[] {
  const services: Record<string, { enabled: boolean }> = {};
  for (const def of serviceDefinitions) services[def.name] = { enabled: def.name === service };
  return [
    flagLayer(`peerway ${service}`, { services }),
    flagLayer('--data-dir', { dataDir: flags.dataDir }),
    flagLayer('--http-port', { http: { port: flags.httpPort } }),
    flagLayer('--http-host', { http: { host: flags.httpHost } }),
    flagLayer('--no-http', { http: { enabled: flags.http } }),
    flagLayer('--log-level', { log: { level: flags.logLevel } }),
  ];
}

/** A command's layers split by where each value came from. */
export interface CommandLayers {
  /** Values of flags the user did not give (commander defaults): below the environment. */
  defaults: ConfigLayer[];
  /** Values the user gave: above the environment. */
  layers: ConfigLayer[];
}

/**
 * Splits `layers` so that a flag left at its default does not beat a PEERWAY_* variable: a layer
 * named after one of `command`'s flags whose value is commander's default goes below the
 * environment, everything else above it.
 */
export function splitByValueSource(
  command: Command | undefined,
  layers: readonly ConfigLayer[],
): CommandLayers {
  const out: CommandLayers = { defaults: [], layers: [] };
  for (const layer of layers) {
    const option = command?.options.find((o) => o.long === layer.source);
    const fromDefault =
      option !== undefined && command?.getOptionValueSource(option.attributeName()) === 'default';
    (fromDefault ? out.defaults : out.layers).push(layer);
  }
  return out;
}
