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
