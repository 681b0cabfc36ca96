// `peerway status` and `peerway peers` against a running node's API, as a user would run them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, PeerwayNode } from '../../src/node/index.js';

const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

function peerway(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', main, ...args],
      { timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

test('cli: status and peers print the node API as tables or JSON; a node that is not there is one line', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerway-cli-status-'));
  const node = new PeerwayNode({
    config: loadConfig({
      set: [
        `dataDir=${dataDir}`,
        'http.port=0',
        'services.discovery.enabled=true',
        'services.discovery.tcpPort=0',
        'services.discovery.sslPort=null',
        'services.discovery.seeds=["127.0.0.7 t50001"]',
        'services.discovery.privateNetwork=true',
      ],
    }),
  });
  t.after(async () => {
    await node.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await node.start();
  const url = node.url!;

  const status = await peerway(['status', '--url', url]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^SERVICE\s+STATE\s+PEERS\s+REASON$/m);
  assert.match(status.stdout, /^discovery\s+running\s+1$/m);

  const peers = await peerway(['peers', 'discovery', '--url', url]);
  assert.equal(peers.code, 0, peers.stderr);
  assert.match(peers.stdout, /^127\.0\.0\.7\s+50001\s+/m);
  const json = await peerway(['peers', 'discovery', '--url', url, '--json']);
  assert.equal(JSON.parse(json.stdout).peers[0].source, 'seed');

  // Adding and removing a discovery server goes through the API with the token from --data-dir.
  const noToken = await peerway(['peers', 'discovery', '--url', url, '--add', '127.0.0.8 t50001']);
  assert.equal(noToken.code, 1, 'without the data directory there is no token');
  assert.match(noToken.stderr, /^peerway: cannot read the API token .*give the node's --data-dir\n$/);
  const add = await peerway([
    'peers',
    'discovery',
    '--url',
    url,
    '--data-dir',
    dataDir,
    '--add',
    '127.0.0.8 t50001',
  ]);
  assert.equal(add.code, 0, add.stderr);
  assert.equal(add.stdout, '127.0.0.8 added\n');
  const listed = await peerway(['peers', 'discovery', '--url', url, '--json']);
  const hosts = (JSON.parse(listed.stdout) as { peers: Array<{ host: string }> }).peers.map((p) => p.host);
  assert.deepEqual(hosts.sort(), ['127.0.0.7', '127.0.0.8'], 'the added server is in the table');
  const remove = await peerway([
    'peers',
    'discovery',
    '--url',
    url,
    '--data-dir',
    dataDir,
    '--remove',
    '127.0.0.8',
  ]);
  assert.equal(remove.code, 0, remove.stderr);
  assert.equal(remove.stdout, '127.0.0.8 removed\n');
  const again = await peerway([
    'peers',
    'discovery',
    '--url',
    url,
    '--data-dir',
    dataDir,
    '--remove',
    '127.0.0.8',
  ]);
  assert.equal(again.code, 1, 'a host that is not known cannot be removed');
  assert.match(again.stderr, /^peerway: \/api\/discovery\/peers\/127\.0\.0\.8: 404 no peer 127\.0\.0\.8\n$/);
  const afterRemove = await peerway(['peers', 'discovery', '--url', url, '--json']);
  assert.deepEqual(
    (JSON.parse(afterRemove.stdout) as { peers: Array<{ host: string }> }).peers.map((p) => p.host),
    ['127.0.0.7'],
    'the removed server is gone',
  );

  const missing = await peerway(['peers', 'directory', '--url', url]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /^peerway: \/api\/directory\/peers: 404 service directory is not configured\n$/,
  );
  const bad = await peerway(['peers', 'nonsense', '--url', url]);
  assert.equal(bad.code, 1);
  await node.stop();
  const gone = await peerway(['status', '--url', url]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /^peerway: cannot reach the node at http:\/\/127\.0\.0\.1:\d+: .*\n$/);
});
