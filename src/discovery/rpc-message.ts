/**
 * JSON-RPC 2.0 messages as ElectrumX exchanges them: one compact JSON text per line, single
 * messages or batches (arrays), ids that are numbers or strings.
 *
 * @module
 */

/** Standard JSON-RPC error codes, plus ElectrumX's and aiorpcx's own. */
export const RpcErrorCodes = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** aiorpcx: the server is busy (a request timed out). */
  SERVER_BUSY: -102,
  /** aiorpcx: excessive resource usage; the session is dropped. */
  EXCESSIVE_RESOURCE_USAGE: -101,
  /** ElectrumX BAD_REQUEST: bad arguments, protocol mismatch, version already sent. */
  BAD_REQUEST: 1,
} as const;

/** A request id. */
export type RpcId = number | string;

/** Positional or named parameters. */
export type RpcParams = unknown[] | Record<string, unknown>;

/** A request (with id) or a notification (without). */
export interface RpcRequest {
  readonly kind: 'request';
  readonly method: string;
  readonly params: RpcParams;
  /** Absent for a notification. */
  readonly id?: RpcId;
}

/** A reply to one of our requests. */
export interface RpcResponse {
  readonly kind: 'response';
  readonly id: RpcId | null;
  readonly result?: unknown;
  readonly error?: { code: number; message: string; data?: unknown };
}

/** Something in a line that is not a valid JSON-RPC 2.0 message. */
export interface RpcInvalid {
  readonly kind: 'invalid';
  readonly id: RpcId | null;
  readonly code: number;
  readonly message: string;
}

/** One decoded message. */
export type RpcMessage = RpcRequest | RpcResponse | RpcInvalid;

/** What one line held: a single message, or a batch. */
export type RpcLine =
  | { readonly batch: false; readonly message: RpcMessage }
  | { readonly batch: true; readonly messages: RpcMessage[] };

/**
 * Decodes one line. Never throws: bad JSON becomes an `invalid` message with -32700, a shape that
 * is not JSON-RPC 2.0 becomes -32600. JSON whitespace anywhere (ElectrumX pads before the closing
 * bracket) is accepted by JSON.parse.
 */
export function decodeLine(line: Buffer | string, maxBatch: number): RpcLine {
  let value: unknown;
  try {
    value = JSON.parse(typeof line === 'string' ? line : line.toString('utf8'));
  } catch {
    return { batch: false, message: invalid(null, -32700, 'invalid JSON') };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { batch: false, message: invalid(null, -32600, 'empty batch') };
    if (value.length > maxBatch) {
      return { batch: false, message: invalid(null, -32600, `batch larger than ${maxBatch}`) };
    }
    return { batch: true, messages: value.map(decodeValue) };
  }
  return { batch: false, message: decodeValue(value) };
}

function isId(v: unknown): v is RpcId {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
}

function decodeValue(value: unknown): RpcMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(null, -32600, 'message is not an object');
  }
  const m = value as Record<string, unknown>;
  const rawId = m.id;
  const id = isId(rawId) ? rawId : null;
  if (m.jsonrpc !== '2.0') return invalid(id, -32600, '"jsonrpc" is not "2.0"');
  if ('method' in m) {
    if (typeof m.method !== 'string') return invalid(id, -32600, 'method is not a string');
    if (rawId !== undefined && rawId !== null && !isId(rawId)) return invalid(null, -32600, 'bad id');
    const params = m.params ?? [];
    if (typeof params !== 'object' || params === null) {
      return invalid(id, -32602, 'params must be an array or an object');
    }
    const request: RpcRequest =
      rawId === undefined || rawId === null
        ? { kind: 'request', method: m.method, params: params as RpcParams }
        : { kind: 'request', method: m.method, params: params as RpcParams, id: rawId };
    return request;
  }
  if ('result' in m || 'error' in m) {
    if ('error' in m && m.error !== null && m.error !== undefined) {
      const e = m.error as Record<string, unknown>;
      const code = typeof e.code === 'number' ? e.code : -32603;
      const message = typeof e.message === 'string' ? e.message : 'error';
      return { kind: 'response', id, error: { code, message, data: e.data } };
    }
    return { kind: 'response', id, result: m.result };
  }
  return invalid(id, -32600, 'neither a request nor a response');
}

function invalid(id: RpcId | null, code: number, message: string): RpcInvalid {
  return { kind: 'invalid', id, code, message };
}

/** Encodes a success reply as a compact JSON object. */
export function resultObject(id: RpcId | null, result: unknown): Record<string, unknown> {
  return { jsonrpc: '2.0', result: result ?? null, id };
}

/** Encodes an error reply. */
export function errorObject(id: RpcId | null, code: number, message: string): Record<string, unknown> {
  return { jsonrpc: '2.0', error: { code, message }, id };
}

/** Encodes a request (or, without id, a notification). */
export function requestObject(method: string, params: RpcParams, id?: RpcId): Record<string, unknown> {
  return id === undefined ? { jsonrpc: '2.0', method, params } : { jsonrpc: '2.0', method, params, id };
}
