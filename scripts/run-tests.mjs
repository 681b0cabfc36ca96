// Runs every test file under test/ through node:test with the spec reporter.
// Node 20's --test neither expands globs nor finds .ts files in a folder, so the list is built here,
// and the run fails when no test was executed.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = collect('test');
if (filters.length > 0) files = files.filter((f) => filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

// A test that hangs fails after the timeout, and a file whose failed test left a handle open
// must not keep the run (and CI) waiting: force the exit once every test has finished.
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-concurrency=2',
  '--test-timeout=180000',
  '--test-force-exit',
  ...files,
];
const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
// The summary line can stand far above the end (the list of failures follows it), so remember the
// last count seen rather than searching only the tail of the output.
let carry = '';
let count = 0;
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const text = carry + chunk.toString();
  for (const match of text.matchAll(/ℹ tests (\d+)\n/g)) count = Number(match[1]);
  carry = text.slice(-64);
});
child.on('close', (code) => {
  if (count === 0) {
    console.error('run-tests: no test ran');
    process.exit(1);
  }
  process.exit(code ?? 1);
});
