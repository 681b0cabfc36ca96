import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestDeduplicator } from '../../../src/directory/market/request-deduplicator.js';
import { ManualClock } from './manual-clock.js';

test('dedup: the same fill through three directories is handled once', () => {
  const clock = new ManualClock();
  const dedup = new RequestDeduplicator({ clock });
  assert.equal(dedup.isDuplicate('J5taker', '!fill', '0'), false);
  assert.equal(dedup.isDuplicate('J5taker', 'fill', '0'), true);
  assert.equal(dedup.isDuplicate('J5taker', 'fill', '0'), true);
  assert.equal(dedup.isDuplicate('J5taker', 'fill', '1'), false, 'another oid is another request');
  assert.equal(dedup.isDuplicate('J5other', 'fill', '0'), false, 'another taker too');
  assert.deepEqual(dedup.stats, { fresh: 3, duplicates: 2, evicted: 0 });
});

test('dedup: a fingerprint expires after the window', () => {
  const clock = new ManualClock();
  const dedup = new RequestDeduplicator({ clock, windowMs: 30_000 });
  dedup.isDuplicate('J5t', 'orderbook');
  clock.advance(29_999);
  assert.equal(dedup.isDuplicate('J5t', 'orderbook'), true);
  clock.advance(1);
  assert.equal(dedup.isDuplicate('J5t', 'orderbook'), false);
  assert.equal(dedup.size, 1);
});

test('dedup: memory is bounded, the oldest fingerprint goes first', () => {
  const dedup = new RequestDeduplicator({ clock: new ManualClock(), maxEntries: 2 });
  dedup.isDuplicate('a', 'fill', '0');
  dedup.isDuplicate('b', 'fill', '0');
  dedup.isDuplicate('c', 'fill', '0');
  assert.equal(dedup.size, 2);
  assert.equal(dedup.stats.evicted, 1);
  assert.equal(dedup.isDuplicate('c', 'fill', '0'), true);
  assert.equal(dedup.isDuplicate('a', 'fill', '0'), false, 'a was evicted');
  dedup.clear();
  assert.equal(dedup.size, 0);
});
