/**
 * The one log format of every command: pino's JSON lines on stderr when stderr is a file or a
 * pipe (for journald, Docker, jq), the same records as readable lines when it is a terminal.
 * stdout carries only the command's own output (tables, URLs, JSON results).
 *
 * @module
 */
import type { Logger } from '../core/index.js';
import { createPinoLogger, type LogLevel } from '../node/index.js';

/** Fields every pino record has that a readable line leaves out or shows in its own place. */
const SHOWN_APART = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'component']);

/** How a {@link createCliLogger} logger writes. */
export interface CliLoggerOptions {
  level: LogLevel;
  /** Readable lines instead of JSON. @default process.stderr.isTTY */
  readable?: boolean;
  /** Where the lines go. @default process.stderr */
  write?: (text: string) => void;
}

/** The logger a command hands to the node or the library it drives. */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const readable = options.readable ?? process.stderr.isTTY;
  const out = options.write ?? ((text: string) => void process.stderr.write(text));
  if (!readable && options.write === undefined) return createPinoLogger({ level: options.level });
  return createPinoLogger({
    level: options.level,
    write: (line) => out(readable ? readableLine(line) : line),
  });
}

/**
 * One pino JSON line as `12:04:05 INFO  [directory] joined nick=J5abc count=3`. A line that is
 * not JSON (it never should be) is passed through as it is.
 */
export function readableLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time =
    typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '--:--:--';
  const level = text(record.level).toUpperCase().padEnd(5);
  const where = record.service ?? record.component;
  const fields = Object.entries(record)
    .filter(([key]) => !SHOWN_APART.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? quoted(value) : JSON.stringify(value)}`);
  const parts = [time, level, where === undefined ? '' : `[${text(where)}]`, text(record.msg), ...fields];
  return parts.filter((p) => p !== '').join(' ') + '\n';
}

/** A string value bare when it has no spaces or quotes, JSON-quoted otherwise. */
function quoted(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

/** A field's value as text: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
