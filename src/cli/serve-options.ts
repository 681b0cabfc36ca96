/**
 * The flags every one-service command shares (HTTP and logging) and the config layers that carry
 * a command's flags into the node's config.
 *
 * @module
 */
import { Option, type Command } from 'commander';
import { DEFAULT_HTTP_HOST, LOG_LEVELS, serviceDefinitions, type ConfigLayer } from '../node/index.js';
import { SERVE_HTTP_PORT } from './constants.js';
import { port } from './parse-flags.js';

/** The shared flags as commander hands them over. */
export interface ServeFlags {
  httpPort: number;
  httpHost: string;
  /** False with `--no-http`. */
  http: boolean;
  logLevel: string;
  dataDir: string;
}

/** Adds `--http-port`, `--http-host`, `--no-http` and `--log-level` to a one-service command. */
export function addServeOptions(command: Command): Command {
  return command
    .option('--http-port <port>', 'port of /health and /metrics (0 picks a free one)', port, SERVE_HTTP_PORT)
    .option('--http-host <host>', 'address /health and /metrics bind to', DEFAULT_HTTP_HOST)
    .option('--no-http', 'serve no /health and /metrics')
    .addOption(
      new Option('--log-level <level>', 'log level (JSON lines on stderr)')
        .choices(LOG_LEVELS)
        .default('info'),
    );
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
