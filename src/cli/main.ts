#!/usr/bin/env node
// The `peerway` command: parse, run, and turn a failure into one line on stderr and exit code 1.
import { isPeerwayError } from '../core/index.js';
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (err) {
  // A PeerwayError's message is written for the user (with its cause, which names the OS or SQLite
  // reason); anything else is a bug, so show where.
  let text: string;
  if (isPeerwayError(err)) {
    const cause = err.cause instanceof Error ? err.cause.message : undefined;
    text = cause === undefined || err.message.includes(cause) ? err.message : `${err.message}: ${cause}`;
  } else text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`peerway: ${text}\n`);
  process.exitCode = 1;
}
