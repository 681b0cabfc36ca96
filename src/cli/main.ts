#!/usr/bin/env node
// The `peerway` command: parse, run, and turn a failure into one line on stderr and exit code 1.
import { isPeerwayError } from '../core/index.js';
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (err) {
  const text =
    isPeerwayError(err) || !(err instanceof Error)
      ? String(err instanceof Error ? err.message : err)
      : err.stack;
  process.stderr.write(`peerway: ${text}\n`);
  process.exitCode = 1;
}
