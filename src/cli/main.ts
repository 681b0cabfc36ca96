#!/usr/bin/env node
// The `peerway` command: parse, run, and turn a failure into one line on stderr and exit code 1.
import { isPeerwayError } from '../core/index.js';
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (err) {
  // A PeerwayError's message is written for the user; anything else is a bug, so show where.
  const text = isPeerwayError(err)
    ? err.message
    : err instanceof Error
      ? (err.stack ?? err.message)
      : String(err);
  process.stderr.write(`peerway: ${text}\n`);
  process.exitCode = 1;
}
