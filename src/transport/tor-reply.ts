/**
 * Tor control-port replies (control-spec section 2.3): a reply is any number of `NNN-text` and
 * `NNN+text` lines ended by one `NNN text` line. A `+` line is followed by a data block that ends
 * with a line holding only `.`; inside it, a line starting with `.` has had one more `.` put in
 * front. Status 650 marks an asynchronous event, which may arrive between replies.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { TOR_MAX_REPLY_LINES } from './constants.js';

/** One line of a reply. */
export interface TorReplyLine {
  /** Three-digit status code. */
  status: number;
  /** The text after the status and separator. */
  text: string;
  /** The data block of a `+` line, dot-unescaped, lines joined with `\n`. */
  data?: string;
}

/** A complete reply. `status` is the end line's code. */
export interface TorReply {
  status: number;
  lines: TorReplyLine[];
}

const LINE = /^(\d{3})([- +])(.*)$/s;

function malformed(message: string, line: string): PeerwayError {
  return new PeerwayError(ErrorCodes.TOR_CONTROL, `tor control: ${message}`, {
    details: { line: line.length > 120 ? `${line.slice(0, 120)}...` : line },
  });
}

/**
 * Assembles replies from lines (without their CRLF). {@link push} returns a reply when its last
 * line arrives, else undefined; a malformed line or an over-long reply throws ERR_TOR_CONTROL.
 */
export class TorReplyParser {
  // Events (650) may in principle arrive while a reply is being assembled, so they collect apart.
  private readonly pending = new Map<boolean, TorReplyLine[]>([
    [false, []],
    [true, []],
  ]);
  private data: { lines: string[]; into: TorReplyLine } | undefined;

  /** Feeds one line; returns the reply it completes, if any. */
  push(line: string): TorReply | undefined {
    if (this.data !== undefined) {
      if (line === '.') {
        this.data.into.data = this.data.lines.join('\n');
        this.data = undefined;
        return undefined;
      }
      if (this.data.lines.length >= TOR_MAX_REPLY_LINES) throw malformed('data block too long', line);
      this.data.lines.push(line.startsWith('.') ? line.slice(1) : line);
      return undefined;
    }
    const match = LINE.exec(line);
    if (match === null) throw malformed('malformed reply line', line);
    const status = Number(match[1]);
    const lines = this.pending.get(status === 650)!;
    if (lines.length >= TOR_MAX_REPLY_LINES) throw malformed('reply too long', line);
    const entry: TorReplyLine = { status, text: match[3]! };
    lines.push(entry);
    if (match[2] === '+') this.data = { lines: [], into: entry };
    if (match[2] !== ' ') return undefined;
    this.pending.set(status === 650, []);
    return { status, lines };
  }
}

/**
 * Splits `KEY=value KEY2="quoted value"` into a map. Quoted values are unescaped (`\\`, `\"`,
 * `\n`, `\r`, `\t` and octal `\ooo`). Words without `=` are skipped.
 */
export function parseKeyValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    const eq = text.indexOf('=', i);
    const space = text.indexOf(' ', i);
    if (eq === -1 || (space !== -1 && space < eq)) {
      i = space === -1 ? text.length : space + 1;
      continue;
    }
    const key = text.slice(i, eq);
    i = eq + 1;
    if (text[i] === '"') {
      const [value, next] = readQuoted(text, i);
      out.set(key, value);
      i = next;
    } else {
      const end = text.indexOf(' ', i);
      out.set(key, text.slice(i, end === -1 ? text.length : end));
      i = end === -1 ? text.length : end + 1;
    }
  }
  return out;
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"' };

/** Reads a quoted string starting at `text[start] === '"'`; returns it and the index after it. */
export function readQuoted(text: string, start: number): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < text.length && text[i] !== '"') {
    const char = text[i]!;
    if (char !== '\\') {
      out += char;
      i++;
      continue;
    }
    const next = text[i + 1] ?? '';
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
    if (octal !== null) {
      out += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
      i += 1 + octal[0].length;
    } else {
      out += ESCAPES[next] ?? next;
      i += 2;
    }
  }
  return [out, i + 1];
}

/** Quotes a string for a control-port command: backslash and double quote are escaped. */
export function quoteString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
