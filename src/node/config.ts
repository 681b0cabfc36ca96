import { z } from 'zod';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_MAX_CONNECTIONS,
  DEFAULT_HTTP_PORT,
  DEFAULT_LOG_LEVEL,
  LOG_LEVELS,
  SERVICE_NAME_PATTERN,
} from './constants.js';
import type { ServiceDefinition } from './service.js';

/** A pino log level name. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One service's validated config section: its own schema's output, always with `enabled`. */
export type ServiceConfig = { enabled: boolean } & Record<string, unknown>;

/** The node's validated configuration. Every field has a default, so `{}` is a valid config file. */
export interface NodeConfig {
  /** Directory for the database and keys, relative to the working directory. @default 'data' */
  dataDir: string;
  http: {
    /** Serve /health, /metrics and the API at all. @default true */
    enabled: boolean;
    /** Address the HTTP server (health, metrics, API) binds to. @default '127.0.0.1' */
    host: string;
    /** TCP port of the HTTP server; 0 picks a free one. @default 8480 */
    port: number;
    /** Most HTTP connections open at once. @default 256 */
    maxConnections: number;
  };
  log: {
    /** pino level: trace, debug, info, warn, error, fatal or silent. @default 'info' */
    level: LogLevel;
  };
  demo: {
    /**
     * Run the demo network beside the node: real peers on loopback that the dashboard shows
     * (`npm start` turns it on; `--no-demo` off). @default false
     */
    enabled: boolean;
    /**
     * Ports of the demo's own directories on 127.0.0.1, one directory each (0: a free port).
     * @default [0, 0]
     */
    directoryPorts: number[];
  };
  /**
   * One section per registered service, keyed by its name, validated by that service's own
   * schema; an absent section gets the schema's defaults (services are normally disabled by
   * default). @default {} for each service
   */
  services: Record<string, ServiceConfig>;
}

/**
 * Builds the config schema for a set of services: the node's own fields plus a `services`
 * object with one section per definition. Unknown fields are errors at every level the node
 * owns, so a typo is reported rather than silently ignored.
 *
 * @example
 * ```ts
 * const schema = createConfigSchema(serviceDefinitions);
 * const config = schema.parse({ http: { port: 9000 } });
 * ```
 */
export function createConfigSchema(definitions: readonly ServiceDefinition[]): z.ZodType<NodeConfig> {
  const sections: Record<string, z.ZodType<ServiceConfig>> = {};
  for (const def of definitions) {
    if (!SERVICE_NAME_PATTERN.test(def.name)) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `bad service name ${JSON.stringify(def.name)}`);
    }
    if (def.name in sections) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `service ${def.name} is defined twice`);
    }
    sections[def.name] = (def.schema as z.ZodType<ServiceConfig>).prefault({});
  }
  return z
    .object({
      dataDir: z.string().min(1).default(DEFAULT_DATA_DIR),
      http: z
        .object({
          enabled: z.boolean().default(true),
          host: z.string().min(1).default(DEFAULT_HTTP_HOST),
          port: z.number().int().min(0).max(65535).default(DEFAULT_HTTP_PORT),
          maxConnections: z.number().int().min(1).default(DEFAULT_HTTP_MAX_CONNECTIONS),
        })
        .strict()
        .prefault({}),
      log: z
        .object({ level: z.enum(LOG_LEVELS).default(DEFAULT_LOG_LEVEL) })
        .strict()
        .prefault({}),
      demo: z
        .object({
          enabled: z.boolean().default(false),
          directoryPorts: z.array(z.number().int().min(0).max(65535)).max(8).default([0, 0]),
        })
        .strict()
        .prefault({}),
      services: z.object(sections).strict().prefault({}),
    })
    .strict();
}

/** One problem found in a config: the dotted path of the field and what is wrong with it. */
export interface ConfigProblem {
  /** Dotted field path, for example `services.discovery.tcpPort` (`''` for the whole file). */
  path: string;
  /** What is wrong, for example `expected number, received string`. */
  message: string;
}

/** Turns zod's issues into one line per bad field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        problems.push({ path: path === '' ? key : `${path}.${key}`, message: 'unknown field' });
    } else {
      problems.push({ path, message: issue.message.replace(/^Invalid input: /, '') });
    }
  }
  return problems;
}
