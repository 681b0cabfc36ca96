import type { ConfigLayer } from './config-load.js';
import { layerFromPath } from './config-override.js';
import { configFields, type ConfigField } from './config-schema.js';
import { ENV_CONFIG_FILE } from './constants.js';
import type { ServiceDefinition } from './service.js';

/**
 * The config layers set by PEERWAY_* environment variables: one variable per config field,
 * `PEERWAY_` and the field's path in capitals (`PEERWAY_HTTP_PORT`, `PEERWAY_SERVICES_OVERLAY_BOOTSTRAP`).
 * A value is read by the field's type: numbers and `true`/`false` as such, `null` for a field
 * that allows it, arrays and objects as JSON; anything that does not read is passed on as the
 * string, so validation names the variable and what it expected.
 */
export function environmentLayers(
  env: Readonly<Record<string, string | undefined>>,
  definitions: readonly ServiceDefinition[],
): ConfigLayer[] {
  const layers: ConfigLayer[] = [];
  for (const field of configFields(undefined, definitions)) {
    const text = env[field.env];
    if (text === undefined || text === '' || field.env === ENV_CONFIG_FILE) continue;
    layers.push({ source: field.env, values: layerFromPath(field.path, valueFromEnv(text, field)) });
  }
  return layers;
}

/** Reads one variable's text as the field's type. */
export function valueFromEnv(text: string, field: Pick<ConfigField, 'types'>): unknown {
  const types = field.types;
  if (types.includes('null') && text === 'null') return null;
  if (
    (types.includes('integer') || types.includes('number')) &&
    /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(text)
  ) {
    return Number(text);
  }
  if (types.includes('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if (types.includes('array') || types.includes('object')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** A `PEERWAY_` environment variable that sets nothing, with the closest real one when there is one. */
export interface UnknownVariable {
  /** The variable as set. */
  name: string;
  /** The config variable it most likely meant (a typo of at most 3 letters). */
  suggestion?: string;
}

/**
 * The `PEERWAY_` variables in `env` that are neither a config field's variable nor
 * `PEERWAY_CONFIG`: they are ignored, so a typo (`PEERWAY_HTTP_PROT`) would otherwise go unseen.
 * The node logs each one as a warning at start.
 *
 * @example
 * ```ts
 * unknownEnvironmentVariables({ PEERWAY_HTTP_PROT: '80' }, serviceDefinitions);
 * // [{ name: 'PEERWAY_HTTP_PROT', suggestion: 'PEERWAY_HTTP_PORT' }]
 * ```
 */
export function unknownEnvironmentVariables(
  env: Readonly<Record<string, string | undefined>>,
  definitions: readonly ServiceDefinition[],
): UnknownVariable[] {
  const known = new Set(configFields(undefined, definitions).map((f) => f.env));
  known.add(ENV_CONFIG_FILE);
  const out: UnknownVariable[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || known.has(name) || env[name] === undefined) continue;
    const suggestion = closest(name, known);
    out.push(suggestion === undefined ? { name } : { name, suggestion });
  }
  return out;
}

const ENV_PREFIX = 'PEERWAY_';
/** Largest edit distance still offered as "did you mean". */
const MAX_SUGGESTION_DISTANCE = 3;

function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = MAX_SUGGESTION_DISTANCE + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - name.length) >= bestDistance) continue;
    const d = editDistance(name, c, bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance of a and b, or `limit` once it is known to reach it. */
function editDistance(a: string, b: string, limit: number): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      if (value < rowMin) rowMin = value;
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return Math.min(previous[b.length]!, limit);
}
