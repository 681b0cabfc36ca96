import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireBinary } from '../helpers/binaries.js';
import { withElectrumDaemon } from '../helpers/electrum-daemon.js';
import { makeNode } from '../discovery/harness.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';
import type { ExtraMethod } from '../../src/discovery/electrum-methods.js';

const electrum = requireBinary('electrum');

/** The regtest genesis block header: version 1, no parent, its merkle root, time, bits, nonce 2. */
const REGTEST_HEADER =
  '01000000' +
  '00'.repeat(32) +
  '3ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a' +
  'dae5494d' +
  'ffff7f20' +
  '02000000';

/** Test-only answers for the blockchain calls Electrum makes: a regtest chain at height 0. */
const chainAtGenesis: Record<string, ExtraMethod> = {
  'blockchain.headers.subscribe': () => ({ height: 0, hex: REGTEST_HEADER }),
  'blockchain.block.header': () => REGTEST_HEADER,
  'blockchain.block.headers': () => ({ hex: REGTEST_HEADER, count: 1, max: 2016 }),
  'blockchain.estimatefee': () => -1,
  'blockchain.relayfee': () => 0.00001,
  'server.banner': () => 'peerway test node',
  'server.donation_address': () => '',
  'mempool.get_fee_histogram': () => [],
  'blockchain.scripthash.subscribe': () => null,
};

test(
  'the real Electrum daemon connects over TLS to a node with its self-signed P-256 certificate',
  { ...electrum, timeout: 90_000 },
  async () => {
    const node = makeNode({ extraMethods: chainAtGenesis, sslPort: 0, tcpPort: null });
    await node.start();
    try {
      const info = await withElectrumDaemon(`127.0.0.1:${node.sslPort}:s`, (daemon) =>
        daemon.waitForInfo((i) => i.connected === true, 60_000),
      );
      assert.ok(info?.connected === true, 'the daemon connected over TLS');
      assert.equal(info.server_height, 0);
      assert.ok(((node.stats.rpc as Record<string, number>).requests ?? 0) > 0);
    } finally {
      await node.stop();
    }
  },
);

test(
  'the real Electrum daemon connects to a peerway node and lists the peers we serve',
  { ...electrum, timeout: 90_000 },
  async () => {
    const node = makeNode({ extraMethods: chainAtGenesis, schedule: { tickMs: 60_000 } });
    const now = Date.now();
    const served = [
      ['electrum.example.org', '8.8.8.8', 50001, 50002, '1.4.2'],
      ['second.example.net', '9.9.9.9', 51001, null, '1.4'],
      ['third.example.com', '1.1.1.1', null, 51002, '1.4'],
      ['ancient.example.com', '4.4.4.4', 51001, null, '1.2'],
    ] as const;
    for (const [host, ip, t, s, v] of served) {
      node.store.put(
        newPeerRecord(host, 'peer', now, {
          ipAddr: ip,
          tcpPort: t,
          sslPort: s,
          protocolMax: v,
          lastGood: now,
          nextCheck: now + 3_600_000,
        }),
      );
    }
    await node.start();
    try {
      await withElectrumDaemon(`127.0.0.1:${node.tcpPort}:t`, async (daemon) => {
        let servers: Record<string, Record<string, unknown>> | undefined;
        // Connected, and the peer list fetched: getservers is asked after each connected getinfo.
        const info = await daemon.waitForInfo((i) => {
          if (i.connected !== true) return false;
          const s = daemon.command(['getservers']);
          if (s.status !== 0) return false;
          servers = JSON.parse(s.stdout) as Record<string, Record<string, unknown>>;
          return 'electrum.example.org' in servers;
        }, 60_000);
        assert.ok(info, 'the daemon answered getinfo');
        assert.equal(info.connected, true);
        assert.equal(info.server_height, 0);
        assert.ok(servers, 'getservers answered');
        assert.deepEqual(servers['electrum.example.org'], {
          pruning: '-',
          s: '50002',
          t: '50001',
          version: '1.4.2',
        });
        assert.deepEqual(servers['second.example.net'], { pruning: '-', t: '51001', version: '1.4' });
        assert.deepEqual(servers['third.example.com'], { pruning: '-', s: '51002', version: '1.4' });
        assert.equal(servers['ancient.example.com'], undefined, 'Electrum filters versions below 1.4');
        const methods = node.stats.rpc as Record<string, number>;
        assert.ok((methods.requests ?? 0) > 0);
      });
    } finally {
      await node.stop();
    }
  },
);
