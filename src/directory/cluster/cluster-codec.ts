/**
 * What instances of a directory cluster tell each other, and how it is written: presence records
 * (the key-value value of each nick), heartbeats, and forwarded privmsgs. Every decoder has a size
 * limit and throws `ERR_DIRECTORY_CLUSTER`, so one broken or hostile instance costs only its message.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { isWellFormedNick } from '../wire/index.js';
import { MAX_CLUSTER_PAYLOAD, MAX_PRESENCE_RECORD } from './constants.js';

/** Who holds a nick: the value stored under the nick's key. */
export interface PresenceRecord {
  /** Instance id. */
  i: string;
  /** Location the nick advertised. */
  l: string;
  /** Feature names. */
  f: string[];
  /** Passed nick authentication. */
  v: boolean;
  /** Its nick-auth key, when verified. */
  k?: string;
}

/** An instance's heartbeat. */
export interface Heartbeat {
  /** Instance id. */
  i: string;
  /** The instance's advertised directory location. */
  l: string;
}

const INSTANCE_ID = /^[0-9a-f]{8,32}$/;
const FEATURE = /^[A-Za-z0-9_.-]{1,40}$/;
const MAX_FEATURES = 16;
const MAX_LOCATION = 300;

function bad(what: string): PeerwayError {
  return new PeerwayError(ErrorCodes.DIRECTORY_CLUSTER, `bad cluster ${what}`);
}

function parseJson(bytes: Uint8Array, limit: number, what: string): Record<string, unknown> {
  if (bytes.length > limit) throw bad(what);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch (cause) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_CLUSTER, `bad cluster ${what}`, { cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(what);
  return value as Record<string, unknown>;
}

function location(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LOCATION || /[;,\s]/.test(value))
    throw bad(what);
  return value;
}

/** True for an instance id as instances make them (hex). */
export function isInstanceId(id: string): boolean {
  return INSTANCE_ID.test(id);
}

/** Writes a presence record. */
export function encodePresence(record: PresenceRecord): Uint8Array {
  return Buffer.from(JSON.stringify(record));
}

/** Reads a presence record; throws ERR_DIRECTORY_CLUSTER. */
export function decodePresence(bytes: Uint8Array): PresenceRecord {
  const o = parseJson(bytes, MAX_PRESENCE_RECORD, 'presence record');
  if (typeof o['i'] !== 'string' || !isInstanceId(o['i'])) throw bad('presence record');
  const f = o['f'];
  if (
    !Array.isArray(f) ||
    f.length > MAX_FEATURES ||
    !f.every((x) => typeof x === 'string' && FEATURE.test(x))
  )
    throw bad('presence record');
  if (typeof o['v'] !== 'boolean') throw bad('presence record');
  const record: PresenceRecord = {
    i: o['i'],
    l: location(o['l'], 'presence record'),
    f: f as string[],
    v: o['v'],
  };
  if (o['k'] !== undefined) {
    if (typeof o['k'] !== 'string' || !/^[0-9a-f]{66}$/.test(o['k'])) throw bad('presence record');
    record.k = o['k'];
  }
  return record;
}

/** Writes a heartbeat. */
export function encodeHeartbeat(beat: Heartbeat): Uint8Array {
  return Buffer.from(JSON.stringify(beat));
}

/** Reads a heartbeat; throws ERR_DIRECTORY_CLUSTER. */
export function decodeHeartbeat(bytes: Uint8Array): Heartbeat {
  const o = parseJson(bytes, MAX_PRESENCE_RECORD, 'heartbeat');
  if (typeof o['i'] !== 'string' || !isInstanceId(o['i'])) throw bad('heartbeat');
  return { i: o['i'], l: location(o['l'], 'heartbeat') };
}

/** A privmsg on its way to the instance of its recipient. */
export interface ForwardedPrivmsg {
  /** Recipient nick. */
  to: string;
  /** The envelope exactly as the sender wrote it, CRLF-terminated. */
  text: string;
  /** The sender's peerlist entry (plain and with features), when it serves an onion. */
  senderEntry: { plain: string; features: string } | undefined;
}

/** Writes a forwarded privmsg: recipient, the two entries and the envelope, one per line. */
export function encodePrivmsg(msg: ForwardedPrivmsg): Uint8Array {
  const e = msg.senderEntry;
  return Buffer.from(`${msg.to}\n${e?.plain ?? ''}\n${e?.features ?? ''}\n${msg.text}`);
}

/** Reads a forwarded privmsg; throws ERR_DIRECTORY_CLUSTER. */
export function decodePrivmsg(bytes: Uint8Array): ForwardedPrivmsg {
  if (bytes.length > MAX_CLUSTER_PAYLOAD) throw bad('privmsg');
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  const a = s.indexOf('\n');
  const b = a < 0 ? -1 : s.indexOf('\n', a + 1);
  const c = b < 0 ? -1 : s.indexOf('\n', b + 1);
  if (c < 0) throw bad('privmsg');
  const to = s.slice(0, a);
  const plain = s.slice(a + 1, b);
  const features = s.slice(b + 1, c);
  const text = s.slice(c + 1);
  if (!isWellFormedNick(to) || !text.endsWith('\r\n') || text.indexOf('\n') !== text.length - 1)
    throw bad('privmsg');
  if ((plain === '') !== (features === '') || /[\r\n,]/.test(plain + features)) throw bad('privmsg');
  return { to, text, senderEntry: plain === '' ? undefined : { plain, features } };
}

/** Reads a forwarded pubmsg (the envelope, one CRLF-terminated line); throws ERR_DIRECTORY_CLUSTER. */
export function decodePubmsg(bytes: Uint8Array): string {
  if (bytes.length > MAX_CLUSTER_PAYLOAD) throw bad('pubmsg');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
  if (!text.endsWith('\r\n') || text.indexOf('\n') !== text.length - 1) throw bad('pubmsg');
  return text;
}
