import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig, PeerwayNode } from '../../src/node/index.js';
import { httpGet } from './http-get.js';
import { CountingService, FailingService } from './test-services.js';

/** Active libuv resources by type, for example `{ TCPServerWrap: 1, Timeout: 2 }`. */
function resources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Resource types that have more entries in `after` than in `before`. */
function grown(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after]
    .filter(([name, n]) => n > (before.get(name) ?? 0))
    .map(([name, n]) => `${name} x${n - (before.get(name) ?? 0)}`);
}

test('node: a stopped node leaves no open handle behind', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerway-handles-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  // Warm up once so lazily created process-wide pieces (prom-client's collectors) are not
  // counted against the node.
  const warm = new PeerwayNode({ config: loadConfig({ set: [`dataDir=${dataDir}`, 'http.port=0'] }) });
  await warm.start();
  await httpGet(`${warm.url}/metrics`);
  await warm.stop();
  await delay(20);

  const before = resources();
  const node = new PeerwayNode({
    config: loadConfig({ set: [`dataDir=${dataDir}`, 'http.port=0'] }),
    services: [new CountingService(), new FailingService()],
  });
  await node.start();
  await httpGet(`${node.url}/health`);
  await httpGet(`${node.url}/metrics`);
  // The measurement sees what a running node holds: its listening socket.
  assert.ok(
    grown(before, resources()).some((r) => r.startsWith('TCPServerWrap')),
    'running node holds a server',
  );

  await node.stop();
  await delay(20); // let closed sockets finish their close callbacks
  assert.deepEqual(grown(before, resources()), []);
});
