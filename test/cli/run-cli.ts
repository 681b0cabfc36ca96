// Runs the `peerway` CLI from source in a child process, with none of the caller's PEERWAY_*
// variables, and collects what it printed.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const root = join(import.meta.dirname, '..', '..');
/** The CLI's entry point in the sources. */
export const MAIN = join(root, 'src', 'cli', 'main.ts');

/** A child running the CLI. */
export type CliChild = ChildProcessByStdio<null, Readable, Readable>;

/** What a finished CLI run left. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options for {@link startCli}. */
export interface StartCliOptions {
  /** Extra environment variables (PEERWAY_* of the caller are removed first). */
  env?: Record<string, string>;
  /** The script to run. @default the sources' main.ts through tsx */
  main?: string;
}

/** Starts the CLI with `args`. */
export function startCli(args: readonly string[], options: StartCliOptions = {}): CliChild {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PEERWAY_')));
  const main = options.main ?? MAIN;
  const runner = main.endsWith('.ts') ? ['--import', 'tsx', main] : [main];
  return spawn(process.execPath, [...runner, ...args], {
    cwd: root,
    env: { ...clean, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves once `child` has exited, with its output. */
export function finished(child: CliChild): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

/** Runs the CLI to its end. */
export function runCli(args: readonly string[], options?: StartCliOptions): Promise<CliResult> {
  return finished(startCli(args, options));
}
