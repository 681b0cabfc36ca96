import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary } from '../helpers/binaries.js';
import { withElectrumDaemon } from '../helpers/electrum-daemon.js';
import { startElectrumRegtest } from '../helpers/electrum-regtest/index.js';
import { makeNode } from '../discovery/harness.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';

const electrum = requireBinary('electrum');

test(
  'the real Electrum wallet syncs headers through peerway in backend mode and lists the peers peerway knows',
  { ...electrum, timeout: 150_000 },
  async () => {
    const backend = await startElectrumRegtest({ blocks: 120 });
    const node = makeNode({ backend: backend.tcpUrl, schedule: { tickMs: 60_000 } });
    const now = Date.now();
    for (const [host, ip, t, s] of [
      ['electrum.example.org', '8.8.8.8', 50001, 50002],
      ['second.example.net', '9.9.9.9', 51001, null],
    ] as const) {
      node.store.put(
        newPeerRecord(host, 'peer', now, {
          ipAddr: ip,
          tcpPort: t,
          sslPort: s,
          protocolMax: '1.4.2',
          lastGood: now,
          nextCheck: now + 3_600_000,
        }),
      );
    }
    await node.start();
    try {
      await withElectrumDaemon(`127.0.0.1:${node.tcpPort}:t`, async (daemon) => {
        const info = (height: number): Promise<Record<string, unknown> | undefined> =>
          daemon.waitForInfo((i) => i.connected === true && i.blockchain_height === height, 60_000);
        const first = await info(120);
        assert.ok(first, 'the daemon answered getinfo');
        assert.equal(first.connected, true, 'connected through peerway');
        assert.equal(first.server_height, 120, 'the backend tip');
        assert.equal(first.blockchain_height, 120, 'every header verified and stored by the wallet');
        // A new block reaches the wallet through peerway as a headers notification.
        backend.chain.mine(2);
        const second = await info(122);
        assert.equal(second?.blockchain_height, 122, 'the wallet followed two new blocks');
        const s = daemon.command(['getservers']);
        assert.equal(s.status, 0, 'getservers answered');
        const servers = JSON.parse(s.stdout) as Record<string, Record<string, unknown>>;
        assert.deepEqual(servers['electrum.example.org'], {
          pruning: '-',
          s: '50002',
          t: '50001',
          version: '1.4.2',
        });
        assert.deepEqual(servers['second.example.net'], { pruning: '-', t: '51001', version: '1.4.2' });
        const forwarded = new Set(backend.requests.map((r) => r.method));
        for (const m of ['blockchain.headers.subscribe', 'blockchain.estimatefee', 'server.banner']) {
          assert.ok(forwarded.has(m), `${m} was forwarded to the backend`);
        }
        assert.ok(!forwarded.has('server.peers.subscribe'), 'peers.subscribe is answered by peerway');
      });
    } finally {
      await node.stop();
      await backend.stop();
    }
  },
);
