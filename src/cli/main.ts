#!/usr/bin/env node
// The `peerway` command: run the command line, exit with its code.
import { runCommandLine } from './run.js';

process.exitCode = await runCommandLine(process.argv.slice(2));
