import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineClient, makeNode } from './harness.js';
import { AddPeerPolicy } from '../../src/discovery/add-peer.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';
import { openStore } from '../../src/store/index.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';

const ONION_A = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion';
const ONION_B = 'sp3k262uwy4r2k3ycr5awluarykdpag6a7y33jxop4cs2lu5uz5sseqd.onion';

const names: Record<string, string[]> = {
  'good.example': ['127.0.0.4'],
  'liar.example': ['127.0.0.99'],
  'x.example.com': ['127.0.0.7'],
  'y.example.com': ['127.0.0.8'],
};

function features(
  host: string,
  tcp: number | string = 1,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { hosts: { [host]: { tcp_port: tcp, ssl_port: null } }, genesis_hash: 'g', ...extra };
}

async function addFrom(port: number, source: string, params: unknown): Promise<unknown> {
  const client = await LineClient.connect(port, '127.0.0.1', source);
  try {
    await client.call('server.version', ['t', '1.4']);
    const reply = await client.call('server.add_peer', params, 2);
    return reply.result ?? reply.error;
  } finally {
    client.close();
  }
}

test('add_peer over the wire: first host only, source match, per-source and per-domain limits', async () => {
  const node = makeNode({
    privateNetwork: true,
    schedule: { tickMs: 60_000, retryBaseMs: 3_600_000 },
    resolve: (h) => Promise.resolve(names[h] ?? []),
  });
  await node.start();
  try {
    const p = node.tcpPort!;
    assert.equal(await addFrom(p, '127.0.0.2', ['garbage']), false);
    assert.equal(await addFrom(p, '127.0.0.3', [{ hosts: [] }]), false);
    assert.equal(await addFrom(p, '127.0.0.10', [features('127.0.0.10', '1', { extra_key: 1 })]), true);
    const rec = node.store.get('127.0.0.10')!;
    assert.equal(rec.source, 'add_peer:127.0.0.10');
    assert.equal(rec.tcpPort, 1);
    assert.equal(rec.features.extra_key, 1);
    assert.equal(await addFrom(p, '127.0.0.10', [features('127.0.0.10')]), false, 'same source again');
    assert.equal(
      await addFrom(p, '127.0.0.11', [features('127.0.0.11')]),
      true,
      'another IP host is not blocked',
    );
    assert.equal(await addFrom(p, '127.0.0.4', [features('good.example')]), true);
    assert.equal(await addFrom(p, '127.0.0.5', [features('liar.example')]), false, 'resolves elsewhere');
    assert.equal(
      await addFrom(p, '127.0.0.12', [features('127.0.0.13')]),
      false,
      'IP host is not the caller',
    );
    assert.equal(await addFrom(p, '127.0.0.7', [features('x.example.com')]), true);
    assert.equal(
      await addFrom(p, '127.0.0.8', [features('y.example.com')]),
      false,
      'same domain within the pause',
    );
    assert.equal(await addFrom(p, '127.0.0.14', [features(ONION_A)]), false, 'no Tor proxy');
    const second = { hosts: { '127.0.0.20': { tcp_port: 5 }, '127.0.0.21': { tcp_port: 6 } } };
    assert.equal(await addFrom(p, '127.0.0.21', [second]), false, 'only the first host counts');
    assert.equal(await addFrom(p, '127.0.0.15', { features: features('127.0.0.15') }), true, 'named params');
    assert.ok(((node.stats.addPeer as Record<string, number>).mismatch ?? 0) >= 2);
  } finally {
    await node.stop();
  }
});

test('add_peer never overwrites a known peer; new ports become other port pairs', async () => {
  const store = createSqlitePeerStore(openStore(':memory:'));
  const accepted: string[] = [];
  const policy = new AddPeerPolicy({
    store,
    onAccepted: (h) => accepted.push(h),
    privateNetwork: true,
    pauseMs: 0,
  });
  store.put(
    newPeerRecord('127.0.0.30', 'peer', 5, { tcpPort: 100, features: { mine: true }, nextCheck: 1e15 }),
  );
  assert.equal(
    await policy.handle([features('127.0.0.30', 200, { theirs: true })], '::ffff:127.0.0.30'),
    true,
  );
  const rec = store.get('127.0.0.30')!;
  assert.deepEqual(rec.features, { mine: true });
  assert.equal(rec.tcpPort, 100);
  assert.deepEqual(rec.otherPorts, [{ transport: 'tcp', port: 200 }]);
  assert.ok(rec.nextCheck < 1e15, 're-check scheduled');
  assert.deepEqual(accepted, ['127.0.0.30']);
});

test('public mode refuses private hosts; new onions pass a gate that re-opens', async () => {
  const store = createSqlitePeerStore(openStore(':memory:'));
  let now = 1_000_000;
  const pub = new AddPeerPolicy({ store, onAccepted: () => {}, now: () => now });
  assert.equal(await pub.handle([features('127.0.0.40')], '127.0.0.40'), false);
  const tor = new AddPeerPolicy({
    store,
    onAccepted: () => {},
    hasTorProxy: () => true,
    pauseMs: 0,
    random: () => 0.5,
    now: () => now,
  });
  assert.equal(await tor.handle([features(ONION_A)], '127.0.0.1'), true);
  assert.equal(await tor.handle([features(ONION_B)], '127.0.0.1'), false, 'gate closed');
  assert.equal(await tor.handle([features('abc.onion')], '127.0.0.1'), false, 'invalid onion');
  now += 600_001;
  assert.equal(await tor.handle([features(ONION_B)], '127.0.0.1'), true, 'gate re-opened');
});

test('add_peer on a public network refuses a public name that resolves to loopback or a private range', async () => {
  const node = makeNode({
    schedule: { tickMs: 60_000 },
    resolve: (h) =>
      Promise.resolve(
        h === 'loop.example.com' ? ['127.0.0.1'] : h === 'mixed.example.net' ? ['127.0.0.1', '10.0.0.1'] : [],
      ),
  });
  await node.start();
  try {
    assert.equal(await addFrom(node.tcpPort!, '127.0.0.1', [features('loop.example.com')]), false);
    assert.equal(await addFrom(node.tcpPort!, '127.0.0.2', [features('mixed.example.net')]), false);
    assert.equal(node.store.count(), 0);
    assert.equal((node.stats.addPeer as Record<string, number>).notPublic, 2);
  } finally {
    await node.stop();
  }
});
