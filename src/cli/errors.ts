/**
 * How every command reports a failure: one line on stderr, `peerway: <what was wrong and where>`,
 * and exit code 1 (2 for a command line that does not parse or lacks a required value). The
 * stack follows only under `--debug`. Option errors use the node's config error format,
 * `<where>: <what> (<detail>)`.
 *
 * @module
 */
import { CommanderError } from 'commander';
import { ErrorCodes, isPeerwayError, PeerwayError } from '../core/index.js';

/** Exit code of a command line that does not parse (as commander and most CLIs use). */
export const USAGE_EXIT_CODE = 2;

/**
 * An option value the command cannot use, in the config error format:
 * `invalid option: --seed: bad seed ":::" (a host:port or "host s50002 t50001")`.
 */
export function optionError(flag: string, why: string): PeerwayError {
  return new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `invalid option: ${flag}: ${why}`, {
    details: { flag },
  });
}

/**
 * A command line that parses but lacks something it must have (a value with no default to fall
 * back on, as `orderbook --network testnet` without `--directory`): reported like
 * {@link optionError}, with the usage exit code {@link USAGE_EXIT_CODE}. A value that is present
 * but fails a check stays an {@link optionError} (exit 1).
 */
export function usageError(flag: string, why: string): PeerwayError {
  return new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `invalid option: ${flag}: ${why}`, {
    details: { flag, usage: true },
  });
}

/** What a failure prints and the exit code it leaves. */
export interface ErrorReport {
  /** The text for stderr, ending in a newline. */
  text: string;
  exitCode: number;
}

/** matches commander's `option '--max <n>' argument 'abc' is invalid. <reason>` */
const COMMANDER_INVALID = /^option '(-[^' ]+(?:, )?[^' ]*)[^']*' argument '(.*)' is invalid\. (.*)$/s;

/**
 * Turns anything a command threw into its one line. A PeerwayError's message is written for the
 * user (its cause's message is added when it names the OS or SQLite reason); a commander error
 * keeps its text without commander's `error:` prefix. The stack (with `--debug`) is for reporting bugs.
 */
export function reportError(err: unknown, debug: boolean): ErrorReport {
  if (err instanceof CommanderError) {
    const text = err.message
      .replace(/^error: /, '')
      .replace(/\s*\n\s*/g, ' ')
      .trim();
    const m = COMMANDER_INVALID.exec(text);
    const line =
      m === null
        ? text
        : `invalid option: ${lastFlag(m[1]!)}: ${m[3]!.replace(/\.$/, '')}, received ${JSON.stringify(m[2])}`;
    return { text: `peerway: ${line} (see --help)\n`, exitCode: USAGE_EXIT_CODE };
  }
  let line: string;
  if (isPeerwayError(err)) {
    const cause = err.cause instanceof Error ? err.cause.message : undefined;
    line = cause === undefined || err.message.includes(cause) ? err.message : `${err.message}: ${cause}`;
  } else {
    line = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  }
  line = line.replace(/\s*\n\s*/g, ' ');
  const stack = debug && err instanceof Error && err.stack !== undefined ? `\n${err.stack}` : '';
  const usage = isPeerwayError(err) && err.details?.['usage'] === true;
  return { text: `peerway: ${line}${stack}\n`, exitCode: usage ? USAGE_EXIT_CODE : 1 };
}

/** `-c, --config` gives `--config`. */
function lastFlag(flags: string): string {
  return flags.split(/[ ,|]+/).findLast((f) => f.startsWith('-')) ?? flags;
}
