import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';

const writer = join(import.meta.dirname, 'crash-writer.ts');

test('store: a SIGKILLed writer loses no committed row and leaves a clean file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'crash.sqlite');

  const child = spawn(process.execPath, ['--import', 'tsx', writer, path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGKILL'));
  const reported: number[] = [];
  let partial = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, sig) => resolve(sig)),
  );
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop()!;
    for (const line of lines) reported.push(Number(line));
    // Kill mid-stream, well after the writer is into its loop.
    if (reported.length >= 2000 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });
  const signal = await exited;
  assert.equal(signal, 'SIGKILL', 'the writer was killed, not finished');
  assert.ok(reported.length >= 2000);

  const store = openStore(path);
  t.after(() => store.close());
  assert.equal(store.db.pragma('integrity_check', { simple: true }), 'ok');
  assert.equal(store.version('crash'), 1);
  const batches = new Map<number, number>();
  for (const row of store.db
    .prepare<[], { batch: number; n: number }>('SELECT batch, COUNT(*) AS n FROM crash_rows GROUP BY batch')
    .all()) {
    batches.set(row.batch, row.n);
  }
  for (const id of reported) assert.equal(batches.get(id), 3, `batch ${id} was reported committed`);
  // Transactions are atomic: no batch survives half-written.
  for (const [id, n] of batches) assert.equal(n, 3, `batch ${id} is complete`);
  // The file is still writable after the crash.
  store.db.prepare('INSERT INTO crash_rows (batch, part, payload) VALUES (?, 0, ?)').run(-1, Buffer.alloc(1));
});
