import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { requireBinary } from '../helpers/binaries.js';
import { makeNode, REGTEST_GENESIS } from './harness.js';
import { verifyPeer } from '../../src/discovery/verify-peer.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';
import { TorProxyDetector } from '../../src/discovery/tor-detect.js';
import { probeSocks5 } from '../../src/discovery/socks5-probe.js';
import { dialSocks5 } from '../../src/transport/index.js';
import { isErr } from './expect-code.js';

const microsocks = requireBinary('microsocks');

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function startMicrosocks(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn('microsocks', ['-i', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (await probeSocks5({ host: '127.0.0.1', port }, { timeout: 500 })) return { port, child };
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill();
  throw new Error('microsocks did not come up');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill();
  await exited;
}

test(
  'verification through a SOCKS5 proxy, and proxy detection on the configured port',
  microsocks,
  async () => {
    const { port, child } = await startMicrosocks();
    const node = makeNode();
    await node.start();
    try {
      const proxy = { host: '127.0.0.1', port };
      const out = await verifyPeer(newPeerRecord('127.0.0.1', 't', Date.now(), { tcpPort: node.tcpPort }), {
        genesisHash: REGTEST_GENESIS,
        proxy,
        forceProxy: true,
      });
      assert.equal(out.status, 'good');
      assert.ok(out.status === 'good' && out.ipAddr === null, 'the address is unknown behind a proxy');
      const found = new TorProxyDetector({ proxy });
      await found.start();
      assert.deepEqual(found.proxy, proxy);
      await found.stop();
      const closed = await freePort();
      const refused = await verifyPeer(newPeerRecord('127.0.0.1', 't', Date.now(), { tcpPort: closed }), {
        genesisHash: REGTEST_GENESIS,
        proxy,
        forceProxy: true,
      });
      assert.equal(refused.status, 'unreachable');
      await assert.rejects(
        dialSocks5('127.0.0.1', closed, { proxy, timeout: 5000 }),
        isErr('ERR_SOCKS_CONNECT_REFUSED'),
      );
    } finally {
      await node.stop();
      await stop(child);
    }
  },
);

test('no proxy on the port: detection finds nothing and keeps no timer after stop', async () => {
  const port = await freePort();
  const detector = new TorProxyDetector({ proxy: { host: '127.0.0.1', port }, reprobeMs: 60_000 });
  await detector.start();
  assert.equal(detector.proxy, undefined);
  await detector.stop();
  assert.equal(await probeSocks5({ host: '127.0.0.1', port }), false);
});

test('a node with a proxy reports onion peers and refuses them without one', async () => {
  const onion = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion';
  const fake = net.createServer((s) => {
    s.once('data', () => s.write(Buffer.from([5, 0])));
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  const proxy = { host: '127.0.0.1', port: (fake.address() as net.AddressInfo).port };
  const withTor = makeNode({ proxy, schedule: { tickMs: 60_000 } });
  const without = makeNode({ schedule: { tickMs: 60_000 } });
  const now = Date.now();
  for (const n of [withTor, without]) {
    n.store.put(
      newPeerRecord(onion, 'peer', now, {
        tcpPort: 50001,
        protocolMax: '1.4.2',
        lastGood: now,
        nextCheck: now + 3_600_000,
      }),
    );
    // Onions are at most half of a reply, so each reply needs a clearnet peer beside them.
    n.store.put(
      newPeerRecord('clear.example', 'peer', now, {
        ipAddr: '9.9.9.9',
        tcpPort: 50001,
        protocolMax: '1.4.2',
        lastGood: now,
        nextCheck: now + 3_600_000,
      }),
    );
  }
  await withTor.start();
  await without.start();
  try {
    const { ElectrumClient } = await import('../../src/discovery/electrum-client.js');
    for (const [n, expected] of [
      [withTor, 2],
      [without, 1],
    ] as const) {
      const c = await ElectrumClient.connect({ host: '127.0.0.1', port: n.tcpPort!, transport: 'tcp' });
      await c.version();
      const peers = (await c.peers()) as unknown[];
      await c.close();
      assert.equal(peers.length, expected, 'onions only with a proxy');
    }
    assert.ok(withTor.isTorClient('127.0.0.1'), 'the proxy address is a Tor client');
    assert.ok(withTor.isTorClient('::ffff:127.0.0.1'), 'so is its IPv4-mapped form on a dual-stack listener');
    assert.ok(!withTor.isTorClient('::ffff:127.0.0.2'), 'another address is not');
    assert.ok(!without.isTorClient('127.0.0.1'), 'without a proxy nobody is');
  } finally {
    await withTor.stop();
    await without.stop();
    await new Promise((r) => fake.close(r));
  }
});
