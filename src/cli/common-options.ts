/**
 * The flags every command has, with one meaning everywhere:
 *
 * - `--data-dir <dir>`: where state is kept (default: the user's data directory, see data-dir.ts)
 * - `--log-level <level>`: pino level of the logs on stderr (JSON, or readable on a terminal)
 * - `--json`: stdout carries JSON (one document, or one object a line for a stream of events)
 * - `--debug`: a failure prints its stack after its one line
 *
 * @module
 */
import { Option, type Command } from 'commander';
import { LOG_LEVELS, type LogLevel } from '../node/index.js';
import { defaultDataDir } from './data-dir.js';
import { oneOf } from './parse-flags.js';

/** The common flags as commander hands them over. */
export interface CommonFlags {
  dataDir: string;
  logLevel: LogLevel;
  json?: boolean;
  debug?: boolean;
}

/** How {@link addCommonOptions} declares the flags. */
export interface CommonOptionsInit {
  /** What this command keeps in the data directory (shown in --help). */
  dataDirHelp: string;
  /**
   * Give `--data-dir` and `--log-level` no commander default: `peerway node` reads them from the
   * config file and the environment unless a flag is given. @default false
   */
  noDefaults?: boolean;
}

/** Adds `--data-dir`, `--log-level`, `--json` and `--debug` to a command. */
export function addCommonOptions(command: Command, init: CommonOptionsInit): Command {
  const dataDir = new Option('--data-dir <dir>', init.dataDirHelp);
  const logLevel = new Option(
    '--log-level <level>',
    `log level on stderr: ${LOG_LEVELS.join(', ')}`,
  ).argParser(oneOf(LOG_LEVELS));
  if (init.noDefaults !== true) {
    dataDir.default(defaultDataDir());
    logLevel.default('info');
  }
  return command
    .addOption(dataDir)
    .addOption(logLevel)
    .option('--json', 'print JSON on stdout')
    .option('--debug', 'print the stack of a failure');
}

/**
 * True when `--debug` is on the command line. Read from argv rather than from commander, so a
 * command line that fails to parse still honours it.
 */
export function debugRequested(argv: readonly string[]): boolean {
  return argv.includes('--debug');
}
