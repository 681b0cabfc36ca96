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
    // ob-watcher's /orderbook.json shape.
    const book = JSON.parse(json.stdout) as {
      offers: Array<{
        counterparty: string;
        oid: number;
        ordertype: string;
        cjfee: unknown;
        fidelity_bond_value: number;
      }>;
      fidelitybonds: Array<{ counterparty: string; status: string }>;
    };
    const offers = book.offers;
    assert.equal(offers.length, 6);
    assert.equal(new Set(offers.map((o) => `${o.counterparty}:${o.oid}`)).size, 6);
    assert.ok(
      offers.every((o) => (o.ordertype === 'sw0absoffer' ? o.cjfee === 250 : o.cjfee === '0.00002')),
      'cjfee numeric for absolute offers',
    );
    assert.deepEqual(
      book.fidelitybonds.map((b) => [b.counterparty, b.status]),
      [[makers[1]!.nick, 'unchecked']],
    );
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
    // Each directory that failed says why.
    assert.match(none.stderr, /directory 127\.0\.0\.1:1: refused \(ERR_CONNECT_FAILED\)/);
  } finally {
    for (const m of makers) await m.stop();
    for (const d of dirs) await d.stop();
  }
});

test('cli orderbook --watch: a line per collection, changes logged, Ctrl-C ends it at once', async () => {
  const dirs = await startDirectories(1);
  const maker = await startMaker(dirs, 0, { orderbookInterval: 50 });
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      main,
      'orderbook',
      '--watch',
      '--json',
      '--network',
      'signet',
      '--directory',
      addr(dirs[0]!),
      '--refresh',
      '0.2',
      '--min-wait',
      '0.3',
      '--quiet-period',
      '0.2',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (stdout.split('\n').filter((l) => l.startsWith('{')).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const lines = stdout.split('\n').filter((l) => l.startsWith('{'));
    assert.ok(lines.length >= 2, `two collections printed (stderr: ${stderr})`);
    const book = JSON.parse(lines.at(-1)!) as { offers: Array<{ counterparty: string }> };
    assert.equal(book.offers.length, 2);
    assert.match(stderr, /\+ J5\S+ 0 sw0reloffer/, 'additions are logged');
    const t = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    assert.ok(Date.now() - t < 10_000, `exit took ${Date.now() - t} ms`);
    assert.equal(code, 0, stderr);
  } finally {
    child.kill('SIGKILL');
    await maker.stop();
    for (const d of dirs) await d.stop();
  }
});

test('cli orderbook: Ctrl-C while a dial hangs exits at once', async () => {
  // A listener that accepts and never answers the handshake: the dial hangs until its deadline.
  const { createServer } = await import('node:net');
  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      main,
      'orderbook',
      '--network',
      'signet',
      '--directory',
      `127.0.0.1:${port}`,
      '--connect-timeout',
      '60',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  try {
    // Give the process time to start and dial.
    const deadline = Date.now() + 20_000;
    while (!/level|connect|dial/i.test(stderr) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const t = Date.now();
    child.kill('SIGINT');
    await exited;
    assert.ok(Date.now() - t < 8_000, `exit took ${Date.now() - t} ms (stderr: ${stderr})`);
  } finally {
    child.kill('SIGKILL');
    silent.close();
  }
});

test('cli orderbook: a network without default directories and no --directory is a usage error (exit 2)', async () => {
  // No --directory: the network's default list; a network without one is an error naming it,
  // with the exit code of a command line that lacks what it needs.
  const testnet = await run(['orderbook', '--network', 'testnet']);
  assert.equal(testnet.code, 2, testnet.stderr);
  assert.match(testnet.stderr, /^peerway: invalid option: --directory: no default directories for testnet/);
  assert.equal(testnet.stderr.trimEnd().split('\n').length, 1, `one line: ${testnet.stderr}`);
  assert.equal(testnet.stdout, '', 'nothing on stdout');
});
