/**
 * The envelope every line carries: `{"type": <int>, "line": "<string>"}` followed by CRLF.
 * Encoding matches the reference byte for byte; decoding accepts any JSON spacing and any key
 * order, and throws ERR_DIRECTORY_BAD_ENVELOPE for everything else.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { MAX_LINE_LENGTH } from './constants.js';
import { pythonJsonString } from './python-json.js';

/** One decoded envelope. */
export interface Envelope {
  /** Message type number (see `MessageType`); unknown numbers are passed through. */
  type: number;
  /** The payload string. */
  line: string;
}

// The reference's own spelling, `{"type": N, "line": "..."}`, with nothing escaped inside.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must not appear raw
const CANONICAL = /^\{"type": (0|[1-9]\d{0,5}), "line": "([^"\\\x00-\x1f\x7f-\uffff]*)"\}$/;

/**
 * Decodes the common case without JSON.parse: the canonical spelling with a payload that needs no
 * escaping. Returns undefined for anything else (the caller falls back to {@link decodeEnvelope}).
 * When it matches, re-encoding gives back exactly `text`, so a relay may forward `text` as is.
 */
export function decodeCanonicalEnvelope(text: string): Envelope | undefined {
  const m = CANONICAL.exec(text);
  if (m === null) return undefined;
  return { type: Number(m[1]), line: m[2]! };
}

/** Encodes one envelope as the text of a line, CRLF included. */
export function encodeEnvelope(type: number, line: string): string {
  return '{"type": ' + String(type) + ', "line": ' + pythonJsonString(line) + '}\r\n';
}

/**
 * Decodes one line (without its terminator). Throws ERR_DIRECTORY_BAD_ENVELOPE for lines over
 * `maxLineLength` bytes, non-JSON text, a non-object, a non-integer `type` or a non-string `line`.
 */
export function decodeEnvelope(raw: Buffer | string, maxLineLength: number = MAX_LINE_LENGTH): Envelope {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > maxLineLength) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_ENVELOPE, `line of ${size} bytes over ${maxLineLength}`, {
      details: { reason: 'oversize', size, limit: maxLineLength },
    });
  }
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_ENVELOPE, 'line is not JSON', {
      cause: err,
      details: { reason: 'json' },
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badShape('envelope is not a JSON object');
  }
  const { type, line } = parsed as { type?: unknown; line?: unknown };
  if (typeof type !== 'number' || !Number.isSafeInteger(type))
    throw badShape('envelope type is not an integer');
  if (typeof line !== 'string') throw badShape('envelope line is not a string');
  return { type, line };
}

function badShape(message: string): PeerwayError {
  return new PeerwayError(ErrorCodes.DIRECTORY_BAD_ENVELOPE, message, { details: { reason: 'shape' } });
}
