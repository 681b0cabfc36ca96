import { z } from 'zod';
import { createConfigSchema } from './config.js';
import type { ServiceDefinition } from './service.js';
import { serviceDefinitions } from './services.js';

/** A JSON Schema document (draft 2020-12), as zod writes it. */
export type JsonSchema = { [key: string]: unknown };

/**
 * The node config's JSON Schema, generated from the zod schemas of the node and its services
 * (what `peerway config --schema` prints and docs/config.md is made from). It describes the
 * input: every field is optional where the node has a default.
 *
 * @example
 * ```ts
 * const schema = configJsonSchema();
 * console.log(Object.keys(schema.properties as object)); // ['dataDir', 'http', 'log', 'services']
 * ```
 */
export function configJsonSchema(definitions: readonly ServiceDefinition[] = serviceDefinitions): JsonSchema {
  // `unrepresentable: 'any'`: refinements (a host:port check, say) have no JSON Schema form; the
  // field's base type is still described.
  return z.toJSONSchema(createConfigSchema(definitions), {
    io: 'input',
    unrepresentable: 'any',
  });
}

/** One settable field of the config: its path, its environment variable, its type and default. */
export interface ConfigField {
  /** Field path, for example `['services', 'directory', 'network']`. */
  path: string[];
  /** The environment variable that sets it: `PEERWAY_` and the path in capitals. */
  env: string;
  /** JSON Schema type names (`string`, `integer`, `boolean`, `array`, `object`, `null`). */
  types: string[];
  /** The allowed values, for a closed set. */
  enum?: unknown[];
  /** The default, when the field has one. */
  default?: unknown;
}

/** `PEERWAY_` and the path in capitals, camelCase split: `services.directory.nickAuthId` → `PEERWAY_SERVICES_DIRECTORY_NICK_AUTH_ID`. */
export function envName(path: readonly string[]): string {
  return ['PEERWAY', ...path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())].join('_');
}

/**
 * Every leaf field of the config (objects are walked, arrays and scalars are leaves), in schema
 * order.
 */
export function configFields(
  schema?: JsonSchema,
  definitions: readonly ServiceDefinition[] = serviceDefinitions,
): ConfigField[] {
  const out: ConfigField[] = [];
  const walk = (node: JsonSchema, path: string[]): void => {
    const properties = node.properties as Record<string, JsonSchema> | undefined;
    if (node.type === 'object' && properties !== undefined) {
      for (const [key, child] of Object.entries(properties)) walk(child, [...path, key]);
      return;
    }
    const field: ConfigField = { path, env: envName(path), types: typesOf(node) };
    const values =
      node.enum ?? (node.anyOf as JsonSchema[] | undefined)?.find((s) => s.enum !== undefined)?.enum;
    if (Array.isArray(values)) field.enum = values as unknown[];
    if ('default' in node) field.default = node.default;
    out.push(field);
  };
  walk(schema ?? configJsonSchema(definitions), []);
  return out;
}

function typesOf(node: JsonSchema): string[] {
  if (typeof node.type === 'string') return [node.type];
  if (Array.isArray(node.anyOf)) return (node.anyOf as JsonSchema[]).flatMap(typesOf);
  return ['any'];
}
