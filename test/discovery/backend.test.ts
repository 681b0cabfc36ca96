import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes } from '../../src/core/index.js';
import { parseBackendUrl } from '../../src/discovery/backend.js';
import { verifyPeer } from '../../src/discovery/verify-peer.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';
import { RegtestChain, startElectrumRegtest } from '../helpers/electrum-regtest/index.js';
import { LineClient, makeNode } from './harness.js';
import { isErr } from './expect-code.js';

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('backend URLs: tcp and ssl, IPv6 in brackets; anything else is refused', () => {
  assert.deepEqual(parseBackendUrl('tcp://127.0.0.1:50001'), {
    host: '127.0.0.1',
    port: 50001,
    transport: 'tcp',
  });
  assert.deepEqual(parseBackendUrl('ssl://[::1]:50002'), { host: '::1', port: 50002, transport: 'ssl' });
  for (const bad of ['127.0.0.1:50001', 'http://x:1', 'tcp://x:0', 'tcp://x:70000', 'tcp://x']) {
    assert.throws(() => parseBackendUrl(bad), isErr(ErrorCodes.ADDRESS_INVALID), bad);
  }
});

test('backend mode forwards what peerway does not answer, per client session, with notifications and errors passed through', async () => {
  const backend = await startElectrumRegtest({ blocks: 30 });
  const node = makeNode({ backend: backend.tcpUrl, privateNetwork: true, schedule: { tickMs: 60_000 } });
  await node.start();
  try {
    const a = await LineClient.connect(node.tcpPort!);
    const b = await LineClient.connect(node.tcpPort!);
    assert.deepEqual((await a.call('server.version', ['wallet-a', '1.4'])).result[1], '1.4');
    await b.call('server.version', ['wallet-b', ['1.4', '1.4.2']]);
    const header = await a.call('blockchain.block.header', [7]);
    assert.equal(header.result, backend.chain.header(7)!.toString('hex'), 'a header comes from the backend');
    const missing = await a.call('blockchain.block.header', [9999], 2);
    assert.equal(missing.error.code, 1, 'the backend error code passes through');
    assert.match(missing.error.message, /out of range/, 'and its message');
    const unknown = await a.call('no.such.method', [], 3);
    assert.equal(unknown.error.code, -32601, 'the backend says it does not know the method');
    // Our own methods are still ours.
    const features = (await a.call('server.features', [], 4)).result;
    assert.ok(features.hosts['127.0.0.1'], 'our hosts');
    assert.equal(features.genesis_hash, backend.chain.block(0)!.hash, 'genesis from the merged features');
    assert.equal(features.server_version.startsWith('peerway'), true);
    // One backend session per client session, each opened with the client's version.
    await b.call('blockchain.headers.subscribe', [], 5);
    await until('two backend client sessions', () => backend.sessions >= 3);
    const versions = backend.requests.filter((r) => r.method === 'server.version').map((r) => r.params);
    assert.ok(
      versions.some((p) => JSON.stringify(p).includes('"1.4"]')),
      `a backend session negotiated the client's exact 1.4: ${JSON.stringify(versions)}`,
    );
    // A block on the backend reaches the subscribed client only.
    backend.chain.mine(1);
    const note = await b.next(10_000);
    assert.equal(note.method, 'blockchain.headers.subscribe');
    assert.equal(note.params[0].height, 31);
    assert.equal(note.params[0].hex, backend.chain.header(31)!.toString('hex'));
    // The client leaving closes its backend session.
    const before = backend.sessions;
    a.close();
    await until('the backend session of a closed client to close', () => backend.sessions === before - 1);
    b.close();
  } finally {
    await node.stop();
    await backend.stop();
  }
});

test('a client whose backend session dies is disconnected; a backend on another chain is refused at start', async () => {
  const backend = await startElectrumRegtest({ blocks: 3 });
  const node = makeNode({ backend: backend.tcpUrl, privateNetwork: true, schedule: { tickMs: 60_000 } });
  await node.start();
  const c = await LineClient.connect(node.tcpPort!);
  try {
    await c.call('server.version', ['w', '1.4']);
    await c.call('blockchain.headers.subscribe', [], 2);
    await backend.stop();
    assert.ok(await c.closedWithin(10_000), 'the client was closed with its backend session');
  } finally {
    c.close();
    await node.stop();
  }
  const other = await startElectrumRegtest({ blocks: 1, features: { genesis_hash: '11'.repeat(32) } });
  const wrong = makeNode({ backend: other.tcpUrl, privateNetwork: true });
  try {
    await assert.rejects(wrong.start(), isErr(ErrorCodes.DISCOVERY_BAD_PEER));
  } finally {
    await wrong.stop();
    await other.stop();
  }
});

test('with a backend, peerway passes the checks ElectrumX runs on a peer, and lists itself once verified', async () => {
  const backend = await startElectrumRegtest({ blocks: 40 });
  const node = makeNode({
    backend: backend.tcpUrl,
    privateNetwork: true,
    reportedHosts: ['127.0.0.1'],
    schedule: { tickMs: 60_000 },
  });
  await node.start();
  try {
    await until('the self check', () => node.selfVerified);
    const c = await LineClient.connect(node.tcpPort!);
    await c.call('server.version', ['w', ['1.4', '1.4.2']]);
    const peers = (await c.call('server.peers.subscribe', [], 2)).result as [string, string, string[]][];
    const self = peers.find((p) => p[1] === '127.0.0.1');
    assert.ok(self, `we list ourselves: ${JSON.stringify(peers)}`);
    assert.ok(self[2].includes(`t${node.tcpPort}`), 'with our port');
    c.close();
    // A second node on the same chain verifies the first, headers included.
    const checker = makeNode({ backend: backend.tcpUrl, privateNetwork: true, schedule: { tickMs: 60_000 } });
    await checker.start();
    try {
      const record = newPeerRecord('127.0.0.1', 'test', Date.now(), { tcpPort: node.tcpPort });
      const checks = (checker as unknown as { backend: { headerCheck(): never } }).backend.headerCheck();
      const good = await verifyPeer(record, {
        genesisHash: backend.chain.block(0)!.hash,
        allowPrivate: true,
        checks: [checks],
      });
      assert.equal(good.status, 'good', JSON.stringify(good));
      const headerCalls = backend.requests.filter((r) => r.method === 'blockchain.block.header');
      assert.ok(headerCalls.length >= 2, 'the header was fetched from both sides');
    } finally {
      await checker.stop();
    }
  } finally {
    await node.stop();
    await backend.stop();
  }
});

test('a peer on a different chain with the same genesis fails the header check; one too far behind too', async () => {
  const ours = await startElectrumRegtest({ blocks: 40 });
  const forked = await startElectrumRegtest({ chain: new RegtestChain({ blocks: 40, tag: 'a fork' }) });
  const behind = await startElectrumRegtest({ blocks: 30 });
  const checker = makeNode({ backend: ours.tcpUrl, privateNetwork: true, schedule: { tickMs: 60_000 } });
  const fronts = [forked, behind].map((b) =>
    makeNode({ backend: b.tcpUrl, privateNetwork: true, schedule: { tickMs: 60_000 } }),
  );
  await checker.start();
  for (const f of fronts) await f.start();
  try {
    const check = (checker as unknown as { backend: { headerCheck(): never } }).backend.headerCheck();
    const results = [];
    for (const f of fronts) {
      results.push(
        await verifyPeer(newPeerRecord('127.0.0.1', 'test', Date.now(), { tcpPort: f.tcpPort }), {
          genesisHash: ours.chain.block(0)!.hash,
          allowPrivate: true,
          checks: [check],
        }),
      );
    }
    assert.equal(results[0]!.status, 'bad', 'forked');
    assert.match((results[0] as { reason: string }).reason, /header at height 30 differs/);
    assert.equal(results[1]!.status, 'bad', 'behind');
    assert.match((results[1] as { reason: string }).reason, /too far/);
  } finally {
    for (const f of fronts) await f.stop();
    await checker.stop();
    for (const s of [ours, forked, behind]) await s.stop();
  }
});
