import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { addr, bondCertificate, startDirectories, startMaker } from '../directory/market.js';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PEERWAY_')));
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: clean,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

test('cli orderbook: collects from two real directories, progress on stderr, JSON and table on stdout', async () => {
  const dirs = await startDirectories(2);
  const makers = [
    await startMaker(dirs, 0),
    await startMaker([dirs[0]!], 1, { bond: bondCertificate() }),
    await startMaker([dirs[1]!], 2),
  ];
  const common = [
    'orderbook',
    '--network',
    'signet',
    '--min-wait',
    '0.5',
    '--quiet-period',
    '0.3',
    '--timeout',
    '10',
  ];
  const directories = dirs.flatMap((d) => ['--directory', addr(d)]);
  try {
    const json = await run([...common, ...directories, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const offers = JSON.parse(json.stdout) as Array<{ counterparty: string; oid: number; bond: unknown }>;
    assert.equal(offers.length, 6);
    assert.equal(new Set(offers.map((o) => `${o.counterparty}:${o.oid}`)).size, 6);
    assert.equal(offers.filter((o) => o.bond !== null).length, 2);
    assert.match(json.stderr, /connected to 2 of 2 directories/);
    assert.match(json.stderr, /offers 6 from 3 makers, directories answered 2\/2/);

    const text = await run([...common, ...directories]);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.match(lines[0]!, /^maker\s+oid\s+type\s+min size\s+max size\s+fee\s+bond$/);
    assert.equal(lines.length, 1 + 6 + 1);
    assert.ok(
      lines.some(
        (l) => l.startsWith(makers[0]!.nick) && l.includes('sw0reloffer') && l.includes('0.00002 (rel)'),
      ),
    );
    assert.equal(lines.at(-1), '6 offers');

    const none = await run([
      'orderbook',
      '--network',
      'signet',
      '--connect-timeout',
      '1',
      '--directory',
      '127.0.0.1:1',
    ]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /connected to 0 of 1 directories/);
  } finally {
    for (const m of makers) await m.stop();
    for (const d of dirs) await d.stop();
  }
});
