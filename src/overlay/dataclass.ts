import type { ByteReader, ByteWriter } from './byte-io.js';
import type { FormatName } from './formats.js';
import {
  definePayload,
  type FieldSpec,
  type FormatValue,
  type NestedFormat,
  type PayloadClass,
} from './payload.js';

/**
 * The field types of a dataclass payload, named after the Python types py-ipv8 maps them from:
 * `int` is `q` (signed 64-bit, a bigint here), `bool` is `?`, `float` is `d`, `bytes` is
 * `varlenH`, `str` is `varlenHutf8`. Any serializer format name may be given as it is (py-ipv8's
 * `type_from_format`), and `{ array: 'int' | 'bool' | 'float' }` is a list of those
 * (`arrayH-q`, `arrayH-?`, `arrayH-d`); `{ nested: P }` and `{ list: P }` nest other payloads.
 */
export type DataclassType =
  | 'int'
  | 'bool'
  | 'float'
  | 'bytes'
  | 'str'
  | FormatName
  | { readonly array: 'int' | 'bool' | 'float' }
  | NestedFormat;

const PYTHON_TYPES = { int: 'q', bool: '?', float: 'd', bytes: 'varlenH', str: 'varlenHutf8' } as const;
const ARRAY_TYPES = { int: 'arrayH-q', bool: 'arrayH-?', float: 'arrayH-d' } as const;

/** The serializer format a {@link DataclassType} stands for. */
export type DataclassFormat<T> = T extends keyof typeof PYTHON_TYPES
  ? (typeof PYTHON_TYPES)[T]
  : T extends { array: infer A extends keyof typeof ARRAY_TYPES }
    ? (typeof ARRAY_TYPES)[A]
    : T;

/** The object a dataclass payload with these fields decodes to. */
export type DataclassValue<F extends Readonly<Record<string, DataclassType>>> = {
  -readonly [K in keyof F]: FormatValue<DataclassFormat<F[K]>>;
};

/**
 * py-ipv8's `fix_pack_<field>` / `fix_unpack_<field>` hooks: `fixPack` turns a field's value into
 * what is written, `fixUnpack` turns what was read into the value handlers see.
 */
export interface PayloadHooks<V extends object> {
  fixPack?: { [K in keyof V]?: (value: V[K]) => V[K] };
  fixUnpack?: { [K in keyof V]?: (value: V[K]) => V[K] };
}

function formatOf(type: DataclassType): FieldSpec[1] {
  if (typeof type === 'string')
    return type in PYTHON_TYPES ? PYTHON_TYPES[type as keyof typeof PYTHON_TYPES] : (type as FormatName);
  if ('array' in type) {
    const format = ARRAY_TYPES[type.array];
    if (format === undefined) throw new TypeError(`no array of ${String(type.array)}`);
    return format;
  }
  return type;
}

function applyHooks<V extends object>(
  value: V,
  hooks: { [K in keyof V]?: (value: V[K]) => V[K] } | undefined,
): V {
  if (hooks === undefined) return value;
  const out = { ...value };
  for (const name of Object.keys(hooks) as Array<keyof V>) {
    const fix = hooks[name];
    if (fix !== undefined) out[name] = fix(value[name]);
  }
  return out;
}

/**
 * Adds `fix_pack` / `fix_unpack` hooks to a payload class: the bytes are those of `payload`, the
 * values handlers see pass through the hooks.
 */
export function withHooks<V extends object>(
  payload: PayloadClass<V>,
  hooks: PayloadHooks<V>,
): PayloadClass<V> {
  const cls: PayloadClass<V> = {
    name: payload.name,
    msgId: payload.msgId,
    fields: payload.fields,
    write(w: ByteWriter, value: V) {
      payload.write(w, applyHooks(value, hooks.fixPack));
    },
    read(r: ByteReader) {
      return applyHooks(payload.read(r), hooks.fixUnpack);
    },
    encode(value) {
      return payload.encode(applyHooks(value, hooks.fixPack));
    },
    decode(bytes) {
      return applyHooks(payload.decode(bytes), hooks.fixUnpack);
    },
  };
  return cls;
}

/**
 * Declares a payload as py-ipv8's `@dataclass(msg_id=...)` does: fields in declaration order,
 * each a {@link DataclassType}. The bytes are exactly those of the same dataclass in py-ipv8.
 *
 * @example
 * ```ts
 * // @dataclass(msg_id=1)
 * // class Chat:
 * //     text: str
 * //     n: int
 * const Chat = dataclassPayload('Chat', 1, { text: 'str', n: 'int' });
 * community.addHandler(Chat, (peer, chat) => console.log(peer.id, chat.text, chat.n));
 * community.ezSend(peer, Chat, { text: 'hi', n: 1n });
 * ```
 */
export function dataclassPayload<const F extends Readonly<Record<string, DataclassType>>>(
  name: string,
  msgId: number | undefined,
  fields: F,
  hooks: PayloadHooks<DataclassValue<F>> = {},
): PayloadClass<DataclassValue<F>> {
  if (msgId !== undefined && (!Number.isInteger(msgId) || msgId < 0 || msgId > 255)) {
    throw new TypeError(`${name}: a message id is a byte`);
  }
  // Object keys keep declaration order except integer-like ones, which would move to the front.
  const numeric = Object.keys(fields).find((k) => /^(0|[1-9]\d*)$/.test(k));
  if (numeric !== undefined) throw new TypeError(`${name}: field name ${numeric} would lose its order`);
  const specs: FieldSpec[] = Object.entries(fields).map(([field, type]) => [field, formatOf(type)]);
  const base = definePayload(name, specs, msgId) as unknown as PayloadClass<DataclassValue<F>>;
  return hooks.fixPack === undefined && hooks.fixUnpack === undefined ? base : withHooks(base, hooks);
}
