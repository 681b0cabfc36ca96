/**
 * Tests that need a Debian binary call requireBinary: without the binary they skip with a clear
 * message, except under CI (process.env.CI set), where a missing binary is a failure.
 */
import { spawnSync } from 'node:child_process';

/** `{ skip: false }` when `name` is on PATH; otherwise a skip message, or a throw under CI. */
export function requireBinary(name: string): { skip: string | false } {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
  if (found) return { skip: false };
  if (process.env.CI !== undefined && process.env.CI !== '') {
    throw new Error(`${name} is required under CI but is not installed`);
  }
  return { skip: `${name} is not installed (apt-get install ${name}); skipping` };
}
