import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';
import { startElectrumRegtest } from '../helpers/electrum-regtest/index.js';
import { makeNode } from '../discovery/harness.js';
import { newPeerRecord } from '../../src/discovery/peer-store.js';

const electrum = requireBinary('electrum');

function run(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string } {
  const r = spawnSync('electrum', args, { env, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout };
}

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
    const dir = mkdtempSync(join(tmpdir(), 'peerway-electrum-backend-'));
    const env = { ...process.env, HOME: join(dir, 'home') };
    const dataDir = join(dir, 'edir');
    const daemon = spawn(
      'electrum',
      ['daemon', '--regtest', '-D', dataDir, '--oneserver', '--server', `127.0.0.1:${node.tcpPort}:t`],
      { env, stdio: 'ignore' },
    );
    const info = async (height: number): Promise<Record<string, unknown> | undefined> => {
      let last: Record<string, unknown> | undefined;
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1500));
        const i = run(['getinfo', '--regtest', '-D', dataDir], env);
        if (i.status !== 0) continue;
        last = JSON.parse(i.stdout) as Record<string, unknown>;
        if (last.connected === true && last.blockchain_height === height) break;
      }
      return last;
    };
    try {
      const first = await info(120);
      assert.ok(first, 'the daemon answered getinfo');
      assert.equal(first.connected, true, 'connected through peerway');
      assert.equal(first.server_height, 120, 'the backend tip');
      assert.equal(first.blockchain_height, 120, 'every header verified and stored by the wallet');
      // A new block reaches the wallet through peerway as a headers notification.
      backend.chain.mine(2);
      const second = await info(122);
      assert.equal(second?.blockchain_height, 122, 'the wallet followed two new blocks');
      const s = run(['getservers', '--regtest', '-D', dataDir], env);
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
    } finally {
      if (daemon.exitCode === null) {
        run(['stop', '--regtest', '-D', dataDir], env);
        const exited = new Promise((r) => daemon.once('exit', r));
        const kill = setTimeout(() => daemon.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(kill);
      }
      rmSync(dir, { recursive: true, force: true });
      await node.stop();
      await backend.stop();
    }
  },
);
