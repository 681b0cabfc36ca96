import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { makeNode, REGTEST_GENESIS } from './harness.js';
import { verifyPeer, type PeerCheck } from '../../src/discovery/verify-peer.js';
import { newPeerRecord, type PeerRecord } from '../../src/discovery/peer-store.js';
import { RpcServer } from '../../src/discovery/rpc-server.js';
import { PeerwayError } from '../../src/core/index.js';

function record(host: string, fields: Partial<PeerRecord>): PeerRecord {
  return newPeerRecord(host, 'test', Date.now(), fields);
}

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

// Every peer here is on loopback: a private test network.
const opts = { genesisHash: REGTEST_GENESIS, connectTimeout: 2000, requestTimeout: 2000, allowPrivate: true };

test('a good peer: TLS first, features and peers checked', async () => {
  const node = makeNode({ sslPort: 0 });
  await node.start();
  try {
    const out = await verifyPeer(record('127.0.0.1', { tcpPort: node.tcpPort, sslPort: node.sslPort }), opts);
    assert.equal(out.status, 'good');
    assert.ok(out.status === 'good');
    assert.deepEqual(out.target, { host: '127.0.0.1', port: node.sslPort, transport: 'ssl' });
    assert.equal(out.ipAddr, '127.0.0.1');
    assert.deepEqual(out.peers, []);
  } finally {
    await node.stop();
  }
});

test('TLS down: falls back to TCP, then to other port pairs', async () => {
  const node = makeNode();
  await node.start();
  try {
    const dead = await closedPort();
    const a = await verifyPeer(record('127.0.0.1', { tcpPort: node.tcpPort, sslPort: dead }), opts);
    assert.ok(a.status === 'good' && a.target.transport === 'tcp');
    const b = await verifyPeer(
      record('127.0.0.1', { tcpPort: dead, otherPorts: [{ transport: 'tcp', port: node.tcpPort! }] }),
      opts,
    );
    assert.ok(b.status === 'good' && b.target.port === node.tcpPort);
    const c = await verifyPeer(record('127.0.0.1', { tcpPort: dead, sslPort: dead }), opts);
    assert.equal(c.status, 'unreachable');
  } finally {
    await node.stop();
  }
});

test('bad peers: other genesis, dialled host not listed, malformed peer list, a failing extra check', async () => {
  const other = makeNode({ genesisHash: '00'.repeat(32) });
  const elsewhere = makeNode({ reportedHosts: ['other.example'] });
  await other.start();
  await elsewhere.start();
  const liar = new RpcServer({
    handler: (req) => {
      if (req.method === 'server.version') return ['liar', '1.4'];
      if (req.method === 'server.features')
        return { hosts: { '127.0.0.1': { tcp_port: 1 } }, genesis_hash: REGTEST_GENESIS };
      return [['1.1.1.1', 'x.example', ['s99999']]];
    },
  });
  await liar.start();
  try {
    const g = await verifyPeer(record('127.0.0.1', { tcpPort: other.tcpPort }), opts);
    assert.ok(g.status === 'bad' && /genesis/.test(g.reason));
    const h = await verifyPeer(record('127.0.0.1', { tcpPort: elsewhere.tcpPort }), opts);
    assert.ok(h.status === 'bad' && /advertised/.test(h.reason));
    const l = await verifyPeer(record('127.0.0.1', { tcpPort: liar.tcpPort }), opts);
    assert.ok(l.status === 'bad' && /port/.test(l.reason));
    const check: PeerCheck = () =>
      Promise.reject(new PeerwayError('ERR_DISCOVERY_BAD_PEER', 'header mismatch'));
    const c = await verifyPeer(record('127.0.0.1', { tcpPort: other.tcpPort }), {
      ...opts,
      genesisHash: '00'.repeat(32),
      checks: [check],
    });
    assert.ok(c.status === 'bad' && c.reason === 'header mismatch');
  } finally {
    await other.stop();
    await elsewhere.stop();
    await liar.stop();
  }
});

test('onions are never dialled without a proxy; no ports is bad', async () => {
  const onion = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion';
  const out = await verifyPeer(record(onion, { tcpPort: 50001 }), opts);
  assert.equal(out.status, 'unreachable');
  assert.equal((await verifyPeer(record('127.0.0.1', {}), opts)).status, 'bad');
});

test('a silent peer times out and counts as unreachable', async () => {
  const sockets: net.Socket[] = [];
  const silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as net.AddressInfo).port;
  try {
    const out = await verifyPeer(record('127.0.0.1', { tcpPort: port }), { ...opts, requestTimeout: 200 });
    assert.ok(out.status === 'unreachable' && /timed out/.test(out.reason));
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => silent.close(r));
  }
});

test('on a public network a peer that is, or resolves to, a non-public address is bad before any dial', async () => {
  await using node = makeNode();
  await node.start();
  let dialled = 0;
  const publicOpts = {
    genesisHash: REGTEST_GENESIS,
    connectTimeout: 2000,
    requestTimeout: 2000,
    resolve: (host: string) => {
      dialled++;
      return Promise.resolve(host === 'evil.example.com' ? ['93.184.216.34', '127.0.0.1'] : ['10.1.2.3']);
    },
  };
  const named = await verifyPeer(record('evil.example.com', { tcpPort: node.tcpPort }), publicOpts);
  assert.equal(named.status, 'bad');
  assert.match(named.status === 'bad' ? named.reason : '', /resolves to non-public 127\.0\.0\.1/);
  const inner = await verifyPeer(record('intranet.example.com', { tcpPort: node.tcpPort }), publicOpts);
  assert.equal(inner.status, 'bad');
  const literal = await verifyPeer(record('127.0.0.1', { tcpPort: node.tcpPort }), publicOpts);
  assert.equal(literal.status, 'bad');
  assert.equal(dialled, 2, 'names are resolved, literals judged as they are');
  assert.equal((node.stats.sessions as Record<string, number>).accepted, 0, 'nothing was dialled');
});
