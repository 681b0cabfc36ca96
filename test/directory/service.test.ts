import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DirectoryClient } from '../../src/directory/client/client.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { directoryConfigSchema, directoryServiceDefinition } from '../../src/node/directory-service.js';
import { openStore } from '../../src/store/index.js';
import { silentLogger } from '../../src/core/index.js';
import { spawnDirectoryCli } from '../helpers/directory-cli.js';
import { freePort } from '../helpers/free-port.js';

test('directory service: defaults, start/stop, stable nick across restarts', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerway-dirsvc-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const defaults = directoryConfigSchema.parse({});
  assert.equal(defaults.enabled, false);
  assert.equal(defaults.listen, '127.0.0.1:5222');
  assert.equal(defaults.limits.rateLimit, 500);
  assert.equal(defaults.limits.maxLineLength, 40_000);
  assert.throws(() => directoryConfigSchema.parse({ listen: 'no port here:x' }));
  assert.throws(() => directoryConfigSchema.parse({ network: 'moon' }));

  const config = directoryConfigSchema.parse({ enabled: true, listen: '127.0.0.1:0', network: 'signet' });
  const store = openStore(':memory:');
  t.after(() => store.close());
  const ctx = { logger: silentLogger, dataDir, store };
  const service = directoryServiceDefinition.create(config, ctx);
  await service.start();
  const info = service.info!();
  const port = Number(String(info['location']).split(':')[1]);
  const client = new DirectoryClient({
    host: '127.0.0.1',
    port,
    identity: NickIdentity.generate(),
    network: 'signet',
  });
  await client.connect();
  assert.equal(client.directoryHandshake?.nick, info['nick']);
  assert.equal(service.stats['peers'], 1);
  await client.close();
  const stopped = service.stop();
  assert.equal(service.stop(), stopped);
  await stopped;
  assert.match(await readFile(join(dataDir, 'directory-nick.key'), 'utf8'), /^[0-9a-f]{64}\n$/);

  const again = directoryServiceDefinition.create(config, ctx);
  await again.start();
  assert.equal(again.info!()['nick'], info['nick']);
  await again.stop();
});

test('peerway directory serve: runs alone, serves a client, stops on SIGINT', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerway-dircli-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const child = spawnDirectoryCli([
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--network',
    'signet',
    '--data-dir',
    dataDir,
    '--log-level',
    'info',
  ]);
  t.after(() => child.kill('SIGKILL'));
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  const lines = createInterface({ input: child.stdout });
  const [first] = (await once(lines, 'line')) as [string];
  assert.match(first, new RegExp(`^directory J5\\S+ at 127\\.0\\.0\\.1:${port} \\(network signet\\)$`));
  const client = new DirectoryClient({
    host: '127.0.0.1',
    port,
    identity: NickIdentity.generate(),
    network: 'signet',
  });
  await client.connect();
  await client.close();
  await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGINT');
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
  const log = stderr.join('');
  assert.match(log, /"msg":"peer joined"/);
  assert.match(log, /"msg":"peer left"/);
  assert.match(log, /"msg":"node stopped"/);
});
