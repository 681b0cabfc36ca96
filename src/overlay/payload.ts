import { ByteReader, ByteWriter } from './byte-io.js';
import { FORMATS, type FormatName, type FormatValues } from './formats.js';

/** A nested payload (u16 length + bytes) or a list of them (u8 count of nested payloads). */
export type NestedFormat =
  { readonly nested: PayloadClass<object> } | { readonly list: PayloadClass<object> };

/** One declared field: its name and its py-ipv8 format. */
export type FieldSpec = readonly [name: string, format: FormatName | NestedFormat];

/** The decoded value of one format. */
export type FormatValue<F> = F extends FormatName
  ? FormatValues[F]
  : F extends { nested: PayloadClass<infer V> }
    ? V
    : F extends { list: PayloadClass<infer V> }
      ? V[]
      : never;

/** The object a payload with these fields decodes to. */
export type PayloadValue<F extends readonly FieldSpec[]> = {
  -readonly [K in F[number] as K[0]]: FormatValue<K[1]>;
};

/**
 * A payload declared once, with encode and decode derived from the field list (py-ipv8's
 * `format_list` + `names`).
 */
export interface PayloadClass<V extends object> {
  /** For error messages and logs. */
  readonly name: string;
  /** The message id, when this payload is the last one of a message. */
  readonly msgId: number | undefined;
  /** The declared fields, in wire order. */
  readonly fields: readonly FieldSpec[];
  /** Appends the fields of `value` to `w`. */
  write(w: ByteWriter, value: V): void;
  /** Reads the fields at the cursor. */
  read(r: ByteReader): V;
  /** Encodes `value` alone. */
  encode(value: V): Uint8Array;
  /** Decodes `bytes` alone; trailing bytes are rejected (ERR_OVERLAY_DECODE). */
  decode(bytes: Uint8Array): V;
}

/** The value type of a payload class. */
export type ValueOf<P> = P extends PayloadClass<infer V> ? V : never;

function writeField(w: ByteWriter, format: FieldSpec[1], value: unknown): void {
  if (typeof format === 'string') {
    (FORMATS[format] as { write(w: ByteWriter, v: unknown): void }).write(w, value);
  } else if ('nested' in format) {
    const inner = format.nested.encode(value as object);
    w.u16(inner.length);
    w.bytes(inner);
  } else {
    const list = value as object[];
    w.u8(list.length);
    for (const item of list) writeField(w, { nested: format.list }, item);
  }
}

function readField(r: ByteReader, format: FieldSpec[1]): unknown {
  if (typeof format === 'string') return FORMATS[format].read(r);
  if ('nested' in format) return format.nested.decode(r.take(r.u16()));
  const n = r.u8();
  return Array.from({ length: n }, () => readField(r, { nested: format.list }));
}

/**
 * Declares a payload. Encode and decode both follow `fields`; a `raw` field takes the rest of the
 * packet, so it can only be last.
 *
 * @example
 * ```ts
 * const Ping = definePayload('Ping', [['identifier', 'H']] as const, 3);
 * const bytes = Ping.encode({ identifier: 7 });
 * Ping.decode(bytes).identifier; // 7
 * ```
 */
export function definePayload<const F extends readonly FieldSpec[]>(
  name: string,
  fields: F,
  msgId?: number,
): PayloadClass<PayloadValue<F>> {
  const specs = fields as readonly FieldSpec[];
  const rawAt = specs.findIndex(([, f]) => f === 'raw');
  if (rawAt >= 0 && rawAt !== specs.length - 1) throw new TypeError(`${name}: raw must be the last field`);
  const cls: PayloadClass<PayloadValue<F>> = {
    name,
    msgId,
    fields: specs,
    write(w, value) {
      const record = value as Record<string, unknown>;
      for (const [field, format] of specs) writeField(w, format, record[field]);
    },
    read(r) {
      const out: Record<string, unknown> = {};
      for (const [field, format] of specs) out[field] = readField(r, format);
      return out as PayloadValue<F>;
    },
    encode(value) {
      const w = new ByteWriter();
      cls.write(w, value);
      return w.finish();
    },
    decode(bytes) {
      const r = new ByteReader(bytes);
      const value = cls.read(r);
      r.end();
      return value;
    },
  };
  return cls;
}
