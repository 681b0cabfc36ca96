import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../src/core/index.js';

test('token bucket: a burst, then the refill rate, capped at the burst', () => {
  const b = new TokenBucket(10, 3, 0);
  assert.deepEqual([b.take(0), b.take(0), b.take(0), b.take(0)], [true, true, true, false]);
  assert.equal(b.take(50), false); // half a token
  assert.equal(b.take(100), true); // 100 ms at 10/s refills one
  assert.equal(b.take(100), false);
  // A long quiet spell refills only up to the burst.
  assert.deepEqual(
    [b.take(60_000), b.take(60_000), b.take(60_000), b.take(60_000)],
    [true, true, true, false],
  );
  // A clock that goes backwards refills nothing.
  assert.equal(b.take(1000), false);
});
