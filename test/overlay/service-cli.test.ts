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

/** Runs `peerway overlay ...` in this process and returns what it printed. */
async function runCli(args: string[]): Promise<string[]> {
  const program = new Command().exitOverride();
  registerOverlayCommands(program);
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array): boolean => {
    // The test runner reports through stdout too: its chunks go through untouched.
    if (!String(chunk).startsWith('{"event"')) return write(chunk);
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l.startsWith('{"event"')),
    );
    return true;
  };
  try {
    await program.parseAsync(['overlay', ...args], { from: 'user' });
  } finally {
    process.stdout.write = write;
  }
  return lines;
}

test('`overlay join --peer` takes a known peer on as a peer (a --bootstrap address never is); --json and --key-file', async () => {
  await using net = await testnet(1, { community: { tickMs: 100 } });
  const dir = mkdtempSync(join(tmpdir(), 'peerway-overlay-cli-'));
  try {
    const keyFile = join(dir, 'id.key');
    const community = Buffer.from(net.communityId).toString('hex');
    const common = ['join', '--community', community, '--listen', '127.0.0.1:0', '--json', '--no-http'];
    const asPeer = await runCli([
      ...common,
      '--peer',
      addr(net.seedAddress!),
      '--key-file',
      keyFile,
      '--data-dir',
      join(dir, 'first'),
      '--duration',
      '2',
    ]);
    const events = asPeer.map((l) => JSON.parse(l) as { event: string; mid?: string; count?: number });
    assert.equal(events[0]!.event, 'listening', asPeer.join('\n'));
    assert.ok(
      events.some((e) => e.event === 'peers' && e.count === 1),
      `the --peer address became a peer: ${asPeer.join('\n')}`,
    );
    assert.ok(existsSync(keyFile), 'the key file was created');
    // The same key file gives the same identity; the same address as --bootstrap is never a peer.
    const asBootstrap = await runCli([
      ...common,
      '--bootstrap',
      addr(net.seedAddress!),
      '--key-file',
      keyFile,
      '--data-dir',
      join(dir, 'second'),
      '--duration',
      '2',
    ]);
    const again = asBootstrap.map((l) => JSON.parse(l) as { event: string; mid?: string; count?: number });
    assert.equal(again[0]!.mid, events[0]!.mid, 'the identity persists in the key file');
    assert.ok(!again.some((e) => e.event === 'peers' && (e.count ?? 0) > 0), asBootstrap.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`overlay tracker` introduces two `overlay join` peers to each other', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-overlay-cli-'));
  try {
    // Reserve a free UDP port for the tracker by binding and closing a socket.
    const { createSocket } = await import('node:dgram');
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const port = probe.address().port;
    await new Promise<void>((r) => probe.close(() => r()));
    const trackerAddress = `127.0.0.1:${port}`;
    // The three commands share this process's stdout, so their lines are captured together.
    const program = (): Command => {
      const p = new Command().exitOverride();
      registerOverlayCommands(p);
      return p;
    };
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string | Uint8Array): boolean => {
      if (!String(chunk).startsWith('{"event"')) return write(chunk);
      lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l.startsWith('{"event"')),
      );
      return true;
    };
    const community = 'ab'.repeat(20);
    const joinArgs = [
      'overlay',
      'join',
      '--community',
      community,
      '--listen',
      '127.0.0.1:0',
      '--json',
      '--no-http',
    ];
    try {
      const tracker = program().parseAsync(
        [
          'overlay',
          'tracker',
          '--listen',
          trackerAddress,
          '--json',
          '--duration',
          '6',
          '--key-file',
          join(dir, 't.key'),
        ],
        { from: 'user' },
      );
      await new Promise((r) => setTimeout(r, 500));
      // Each join keeps its key in its own data directory, so the two are different peers.
      const joins = [1, 2].map((n) =>
        program().parseAsync(
          [
            ...joinArgs,
            '--bootstrap',
            trackerAddress,
            '--data-dir',
            join(dir, `join-${n}`),
            '--duration',
            '4',
          ],
          { from: 'user' },
        ),
      );
      await Promise.all([tracker, ...joins]);
    } finally {
      process.stdout.write = write;
    }
    const events = lines.map((l) => JSON.parse(l) as { event: string; count?: number; introduced?: number });
    assert.equal(events.filter((e) => e.event === 'listening').length, 3, lines.join('\n'));
    assert.ok(events.filter((e) => e.event === 'peers' && e.count === 1).length >= 2, lines.join('\n'));
    assert.ok(
      events.some((e) => e.event === 'stats' && (e.introduced ?? 0) >= 1),
      lines.join('\n'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
