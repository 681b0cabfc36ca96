/**
 * The logging interface protocol code receives. It matches pino's call shapes, so the node can
 * pass a pino logger straight in; the library default is silent.
 *
 * @module
 */

/** One log method: `log(msg)` or `log({ fields }, msg)`. */
export interface LogFn {
  (msg: string): void;
  (obj: Record<string, unknown>, msg?: string): void;
}

/** A structured logger. Keys and secrets must never be passed to it. */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

const noop: LogFn = () => {};

/** A logger that discards everything: the default for every library component. */
export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
