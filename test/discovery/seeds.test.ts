import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';
import { seedRecords, topUpSeeds } from '../../src/discovery/seeds.js';
import { silentLogger } from '../../src/core/index.js';
import { makeNode, REGTEST_GENESIS } from './harness.js';
import { DiscoveryNode } from '../../src/discovery/discovery-node.js';

const child = join(import.meta.dirname, 'seed-crash-child.ts');
const SEEDS = 8000;

/** Rows in the peer table, read beside the writer (WAL lets a reader in); -1 before it exists. */
function peek(path: string): number {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM discovery_peers').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return -1;
  }
}

test('seeds: a node killed while writing its seeds keeps all or none, and the next start tops up', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-seeds-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'peerway.sqlite');
  const proc = spawn(process.execPath, ['--import', 'tsx', child, path, String(SEEDS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => proc.kill('SIGKILL'));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    proc.on('exit', (_code, sig) => resolve(sig)),
  );
  await new Promise<void>((resolve) => {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      if (chunk.includes('seeding')) resolve();
    });
  });
  // Kill as soon as the first seed is visible: written one row at a time, most are still missing.
  const deadline = Date.now() + 15_000;
  let seen = 0;
  while (Date.now() < deadline && (seen = peek(path)) <= 0) await new Promise((r) => setImmediate(r));
  proc.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.ok(seen > 0, 'the child wrote seeds before it was killed');

  const store = createSqlitePeerStore(openStore(path));
  const afterCrash = store.count();
  assert.ok(afterCrash === 0 || afterCrash === SEEDS, `all or none survive a crash, not ${afterCrash}`);
  const seeds = Array.from({ length: SEEDS }, (_, i) => `seed${i}.example.com t50001`);
  const node = new DiscoveryNode({
    store,
    genesisHash: REGTEST_GENESIS,
    seeds,
    resolve: () => Promise.resolve(['10.0.0.1']),
  });
  await node.start();
  await node.stop();
  assert.equal(store.count(), SEEDS, 'the next start has every seed');
});

test('seeds: a table smaller than the seed list is topped up, a full one is left alone', () => {
  const store = createSqlitePeerStore(openStore(':memory:'));
  const seeds = seedRecords(
    ['a.example.com t1', 'b.example.com t1', 'not a seed!', 'me.example.com t1'],
    ['me.example.com'],
    1,
    silentLogger,
  );
  assert.deepEqual(
    seeds.map((s) => s.host),
    ['a.example.com', 'b.example.com'],
  );
  store.put(newPeerRecord('a.example.com', 'peer', 0, { tcpPort: 7, lastGood: 5 }));
  assert.equal(topUpSeeds(store, seeds, 100), 1);
  assert.equal(store.get('a.example.com')!.tcpPort, 7, 'a known peer is never overwritten');
  assert.equal(store.get('b.example.com')!.source, 'seed');
  assert.equal(topUpSeeds(store, seeds, 200), 0);
  store.delete('b.example.com');
  store.put(newPeerRecord('c.example.com', 'peer', 0));
  assert.equal(topUpSeeds(store, seeds, 300), 0, 'as many peers as seeds: nothing to do');
});

test('seeds: a node adds its seeds at start and counts them', async () => {
  const node = makeNode({
    seeds: ['a.example.com t1', 'b.example.com t1'],
    resolve: () => Promise.resolve(['10.0.0.1']),
  });
  await node.start();
  try {
    assert.equal(node.store.count(), 2);
    assert.equal((node.stats.seeds as Record<string, number>).added, 2);
  } finally {
    await node.stop();
  }
});
