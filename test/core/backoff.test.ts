import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Backoff, ErrorCodes } from '../../src/core/index.js';

test('backoff: grows by the factor up to the cap, without jitter', () => {
  const b = new Backoff({ initialDelay: 5000, maxDelay: 30000, factor: 1.5, jitter: 0 });
  assert.deepEqual(
    Array.from({ length: 7 }, () => b.next()),
    [5000, 7500, 11250, 16875, 25313, 30000, 30000],
  );
  b.reset();
  assert.equal(b.next(), 5000);
});

test('backoff: jitter stays within its band and the cap, deterministic with injected random', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 10_000 }),
      fc.integer({ min: 0, max: 20 }),
      fc.double({ min: 0, max: 0.9999, noNaN: true }),
      (initial, attempt, r) => {
        const b = new Backoff({
          initialDelay: initial,
          maxDelay: initial * 10,
          jitter: 0.5,
          random: () => r,
        });
        const d = b.delayFor(attempt);
        const base = Math.min(initial * 10, initial * 2 ** attempt);
        assert.ok(d >= Math.floor(base * 0.5) && d <= initial * 10);
        assert.equal(d, b.delayFor(attempt));
      },
    ),
  );
});

test('backoff: bad options are typed errors', () => {
  assert.throws(() => new Backoff({ initialDelay: 10, maxDelay: 5 }), { code: ErrorCodes.INVALID_ARGUMENT });
  assert.throws(() => new Backoff({ factor: 0.5 }), { code: ErrorCodes.INVALID_ARGUMENT });
  assert.throws(() => new Backoff({ jitter: 2 }), { code: ErrorCodes.INVALID_ARGUMENT });
});
