import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/index.js';
import { openStore } from '../../src/store/index.js';
import {
  discoveryConfigSchema,
  discoveryServiceDefinition,
  parseProxy,
} from '../../src/node/discovery-service.js';
import { formatCrawlTable } from '../../src/cli/commands/discovery.js';
import { ElectrumClient } from '../../src/discovery/electrum-client.js';
import type { ServiceDefinition } from '../../src/node/service.js';

const CLI = `
  import { Command } from 'commander';
  import { registerDiscoveryCommands } from './src/cli/commands/discovery.ts';
  const program = new Command('peerway').exitOverride();
  registerDiscoveryCommands(program);
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
`;

function runCli(args: string[]): { child: ReturnType<typeof spawn>; output: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const output = new Promise<string>((resolve) => child.once('close', () => resolve(out)));
  return { child, output };
}

test('config schema defaults and proxy parsing', () => {
  const _fits: ServiceDefinition = discoveryServiceDefinition; // the node's service list takes it as is
  assert.equal(_fits.name, 'discovery');
  const c = discoveryConfigSchema.parse({});
  assert.equal(c.enabled, false);
  assert.equal(c.tcpPort, 50001);
  assert.equal(c.sslPort, 50002);
  assert.equal(c.privateNetwork, false);
  assert.equal(c.announce, false);
  assert.throws(() => discoveryConfigSchema.parse({ genesisHash: 'xyz' }));
  assert.deepEqual(parseProxy('127.0.0.1:9050'), { host: '127.0.0.1', port: 9050 });
  assert.equal(parseProxy('auto'), 'auto');
  assert.throws(() => parseProxy('nope'));
});

test('the discovery service starts on the node database, keeps its certificate, and stops idempotently', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-svc-'));
  const store = openStore(join(dir, 'peerway.sqlite'));
  try {
    const config = discoveryConfigSchema.parse({ enabled: true, tcpPort: 0, sslPort: 0 });
    const service = discoveryServiceDefinition.create(config, { logger: silentLogger, dataDir: dir, store });
    await service.start();
    const info = service.info!() as { tcpPort: number; sslPort: number };
    assert.ok(existsSync(join(dir, 'discovery-tls-cert.pem')));
    assert.equal(statSync(join(dir, 'discovery-tls-key.pem')).mode & 0o777, 0o600);
    const client = await ElectrumClient.connect({ host: '127.0.0.1', port: info.sslPort, transport: 'ssl' });
    await client.version();
    await client.close();
    assert.equal((service.stats.sessions as Record<string, number>).accepted, 1);
    const a = service.stop();
    assert.equal(service.stop(), a);
    await a;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('peerway discovery serve, then crawl against it (table and --json)', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-cli-'));
  const serve = runCli([
    'discovery',
    'serve',
    '--data-dir',
    dir,
    '--listen',
    '127.0.0.1:0',
    '--no-ssl',
    '--private',
    '--genesis',
    '11'.repeat(32),
  ]);
  try {
    let port = 0;
    let text = '';
    await new Promise<void>((resolve, reject) => {
      serve.child.stdout!.on('data', (c: Buffer) => {
        text += c.toString();
        const m = /tcp (\d+)/.exec(text);
        if (m !== null) {
          port = Number(m[1]);
          resolve();
        }
      });
      serve.child.once('close', () => reject(new Error('serve exited')));
    });
    const json = runCli(['discovery', 'crawl', '--seed', `127.0.0.1:${port}`, '--json']);
    const results = JSON.parse(await json.output) as Array<{
      host: string;
      verified: boolean;
      genesisHash: string;
    }>;
    assert.equal(results.length, 1);
    assert.equal(results[0]!.verified, true);
    assert.equal(results[0]!.genesisHash, '11'.repeat(32));
    const table = await runCli(['discovery', 'crawl', '--seed', `127.0.0.1:${port}`]).output;
    assert.match(table, /^HOST\s+PORTS\s+VERSION\s+SERVER\s+LAST SEEN\s+VERIFIED/);
    assert.match(table, new RegExp(`127\\.0\\.0\\.1\\s+t${port}\\s+1\\.4\\.2`));
    assert.ok(existsSync(join(dir, 'peerway.sqlite')));
  } finally {
    serve.child.kill('SIGTERM');
    await serve.output;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the crawl table lists unverified servers with their reason', () => {
  const table = formatCrawlTable([
    {
      host: 'a.example',
      tcpPort: 1,
      sslPort: 2,
      via: null,
      version: null,
      serverVersion: null,
      genesisHash: null,
      lastSeen: null,
      verified: false,
      peersReported: 0,
      error: 'refused',
    },
  ]);
  assert.match(table, /a\.example\s+s2 t1\s+-\s+-\s+-\s+no \(refused\)/);
});
