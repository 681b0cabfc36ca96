import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';
import { DiscoveryNode } from '../../src/discovery/discovery-node.js';
import { REGTEST_GENESIS } from './harness.js';

const N = 50;
const SCHEDULE = { recheckGoodMs: 2_000, retryBaseMs: 100, tickMs: 200 };

interface Running {
  node: DiscoveryNode;
  store: Store;
  host: string;
}

async function startNode(dir: string, i: number, port: number, seeds: string[]): Promise<Running> {
  const host = `127.0.0.${i + 2}`;
  const store = openStore(join(dir, `node${i}.sqlite`));
  const node = new DiscoveryNode({
    store: createSqlitePeerStore(store),
    genesisHash: REGTEST_GENESIS,
    host,
    tcpPort: port,
    seeds,
    privateNetwork: true,
    announce: true,
    addPeerPauseMs: 0,
    replyCacheMs: 100,
    concurrency: 4,
    schedule: SCHEDULE,
  });
  await node.start();
  return { node, store, host };
}

function verifiedBy(r: Running, since: number): Set<string> {
  return new Set(
    r.node.store
      .all()
      .filter((p) => p.lastGood >= since)
      .map((p) => p.host),
  );
}

async function waitAll(nodes: Running[], since: number, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    const missing = nodes.reduce((sum, r) => sum + (N - 1 - verifiedBy(r, since).size), 0);
    if (missing === 0) return Date.now() - start;
    if (process.env.NET_DEBUG !== undefined) console.log(`# ${Date.now() - start} ms: ${missing} missing`);
    if (Date.now() - start > timeoutMs) assert.fail(`${missing} (node, peer) pairs still unverified`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test(`${N} discovery nodes on loopback find and verify each other, and come back from their databases`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-net-'));
  const nodes: Running[] = [];
  try {
    nodes.push(await startNode(dir, 0, 0, []));
    const seed = `${nodes[0]!.host}:${nodes[0]!.node.tcpPort}`;
    for (let i = 1; i < N; i++) nodes.push(await startNode(dir, i, 0, [seed]));
    const t0 = Date.now();
    const took = await waitAll(nodes, 1, 90_000);
    for (const r of nodes) {
      const peers = verifiedBy(r, 1);
      assert.ok(!peers.has(r.host), 'a node never lists itself');
      assert.equal(peers.size, N - 1);
    }
    console.log(`# ${N} nodes converged in ${took} ms`);

    const restartAt = Date.now();
    const half = nodes.slice(N / 2);
    const ports = half.map((r) => r.node.tcpPort!);
    await Promise.all(half.map((r) => r.node.stop()));
    for (const r of half) r.store.close();
    for (let k = 0; k < half.length; k++) {
      nodes[N / 2 + k] = await startNode(dir, N / 2 + k, ports[k]!, []);
    }
    const back = nodes.slice(N / 2);
    for (const r of back) assert.equal(r.node.store.count(), N - 1, 'loaded from the database, no seeds');
    const again = await waitAll(back, restartAt, 60_000);
    console.log(
      `# ${half.length} restarted nodes re-verified every peer in ${again} ms (total ${Date.now() - t0} ms)`,
    );
  } finally {
    await Promise.all(nodes.map((r) => r.node.stop()));
    for (const r of nodes) r.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
