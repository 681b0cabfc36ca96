import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, openStoreOrRecover } from '../../src/store/index.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';
import { REGTEST_GENESIS, makeNode } from './harness.js';
import { DiscoveryNode } from '../../src/discovery/discovery-node.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'peerway-discovery-'));
}

test('records keep every field, unknown feature keys included; insertIfAbsent never overwrites', () => {
  const store = openStore(':memory:');
  try {
    const peers = createSqlitePeerStore(store);
    const rec = newPeerRecord('Electrum.Example.org', 'seed', 1000, {
      ipAddr: '8.8.8.8',
      features: { hosts: {}, fulcrum_extra: [1, 2] },
      tcpPort: 50001,
      sslPort: 50002,
      protocolMax: '1.4.2',
      pruning: 5,
      lastGood: 900,
      lastTry: 950,
      tryCount: 2,
      badUntil: 5000,
      otherPorts: [{ transport: 'tcp', port: 1 }],
    });
    assert.equal(peers.insertIfAbsent(rec), true);
    assert.deepEqual(peers.get('electrum.example.org'), rec);
    assert.equal(peers.insertIfAbsent({ ...rec, source: 'other' }), false);
    assert.equal(peers.get('electrum.example.org')!.source, 'seed');
    assert.equal(peers.byIp('8.8.8.8').length, 1);
    assert.deepEqual(peers.goodSince(800, 6000).length, 1);
    assert.deepEqual(peers.goodSince(800, 4000).length, 0, 'bad until 5000');
    assert.deepEqual(peers.goodSince(901, 6000).length, 0, 'not fresh');
    assert.equal(peers.due(999, 10).length, 0);
    assert.equal(peers.due(1000, 10).length, 1);
    assert.equal(peers.nextDue(), 1000);
    const g = peers.generation;
    peers.delete('ELECTRUM.example.org');
    assert.equal(peers.count(), 0);
    assert.ok(peers.generation > g);
  } finally {
    store.close();
  }
});

test('nothing acknowledged is lost when the process is killed', async () => {
  const dir = tempDir();
  try {
    const db = join(dir, 'peers.sqlite');
    const script = `
      import { openStore } from './src/store/index.js';
      import { createSqlitePeerStore } from './src/discovery/sqlite-peer-store.js';
      import { newPeerRecord } from './src/discovery/peer-store.js';
      const peers = createSqlitePeerStore(openStore(${JSON.stringify(db)}));
      for (let i = 0; ; i++) {
        peers.insertIfAbsent(newPeerRecord('h' + i + '.example', 'seed', Date.now()));
        process.stdout.write('ack ' + i + '\\n');
        if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
      }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acked = -1;
    let text = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const lines = text.split('\n');
        text = lines.pop()!;
        for (const l of lines) acked = Number(l.slice(4));
        if (acked >= 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('close', r));
    const store = openStore(db);
    try {
      const peers = createSqlitePeerStore(store);
      for (let i = 0; i <= acked; i++) assert.ok(peers.get(`h${i}.example`), `h${i} was acknowledged`);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt database is moved aside and the node starts from its default peers', async () => {
  const dir = tempDir();
  try {
    const db = join(dir, 'peerway.sqlite');
    writeFileSync(db, Buffer.alloc(8192, 0x5a));
    const warnings: unknown[] = [];
    const logger = {
      trace() {},
      debug() {},
      info() {},
      warn: (o: unknown) => warnings.push(o),
      error() {},
      child() {
        return logger;
      },
    };
    const store = openStoreOrRecover(db, { logger });
    try {
      assert.equal(warnings.length, 1);
      assert.ok(readdirSync(dir).some((f) => f.startsWith('peerway.sqlite.corrupt-')));
      const node = new DiscoveryNode({
        store: createSqlitePeerStore(store),
        genesisHash: REGTEST_GENESIS,
        seeds: ['127.0.0.10 s1 t2', '127.0.0.9:1'],
        schedule: { tickMs: 60_000 },
        resolve: () => Promise.resolve([]),
      });
      await node.start();
      await node.stop();
      assert.deepEqual(
        node.store.all().map((p) => p.host),
        ['127.0.0.10', '127.0.0.9'],
      );
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('default peers are not loaded into a database that already has peers', async () => {
  const node = makeNode({ seeds: ['a.example:1'], schedule: { tickMs: 60_000 } });
  node.store.insertIfAbsent(newPeerRecord('known.example', 'peer', Date.now() + 60_000));
  await node.start();
  await node.stop();
  assert.deepEqual(
    node.store.all().map((p) => p.host),
    ['known.example'],
  );
});
