import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineClient, makeNode } from '../discovery/harness.js';
import {
  fillWithPublicPeers,
  floodWithoutReading,
  holdIdle,
  honestClient,
  honestRounds,
  percentile,
} from './discovery-attacks.js';

// The honest client and each attacker come from their own loopback address.
const HONEST = '127.0.0.1';
const ATTACKER = '127.0.0.2';
const ATTACKERS = Array.from({ length: 50 }, (_, i) => `127.0.1.${i + 1}`);

/** One counter of the node's `stats`, 0 when it was never bumped. */
function counter(node: ReturnType<typeof makeNode>, group: string, key: string): number {
  return (node.stats[group] as Record<string, number>)[key] ?? 0;
}

test(
  'lock-out: 1,000 idle connections from one address leave the honest client served',
  { timeout: 30_000 },
  async () => {
    await using node = makeNode();
    await node.start();
    const port = node.tcpPort!;
    const idle = await holdIdle(port, 1000, [ATTACKER]);
    try {
      const honest = await honestRounds(port, HONEST, 5, 40);
      assert.equal(honest.lost, 0, `honest requests lost: ${honest.lost}/${honest.sent}`);
      assert.ok(percentile(honest.latencies, 99) < 100, `p99 ${percentile(honest.latencies, 99)} ms`);
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(idle.open() <= 16, `the attacker holds ${idle.open()} sessions`);
      assert.ok(
        counter(node, 'sessions', 'refusedPerSource') >= 1000 - 16,
        JSON.stringify(node.stats.sessions),
      );
    } finally {
      idle.close();
    }
  },
);

test(
  'lock-out: idle sessions from many addresses that never say server.version are closed',
  { timeout: 30_000 },
  async () => {
    await using node = makeNode({ limits: { helloTimeout: 300 } });
    await node.start();
    const port = node.tcpPort!;
    const idle = await holdIdle(port, 500, ATTACKERS);
    try {
      // An identified client outlives the short timeout (its idle timeout is the long one).
      const started = Date.now();
      const honest = await honestClient(port, HONEST, 10);
      assert.equal(honest.lost, 0);
      const deadline = Date.now() + 5000;
      while (idle.open() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(idle.open(), 0, 'every silent session was closed');
      assert.ok(Date.now() - started < 5000);
      assert.ok(counter(node, 'rpc', 'helloTimeouts') >= 500, JSON.stringify(node.stats.rpc));
      const after = await honestClient(port, HONEST, 20);
      assert.equal(after.lost, 0);
      assert.ok(percentile(after.latencies, 99) < 100, `p99 ${percentile(after.latencies, 99)} ms`);
    } finally {
      idle.close();
    }
  },
);

test(
  'non-reading sessions: input pauses while output is backed up; RSS stays bounded',
  { timeout: 30_000 },
  async () => {
    // A peers.subscribe reply is about 15 KB here, a batch of 64 of them about 1 MB.
    await using node = makeNode();
    fillWithPublicPeers(node.store, 200);
    await node.start();
    const port = node.tcpPort!;
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      const [lines, batches, honest] = await Promise.all([
        floodWithoutReading(port, ATTACKER, 5, 3000),
        floodWithoutReading(port, '127.0.0.3', 5, 3000, 64),
        (async () => {
          await new Promise((r) => setTimeout(r, 500));
          return honestRounds(port, HONEST, 5, 20);
        })(),
      ]);
      assert.equal(honest.lost, 0, `honest requests lost: ${honest.lost}/${honest.sent}`);
      assert.ok(percentile(honest.latencies, 99) < 100, `p99 ${percentile(honest.latencies, 99)} ms`);
      const grown = (peak - before) / 1024 / 1024;
      assert.ok(grown < 64, `RSS grew by ${grown.toFixed(0)} MB`);
      // Every attacker session was paused once its unread replies backed up, and then stalled.
      assert.ok(counter(node, 'rpc', 'backpressure') >= 10, JSON.stringify(node.stats.rpc));
      assert.ok(lines.bytesSent > 0 && batches.bytesSent > 0);
      console.log(
        JSON.stringify(node.stats.rpc),
        (peak - before) / 1e6,
        JSON.stringify(lines),
        JSON.stringify(batches),
      );
    } finally {
      clearInterval(sampler);
    }
  },
);

test(
  'non-reading sessions: a reply that would pass the output bound closes the session',
  { timeout: 30_000 },
  async () => {
    await using node = makeNode({ limits: { maxWriteBuffer: 256 * 1024 } });
    fillWithPublicPeers(node.store, 200);
    await node.start();
    const port = node.tcpPort!;
    const [batches, honest] = await Promise.all([
      floodWithoutReading(port, ATTACKER, 5, 2000, 64),
      honestRounds(port, HONEST, 3, 20),
    ]);
    assert.equal(honest.lost, 0, `honest requests lost: ${honest.lost}/${honest.sent}`);
    assert.ok(percentile(honest.latencies, 99) < 100, `p99 ${percentile(honest.latencies, 99)} ms`);
    assert.equal(batches.closedByServer, 5, 'every batch flood was closed');
    assert.equal(counter(node, 'rpc', 'outputOverflow'), 5, JSON.stringify(node.stats.rpc));
  },
);

test(
  'add_peer of a name that resolves to loopback is refused and never advertised',
  { timeout: 30_000 },
  async () => {
    await using node = makeNode({
      resolve: (host) => Promise.resolve(host === 'sneaky.example.com' ? ['127.0.0.1'] : []),
      schedule: { tickMs: 60_000 },
    });
    await node.start();
    const port = node.tcpPort!;
    const attacker = await LineClient.connect(port, '127.0.0.1', HONEST);
    try {
      await attacker.call('server.version', ['evil', '1.4']);
      const features = {
        hosts: { 'sneaky.example.com': { tcp_port: port, ssl_port: null } },
        genesis_hash: 'x',
      };
      const reply = await attacker.call('server.add_peer', [features], 2);
      assert.equal(reply.result, false);
      assert.equal(counter(node, 'addPeer', 'notPublic'), 1);
      assert.equal(node.store.has('sneaky.example.com'), false);
      const peers = await attacker.call('server.peers.subscribe', [], 3);
      assert.deepEqual(peers.result, []);
      const honest = await honestClient(port, '127.0.0.4', 20);
      assert.equal(honest.lost, 0);
    } finally {
      attacker.close();
    }
  },
);
