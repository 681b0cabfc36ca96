/**
 * Secret files (keys a node keeps across restarts): created atomically with mode 0600, and refused
 * when anyone but the owner can read them.
 *
 * @module
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ErrorCodes, PeerwayError } from '../core/index.js';

/** How {@link loadOrCreateSecret} reads, checks and makes one secret. */
export interface SecretFileOptions<T> {
  /** Turns the file's bytes into the secret; throws (a `PeerwayError`) when they are not one. */
  decode: (bytes: Buffer) => T;
  /** Makes a fresh secret and the bytes to store for it. */
  create: () => { value: T; bytes: Uint8Array | string };
}

/**
 * Reads the secret in `path`, or creates the file with a fresh one.
 *
 * A new file is written to a temporary name beside `path` with mode 0600, flushed to disk and then
 * renamed into place, so a crash never leaves a half-written key. An existing file that its group
 * or others can read is refused (`ERR_SECRET_FILE`): the key may have leaked, and the operator must
 * decide (`chmod 600 <path>` if it has not).
 */
export function loadOrCreateSecret<T>(path: string, options: SecretFileOptions<T>): T {
  let mode: number | undefined;
  try {
    mode = statSync(path).mode;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw secretError(path, 'cannot be read', err);
  }
  if (mode !== undefined) {
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new PeerwayError(
        ErrorCodes.SECRET_FILE,
        `secret file ${path} can be read by others (mode ${(mode & 0o777).toString(8)}); run chmod 600 on it if the key has not leaked`,
        { details: { path } },
      );
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw secretError(path, 'cannot be read', err);
    }
    return options.decode(bytes);
  }
  const { value, bytes } = options.create();
  writeSecretFile(path, bytes);
  return value;
}

/** Writes `bytes` to `path` atomically with mode 0600 (temporary file, fsync, rename). */
export function writeSecretFile(path: string, bytes: Uint8Array | string): void {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    makeDirectories(dirname(path));
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean up
    }
    throw secretError(path, 'cannot be written', err);
  }
}

/**
 * Creates `dir` and its missing parents one level at a time, mode 0700. Node's recursive mkdir
 * spins without end where the kernel answers ENOENT for a parent that exists (under /proc), so
 * the first level that cannot be made fails here at once.
 */
function makeDirectories(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    if (dirname(d) === d) break;
    missing.unshift(d);
  }
  for (const d of missing) mkdirSync(d, { mode: 0o700 });
}

function secretError(path: string, what: string, cause: unknown): PeerwayError {
  const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
  return new PeerwayError(ErrorCodes.SECRET_FILE, `secret file ${path} ${what} (${reason})`, {
    cause,
    details: { path },
  });
}
