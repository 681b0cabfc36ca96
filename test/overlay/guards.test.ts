// The overlay's cheap guards: pending requests and the verification budget (with a fake clock),
// and the cache that only verified keys enter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PuncturePayload } from '../../src/overlay/discovery-payloads.js';
import { PrivateKey, publicKeyFromBin } from '../../src/overlay/keys.js';
import { encodeMessage } from '../../src/overlay/messages.js';
import { communityPrefix, openSigned } from '../../src/overlay/packet.js';
import { PendingRequests } from '../../src/overlay/pending-requests.js';
import { VerifyBudget } from '../../src/overlay/verify-budget.js';

test('a response is expected only from the address asked, with its identifier, once, within the timeout', () => {
  let now = 0;
  const pending = new PendingRequests({ timeoutMs: 1000, maxRequests: 3, now: () => now });
  const a = { host: '127.0.0.1', port: 1 };
  pending.add(a, 7);
  assert.equal(pending.expects(a, 7), true);
  assert.equal(pending.expects(a, 8), false, 'another identifier');
  assert.equal(pending.expects({ host: '127.0.0.1', port: 2 }, 7), false, 'another port');
  pending.settle(a, 7);
  assert.equal(pending.expects(a, 7), false, 'answered once already');
  pending.add(a, 9);
  now = 1001;
  assert.equal(pending.expects(a, 9), false, 'timed out');
  for (let id = 0; id < 5; id++) pending.add(a, id);
  assert.equal(pending.size, 3, 'bounded: the oldest are forgotten');
  assert.equal(pending.expects(a, 0), false);
  assert.equal(pending.expects(a, 4), true);
});

test('a request sent to an unspecified address is answered from loopback, as the kernel delivers it', () => {
  const pending = new PendingRequests();
  pending.add({ host: '0.0.0.0', port: 8090 }, 7);
  pending.add({ host: '::', port: 8091 }, 8);
  assert.equal(pending.expects({ host: '127.0.0.1', port: 8090 }, 7), true, 'IPv4 answer from loopback');
  assert.equal(pending.expects({ host: '::1', port: 8091 }, 8), true, 'IPv6 answer from loopback');
  assert.equal(pending.expects({ host: '127.0.0.1', port: 8091 }, 7), false, 'another port is still refused');
  pending.settle({ host: '127.0.0.1', port: 8090 }, 7);
  assert.equal(pending.expects({ host: '127.0.0.1', port: 8090 }, 7), false, 'once only');
});

test('the verification budget stops a source at its packet or CPU limit and refills over time', () => {
  let now = 0;
  const budget = new VerifyBudget({ packetsPerSecond: 3, cpuMsPerSecond: 10, maxSources: 2, now: () => now });
  assert.deepEqual(
    [1, 2, 3, 4].map(() => budget.allow('a')),
    [true, true, true, false],
    'packets',
  );
  assert.equal(budget.allow('b'), true);
  budget.charge('b', 25);
  assert.equal(budget.allow('b'), false, 'CPU used up (and overdrawn)');
  now = 1000;
  assert.equal(budget.allow('b'), false, 'overdrawn by 15 ms: one second refills only 10');
  now = 2000;
  assert.equal(budget.allow('b'), true);
  assert.equal(budget.allow('a'), true, 'packets refilled');
  // A third source evicts the least recently seen ('b'), which comes back with a full budget.
  budget.allow('c');
  assert.deepEqual(
    [1, 2, 3, 4].map(() => budget.allow('b')),
    [true, true, true, false],
  );
});

test('only a key that verified a signature is cached: fresh keys cannot push out real ones', () => {
  const key = PrivateKey.generate();
  const bin = key.publicKey.bin;
  assert.notEqual(publicKeyFromBin(bin), publicKeyFromBin(bin), 'an unverified key is imported each time');
  const address = { host: '127.0.0.1', port: 1 };
  const value = { sourceLan: address, sourceWan: address, identifier: 1 };
  const packet = encodeMessage(communityPrefix(new Uint8Array(20)), PuncturePayload, value, {
    key,
    globalTime: 1n,
  });
  const { key: verified } = openSigned(packet);
  assert.equal(publicKeyFromBin(bin), verified, 'after a valid signature the key is cached');
});
