/**
 * JSON text the way the reference writes it (Python's `json.dumps` defaults): `", "` and `": "`
 * separators, keys in insertion order, every character outside printable ASCII (DEL included) escaped as `\uXXXX`. Matching it
 * keeps our handshakes and envelopes byte-identical to the reference's.
 *
 * @module
 */

/** A value {@link pythonJson} can write. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

// What JSON.stringify leaves raw but Python escapes: DEL (0x7f; Python escapes everything outside
// printable ASCII) and everything above ASCII (one regex to test, one to replace: a global regex
// keeps state between test() calls).
const HAS_NON_ASCII = /[\u007f-\uffff]/;
const NON_ASCII = /[\u007f-\uffff]/g;

/** A JSON string literal with Python's `ensure_ascii` escaping. */
export function pythonJsonString(value: string): string {
  const text = JSON.stringify(value);
  return HAS_NON_ASCII.test(text)
    ? text.replace(NON_ASCII, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    : text;
}

/** Serializes `value` as Python's `json.dumps(value)` would. */
export function pythonJson(value: JsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pythonJsonString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return '[' + value.map(pythonJson).join(', ') + ']';
  const parts: string[] = [];
  for (const [key, v] of Object.entries(value)) parts.push(pythonJsonString(key) + ': ' + pythonJson(v));
  return '{' + parts.join(', ') + '}';
}
