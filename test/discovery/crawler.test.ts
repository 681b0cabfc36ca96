import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { crawl, type CrawlProgress } from '../../src/discovery/crawler.js';
import { startStaticNetwork } from './static-network.js';
import { makeNode } from './harness.js';

test('the crawler walks a network from one seed, follows every listed peer and reports what it saw', async () => {
  const dead = net.createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const deadPort = (dead.address() as net.AddressInfo).port;
  await new Promise((r) => dead.close(r));
  const network = await startStaticNetwork(30, (i) => [i + 1, i + 2, (i * 7) % 30], {
    features: (i, f) => (i === 5 ? { ...f, hosts: { 'elsewhere.example': { tcp_port: 1 } } } : f),
    extraPeers: (i) =>
      i === 3
        ? [
            ['1.1.1.1', 'broken', ['s99999']],
            ['127.0.0.1', '127.0.0.1', [`t${deadPort}`]],
          ]
        : [],
  });
  try {
    const progress: CrawlProgress[] = [];
    const results = await crawl({
      seeds: [`127.0.0.1:${network.ports[0]}`],
      keyByPort: true,
      concurrency: 4,
      connectTimeout: 2000,
      requestTimeout: 2000,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(results.length, 31, '30 servers and one dead port');
    const byPort = new Map(results.map((r) => [r.tcpPort, r]));
    for (let i = 0; i < 30; i++) {
      const r = byPort.get(network.ports[i]!)!;
      assert.equal(r.version, '1.4.2');
      assert.equal(r.serverVersion, `static ${i}`);
      assert.equal(r.verified, i !== 5, `server ${i}`);
      assert.ok(r.lastSeen !== null);
    }
    const gone = byPort.get(deadPort)!;
    assert.equal(gone.verified, false);
    assert.equal(gone.lastSeen, null);
    assert.match(gone.error!, /tcp:/);
    assert.equal(progress.at(-1)!.visited, 31);
    const capped = await crawl({ seeds: [`127.0.0.1:${network.ports[0]}`], keyByPort: true, max: 7 });
    assert.equal(capped.length, 7);
  } finally {
    await network.close();
  }
});

test('the crawler is read-only: it never calls server.add_peer', async () => {
  const node = makeNode({ privateNetwork: true, schedule: { tickMs: 60_000 } });
  await node.start();
  try {
    const results = await crawl({ seeds: [`127.0.0.1:${node.tcpPort}`] });
    assert.equal(results.length, 1);
    assert.equal(results[0]!.verified, true);
    const methods = node.stats.addPeer as Record<string, number>;
    assert.deepEqual(methods, {});
    assert.equal(node.store.count(), 0);
  } finally {
    await node.stop();
  }
});

test('the crawler rejects with ERR_ABORTED for a signal aborted before or during the crawl', async () => {
  const network = await startStaticNetwork(30, (i) => [i + 1, i + 2, (i * 7) % 30]);
  try {
    const seeds = [`127.0.0.1:${network.ports[0]}`];
    await assert.rejects(crawl({ seeds, keyByPort: true, signal: AbortSignal.abort() }), {
      code: 'ERR_ABORTED',
    });
    const controller = new AbortController();
    const during = crawl({
      seeds,
      keyByPort: true,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.visited === 3) controller.abort();
      },
    });
    await assert.rejects(during, { code: 'ERR_ABORTED' });
  } finally {
    await network.close();
  }
});
