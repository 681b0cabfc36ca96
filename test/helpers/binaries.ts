/**
 * Finds the Debian programs some tests run (tor, microsocks, electrum). Without `CI` a missing
 * program skips those tests with a message; with `CI` set it is an error, so CI cannot go green by
 * skipping.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where a test binary is, or why its tests are skipped. */
export interface BinaryCheck {
  /** A skip message for node:test, or false when the binary was found. */
  skip: string | false;
  /** The binary's absolute path when found. */
  path: string | undefined;
}

// tor lives in /usr/sbin, which is not on every user's PATH.
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Looks `name` up on PATH (and the sbin folders); throws under CI when it is missing. */
export function requireBinary(name: string): BinaryCheck {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return { skip: false, path: candidate };
    } catch {
      // not in this folder
    }
  }
  const missing = `${name} is not installed (apt-get install ${name})`;
  if (process.env.CI !== undefined && process.env.CI !== '') {
    throw new Error(`${missing}; CI runs every test, so it must be there`);
  }
  return { skip: `${missing}; skipping the tests that need it`, path: undefined };
}
