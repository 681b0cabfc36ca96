import { pino, type Logger as Pino, type LevelWithSilent } from 'pino';
import type { LogFn, Logger } from '../core/index.js';
import { REDACTED_LOG_PATHS } from './constants.js';

/** Options for {@link createPinoLogger}. */
export interface PinoLoggerOptions {
  /** Minimum level written. @default 'info' */
  level?: LevelWithSilent;
  /**
   * File descriptor the JSON lines go to. 2 (stderr) keeps stdout for the CLI's own output, such
   * as the URLs a node serves. @default 2
   */
  fd?: number;
  /**
   * Receives each JSON line instead of `fd` (the CLI turns them into readable lines on a
   * terminal). Called synchronously. @default none: the lines go to `fd`
   */
  write?: (line: string) => void;
}

/**
 * A pino logger writing JSON lines synchronously (nothing is lost when the process exits right
 * after a line), with secret-looking fields redacted, wrapped as core's {@link Logger}.
 *
 * @example
 * ```ts
 * const logger = createPinoLogger({ level: 'debug' });
 * logger.child({ service: 'directory' }).info({ port: 5222 }, 'listening');
 * ```
 */
export function createPinoLogger(options: PinoLoggerOptions = {}): Logger {
  const write = options.write;
  const destination =
    write === undefined ? pino.destination({ dest: options.fd ?? 2, sync: true }) : { write };
  const base = pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  return fromPino(base);
}

/**
 * Adapts a pino logger to core's Logger. Only the two call shapes core allows pass through, so
 * printf-style arguments (which pino would interpolate) cannot sneak in from protocol code.
 */
export function fromPino(base: Pino): Logger {
  const wrap =
    (method: 'trace' | 'debug' | 'info' | 'warn' | 'error'): LogFn =>
    (first: string | Record<string, unknown>, msg?: string) => {
      if (typeof first === 'string') base[method](first);
      else if (msg === undefined) base[method](first);
      else base[method](first, msg);
    };
  return {
    trace: wrap('trace'),
    debug: wrap('debug'),
    info: wrap('info'),
    warn: wrap('warn'),
    error: wrap('error'),
    child: (bindings) => fromPino(base.child(bindings)),
  };
}
