import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode } from './harness.js';
import { ElectrumClient } from '../../src/discovery/electrum-client.js';
import { crawl } from '../../src/discovery/crawler.js';

function handles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'FSReqCallback');
}

test('stop() leaves no socket, server or timer behind, even with sessions and checks running', async () => {
  await new Promise((r) => setTimeout(r, 50));
  const before = handles();
  const a = makeNode({ sslPort: 0, privateNetwork: true, schedule: { tickMs: 50, retryBaseMs: 10 } });
  await a.start();
  const b = makeNode({
    host: '127.0.0.1',
    seeds: [`127.0.0.1:${a.tcpPort}`],
    reportedHosts: ['127.0.0.1'],
    privateNetwork: true,
    schedule: { tickMs: 50, recheckGoodMs: 20 },
  });
  await b.start();
  const idle = await ElectrumClient.connect({ host: '127.0.0.1', port: a.sslPort!, transport: 'ssl' });
  await idle.version();
  await crawl({ seeds: [`127.0.0.1:${a.tcpPort}`] });
  await new Promise((r) => setTimeout(r, 200));
  const stopA = a.stop();
  assert.equal(a.stop(), stopA, 'stop returns the same promise');
  await Promise.all([stopA, b.stop()]);
  await idle.close();
  // libuv releases closed handles on the next loop turns.
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(handles().sort(), before.sort());
});
