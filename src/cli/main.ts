#!/usr/bin/env node
// The `peerway` command: parse, run, and turn a failure into one line on stderr (its stack only
// under --debug) and a non-zero exit code.
import { CommanderError } from 'commander';
import { debugRequested } from './common-options.js';
import { reportError } from './errors.js';
import { createProgram } from './program.js';

const SHOWN = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

try {
  await createProgram().parseAsync(process.argv);
} catch (err) {
  // --help, --version and a command group without its subcommand have printed what they print.
  if (err instanceof CommanderError && SHOWN.has(err.code)) {
    process.exitCode = err.exitCode;
  } else {
    const report = reportError(err, debugRequested(process.argv));
    process.stderr.write(report.text);
    process.exitCode = report.exitCode;
  }
}
