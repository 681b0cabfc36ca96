/**
 * Runs `peerway directory <args>` in a child process with only the directory commands
 * registered (quicker to start than the whole CLI), stdout and stderr piped.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { join } from 'node:path';

const SCRIPT = [
  "import { Command } from 'commander';",
  "import { registerDirectoryCommands } from './src/cli/commands/directory.ts';",
  'const program = new Command();',
  'registerDirectoryCommands(program);',
  "await program.parseAsync(process.argv.slice(1), { from: 'user' });",
].join('\n');

/** Spawns `peerway directory ...args` from the checkout's sources. */
export function spawnDirectoryCli(args: readonly string[]): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, '--', 'directory', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(import.meta.dirname, '..', '..') },
  );
}
