import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { electrumPython } from './electrum-interop.js';
import { makeNode } from '../discovery/harness.js';
import { ElectrumClient } from '../../src/discovery/electrum-client.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';

const electrum = requireBinary('electrum');

function parseWithElectrum(reply: unknown, net: 'mainnet' | 'regtest'): { parsed: unknown; kept: unknown } {
  const r = spawnSync(electrumPython(), [join(import.meta.dirname, 'electrum_parse_servers.py'), net], {
    input: JSON.stringify(reply),
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { parsed: unknown; kept: unknown };
}

test(
  "our server.peers.subscribe output, read by Electrum's own parse_servers, gives exactly our peers",
  electrum,
  async () => {
    const node = makeNode({ schedule: { tickMs: 60_000 } });
    const now = Date.now();
    const later = now + 3_600_000;
    const peers = [
      {
        host: 'electrum.example.org',
        ipAddr: '8.8.8.8',
        tcpPort: 50001,
        sslPort: 50002,
        protocolMax: '1.4.2',
        pruning: null,
      },
      {
        host: 'tls-only.example.net',
        ipAddr: '9.9.9.9',
        tcpPort: null,
        sslPort: 995,
        protocolMax: '1.4',
        pruning: null,
      },
      {
        host: 'prune.example.com',
        ipAddr: '1.1.1.1',
        tcpPort: 110,
        sslPort: null,
        protocolMax: '1.4.2',
        pruning: 10000,
      },
      {
        host: '2a01:4f8::5',
        ipAddr: '2a01:4f8::5',
        tcpPort: 50001,
        sslPort: 50002,
        protocolMax: '1.4',
        pruning: null,
      },
      {
        host: 'old.example.org',
        ipAddr: '4.4.4.4',
        tcpPort: 50001,
        sslPort: null,
        protocolMax: '1.2',
        pruning: null,
      },
    ];
    for (const p of peers)
      node.store.put(newPeerRecord(p.host, 'peer', now, { ...p, lastGood: now, nextCheck: later }));
    node.store.put(
      newPeerRecord('stale.example.org', 'peer', now, {
        ipAddr: '5.5.5.5',
        tcpPort: 1,
        lastGood: 1,
        nextCheck: later,
      }),
    );
    await node.start();
    try {
      const client = await ElectrumClient.connect({
        host: '127.0.0.1',
        port: node.tcpPort!,
        transport: 'tcp',
      });
      let reply: unknown;
      try {
        await client.version('test', '1.4');
        reply = await client.peers();
      } finally {
        await client.close();
      }
      const expected: Record<string, Record<string, string>> = {};
      for (const p of peers) {
        const e: Record<string, string> = {
          pruning: p.pruning === null ? '-' : String(p.pruning),
          version: p.protocolMax,
        };
        if (p.sslPort !== null) e.s = String(p.sslPort);
        if (p.tcpPort !== null) e.t = String(p.tcpPort);
        expected[p.host] = e;
      }
      const { parsed, kept } = parseWithElectrum(reply, 'mainnet');
      assert.deepEqual(parsed, expected);
      const { ['old.example.org']: _old, ...current } = expected;
      assert.deepEqual(kept, current, 'filter_version drops the 1.2 server');
    } finally {
      await node.stop();
    }
  },
);

test('Electrum rejects the malformed entries our parser rejects', electrum, () => {
  for (const bad of ['s99999', 'sfoo', 's0', 'tcp']) {
    const r = spawnSync(electrumPython(), [join(import.meta.dirname, 'electrum_parse_servers.py')], {
      input: JSON.stringify([['1.1.1.1', 'h.example', ['v1.4', bad]]]),
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.notEqual(r.status, 0, bad);
    assert.match(r.stderr, /ValueError/);
  }
  const ok = parseWithElectrum([['1.1.1.1', 'plain.example', ['v1.4', 's', 't']]], 'regtest');
  assert.deepEqual(ok.parsed, { 'plain.example': { pruning: '-', s: '51002', t: '51001', version: '1.4' } });
});
