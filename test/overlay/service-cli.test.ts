// The node's overlay service and `peerway overlay join`, against a real loopback testnet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { silentLogger } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import { overlayServiceDefinition } from '../../src/node/overlay-service.js';
import { registerOverlayCommands } from '../../src/cli/commands/overlay.js';
import { testnet } from './testnet.js';

const addr = (a: { host: string; port: number }): string => `${a.host}:${a.port}`;

test('the overlay service validates its config, joins through bootstrap addresses and stops cleanly', async () => {
  await using net = await testnet(6, { community: { tickMs: 100 } });
  const dir = mkdtempSync(join(tmpdir(), 'peerway-overlay-svc-'));
  const store = openStore(':memory:');
  try {
    assert.throws(() =>
      overlayServiceDefinition.schema.parse({ enabled: true, communities: [{ id: 'zz' }] }),
    );
    const config = overlayServiceDefinition.schema.parse({
      enabled: true,
      listen: '127.0.0.1:0',
      communities: [{ id: Buffer.from(net.communityId).toString('hex') }],
      bootstrap: [addr(net.seedAddress!)],
      tickMs: 100,
    });
    assert.equal(config.publicBootstrap, false);
    assert.equal(config.churn, true, 'silent-peer churn is on unless the config turns it off');
    assert.equal(
      overlayServiceDefinition.schema.parse({
        churn: false,
        communities: [{ id: 'ab'.repeat(20), churn: true }],
      }).communities[0]!.churn,
      true,
      'a community may override the service switch',
    );
    const service = overlayServiceDefinition.create(config, { logger: silentLogger, dataDir: dir, store });
    await service.start();
    try {
      await net.waitFor(() => (service.stats.peers as number) >= 3, 10_000);
      assert.ok(existsSync(join(dir, 'overlay.key')));
      const info = service.info!() as { communities: Array<{ peers: number }> };
      assert.ok(info.communities[0]!.peers >= 3);
      assert.ok((service.stats.datagrams_sent as number) > 0);
    } finally {
      const stopping = service.stop();
      assert.equal(service.stop(), stopping);
      await stopping;
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`overlay join` prints its peer count as peers are found and leaves after --duration', async (t) => {
  await using net = await testnet(5, { community: { tickMs: 100 } });
  const dataDir = mkdtempSync(join(tmpdir(), 'peerway-join-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const program = new Command().exitOverride();
  registerOverlayCommands(program);
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    lines.push(String(chunk));
    return true;
  };
  try {
    await program.parseAsync(
      [
        'overlay',
        'join',
        '--community',
        Buffer.from(net.communityId).toString('hex'),
        '--bootstrap',
        addr(net.seedAddress!),
        '--listen',
        '127.0.0.1:0',
        '--duration',
        '2.5',
        '--data-dir',
        dataDir,
        '--no-http',
      ],
      { from: 'user' },
    );
  } finally {
    process.stdout.write = write;
  }
  assert.match(lines[0]!, /^listening on 127\.0\.0\.1:\d+ as [0-9a-f]{40}\n$/);
  const peers = lines.filter((l) => l.startsWith('peers '));
  assert.ok(peers.length >= 1, lines.join(''));
  assert.match(peers.at(-1)!, /^peers [2-9] known\n$/);
});
