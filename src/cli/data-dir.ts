/**
 * The data directory every command takes (`--data-dir`): by default the user's data directory as
 * env-paths computes it (`$XDG_DATA_HOME/peerway`, `~/Library/Application Support/peerway`,
 * `%LOCALAPPDATA%\peerway\Data`), never a shared temporary folder.
 *
 * @module
 */
import envPaths from 'env-paths';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCodes, PeerwayError } from '../core/index.js';

/** The user's data directory for peerway. */
export function defaultDataDir(): string {
  return envPaths('peerway', { suffix: '' }).data;
}

/**
 * Creates `dir` (and missing parents, one level at a time, mode 0700) and checks that it is a
 * directory this process can write, so a bad `--data-dir` fails at once with its reason. Node's
 * recursive mkdir spins without end where the kernel answers ENOENT for a parent that exists
 * (under /proc); one level at a time fails on the first level that cannot be made.
 */
export function prepareDataDir(dir: string): string {
  const path = resolve(dir);
  const missing: string[] = [];
  for (let d = path; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  const fail = (what: string, err: unknown): never => {
    const reason = (err as NodeJS.ErrnoException | undefined)?.code ?? String(err);
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      `unusable data directory ${path}: ${what} (${reason})`,
      {
        details: { path, reason },
      },
    );
  };
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') fail(`cannot create ${d}`, err);
    }
  }
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
    if (isDirectory) accessSync(path, constants.W_OK | constants.X_OK);
  } catch (err) {
    fail('cannot write to it', err);
  }
  if (!isDirectory) fail('not a directory', 'ENOTDIR');
  return path;
}
