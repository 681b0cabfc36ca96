// The overlay endpoint's lifecycle: one socket however start() is called, and a clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Endpoint } from '../../src/overlay/index.js';

const udpHandles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
/** A closed socket's handle is released on a later turn of the event loop. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

test('two concurrent start() calls bind one socket and share one promise', async () => {
  const before = udpHandles();
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  const first = endpoint.start();
  const second = endpoint.start();
  assert.equal(first, second);
  await Promise.all([first, second]);
  assert.equal(udpHandles() - before, 1, 'exactly one socket was bound');
  assert.ok(endpoint.address.port > 0);
  const stop = endpoint.stop();
  assert.equal(endpoint.stop(), stop);
  await stop;
  await settle();
  assert.equal(udpHandles(), before, 'stop left no socket');
  await assert.rejects(endpoint.start(), { code: 'ERR_CLOSED' });
});

test('a stop during start waits for the bind, then closes it', async () => {
  const before = udpHandles();
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  const start = endpoint.start();
  await endpoint.stop();
  await start;
  assert.equal(endpoint.isOpen, false);
  await settle();
  assert.equal(udpHandles(), before);
});
