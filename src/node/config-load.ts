import { readFileSync, statSync } from 'node:fs';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { createConfigSchema, describeIssues, type ConfigProblem, type NodeConfig } from './config.js';
import {
  layerFromPath,
  layerSets,
  isPlainObject,
  mergeLayers,
  parseAssignment,
  scalarFromString,
  type ConfigObject,
} from './config-override.js';
import { ENV_CONFIG_FILE, ENV_OVERRIDES, MAX_CONFIG_FILE_BYTES } from './constants.js';
import type { ServiceDefinition } from './service.js';
import { serviceDefinitions } from './services.js';

/** A named set of config values; later layers override earlier ones. */
export interface ConfigLayer {
  /** Where the values came from, named in error messages (`--http-port`, `config.json`). */
  source: string;
  /** Values in the shape of the config file; absent fields leave lower layers alone. */
  values: ConfigObject;
}

/** Options for {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * Layers below everything else, above the schema's defaults (a command's own defaults, such as
   * the user's data directory). @default []
   */
  defaults?: readonly ConfigLayer[];
  /** JSON config file. @default env.PEERWAY_CONFIG, else none (all defaults) */
  file?: string | undefined;
  /** Environment to read PEERWAY_* overrides from. @default {} (the CLI passes process.env) */
  env?: Readonly<Record<string, string | undefined>>;
  /** Layers above the environment, lowest first (the CLI's flags). @default [] */
  layers?: readonly ConfigLayer[];
  /** `path=value` assignments applied last, as by `--set`. @default [] */
  set?: readonly string[];
  /** The services whose sections are validated. @default serviceDefinitions */
  definitions?: readonly ServiceDefinition[];
}

/**
 * Builds the node's config from, lowest to highest precedence: the schema's defaults, the given
 * default layers, a JSON
 * file, PEERWAY_* environment variables, the given layers (flags), and `--set` assignments.
 * Throws ERR_CONFIG_READ_FAILED when the file cannot be read or parsed, and ERR_CONFIG_INVALID
 * naming every bad field (`services.discovery.tcpPort: expected number, received string (from
 * config.json)`); the problems are also in `details.problems`.
 *
 * @example
 * ```ts
 * const config = loadConfig({ file: 'peerway.json', env: process.env, set: ['http.port=9000'] });
 * ```
 */
export function loadConfig(options: LoadConfigOptions = {}): NodeConfig {
  const env = options.env ?? {};
  const layers: ConfigLayer[] = [...(options.defaults ?? [])];
  const file = options.file ?? env[ENV_CONFIG_FILE];
  if (file !== undefined && file !== '') layers.push({ source: file, values: readConfigFile(file) });
  layers.push(...environmentLayers(env), ...(options.layers ?? []));
  for (const text of options.set ?? []) {
    const { path, value } = parseAssignment(text);
    layers.push({ source: `--set ${path.join('.')}`, values: layerFromPath(path, value) });
  }
  return validateLayers(layers, options.definitions ?? serviceDefinitions);
}

/** Validates merged layers; on failure names each bad field and the layer that set it. */
export function validateLayers(
  layers: readonly ConfigLayer[],
  definitions: readonly ServiceDefinition[],
): NodeConfig {
  const merged = layers.reduce<ConfigObject>((acc, layer) => mergeLayers(acc, layer.values), {});
  const result = createConfigSchema(definitions).safeParse(merged);
  if (result.success) return result.data;
  const problems: Array<ConfigProblem & { source?: string }> = describeIssues(result.error.issues).map(
    (p) => {
      const path = p.path === '' ? [] : p.path.split('.');
      const layer = layers.findLast((l) => path.length > 0 && layerSets(l.values, path));
      return layer === undefined ? p : { ...p, source: layer.source };
    },
  );
  const lines = problems.map(
    (p) =>
      `${p.path === '' ? '(config)' : p.path}: ${p.message}${p.source === undefined ? '' : ` (from ${p.source})`}`,
  );
  throw new PeerwayError(ErrorCodes.CONFIG_INVALID, `invalid config: ${lines.join('; ')}`, {
    details: { problems },
  });
}

/** Reads and parses a JSON config file; it must hold an object. */
export function readConfigFile(file: string): ConfigObject {
  let parsed: unknown;
  try {
    const size = statSync(file).size;
    if (size > MAX_CONFIG_FILE_BYTES)
      throw new Error(`file is ${size} bytes, limit ${MAX_CONFIG_FILE_BYTES}`);
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new PeerwayError(ErrorCodes.CONFIG_READ_FAILED, `cannot read config file ${file}: ${why}`, {
      cause: err,
      details: { file },
    });
  }
  if (!isPlainObject(parsed)) {
    throw new PeerwayError(ErrorCodes.CONFIG_INVALID, `config file ${file} must hold a JSON object`, {
      details: { file },
    });
  }
  return parsed;
}

function environmentLayers(env: Readonly<Record<string, string | undefined>>): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  for (const [name, path] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    layers.push({ source: name, values: layerFromPath(path, scalarFromString(value)) });
  }
  return layers;
}
