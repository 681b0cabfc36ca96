import { ErrorCodes, PeerwayError } from '../core/index.js';

/** A JSON object: one layer of configuration before validation. */
export type ConfigObject = { [key: string]: unknown };

/** One `--set` assignment: a field path and its value. */
export interface Assignment {
  path: string[];
  value: unknown;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Keys that would reach Object.prototype through a plain object. */
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Parses `a.b.c=value`. The value is read as JSON when it parses (`true`, `8080`, `"x"`,
 * `["a"]`) and taken as a plain string otherwise, so `--set dataDir=/srv/peerway` needs no quotes.
 */
export function parseAssignment(text: string): Assignment {
  const eq = text.indexOf('=');
  const fail = (why: string): never => {
    throw new PeerwayError(ErrorCodes.CONFIG_INVALID, `bad --set ${JSON.stringify(text)}: ${why}`);
  };
  if (eq <= 0) fail('expected path=value');
  const path = text.slice(0, eq).split('.');
  for (const segment of path) {
    if (!SEGMENT.test(segment)) fail(`bad field name ${JSON.stringify(segment)}`);
    if (FORBIDDEN.has(segment)) fail(`field name ${segment} is not allowed`);
  }
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the plain string is the value.
  }
  return { path, value };
}

/** Builds the nested object `{ a: { b: value } }` for the path `['a', 'b']`. */
export function layerFromPath(path: readonly string[], value: unknown): ConfigObject {
  let out: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [path[i]!]: out };
  return out as ConfigObject;
}

/** True for a plain `{...}` object (not an array, not null). */
export function isPlainObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Merges `over` onto `base`: objects merge field by field, anything else replaces. Inputs are not modified. */
export function mergeLayers(base: ConfigObject, over: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (FORBIDDEN.has(key)) continue;
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeLayers(prev, value) : value;
  }
  return out;
}

/** True when `layer` sets the field at `path`. */
export function layerSets(layer: ConfigObject, path: readonly string[]): boolean {
  let node: unknown = layer;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return false;
    node = node[key];
  }
  return true;
}

/** Environment and flag values arrive as strings: a decimal integer becomes a number, the rest stays. */
export function scalarFromString(text: string): string | number {
  if (!/^(0|[1-9][0-9]*)$/.test(text)) return text;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}
