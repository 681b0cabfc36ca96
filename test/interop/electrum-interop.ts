/** Finding the Python interpreter the Debian `electrum` package runs under. */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** The interpreter named by the `electrum` script's shebang (the Debian system python3). */
export function electrumPython(): string {
  const path = spawnSync('sh', ['-c', 'command -v electrum'], { encoding: 'utf8' }).stdout.trim();
  const first = readFileSync(path, 'utf8').split('\n', 1)[0]!;
  const m = /^#!\s*(\S+)/.exec(first);
  return m?.[1] ?? 'python3';
}
