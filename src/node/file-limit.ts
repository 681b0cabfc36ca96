import { readFileSync } from 'node:fs';

/**
 * The process's soft limit on open files (`ulimit -n`), or undefined where it cannot be read.
 * Node 20 has no getrlimit, so Linux's `/proc/self/limits` is read ("Max open files  <soft>  <hard>
 * files"); other systems report undefined.
 */
export function openFileLimit(): number | undefined {
  let text: string;
  try {
    text = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
  return parseOpenFileLimit(text);
}

/** The soft open-files limit in the text of `/proc/<pid>/limits`; undefined when absent or unlimited. */
export function parseOpenFileLimit(text: string): number | undefined {
  const match = /^Max open files\s+(\S+)/m.exec(text);
  if (match === null) return undefined;
  const n = Number(match[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}
