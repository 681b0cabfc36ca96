/**
 * Runs one `peerway` command line: parse, run, and turn a failure into one line on stderr (its
 * stack only under --debug). main.ts is this plus the process exit code; tests call it directly.
 *
 * @module
 */
import { CommanderError } from 'commander';
import { debugRequested } from './common-options.js';
import { reportError } from './errors.js';
import { createProgram } from './program.js';

/** Commander errors that have printed what they print (help, version). */
const SHOWN = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/**
 * Runs the command in `args` (the words after `peerway`) and resolves with its exit code: 0, 1
 * for a failure, 2 for a command line that does not parse.
 */
export async function runCommandLine(args: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...args], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError && SHOWN.has(err.code)) return err.exitCode;
    const report = reportError(err, debugRequested(args));
    process.stderr.write(report.text);
    return report.exitCode;
  }
}
