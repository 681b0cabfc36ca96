import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOffer } from '../../../src/directory/market/offer.js';
import {
  OrderbookCollector,
  type OrderbookProgress,
} from '../../../src/directory/market/orderbook-collector.js';
import { decodeBondProof } from '../../../src/directory/market/fidelity-bond.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from './manual-clock.js';

const rel = (oid: number, fee = '0.0002') => parseOffer(`sw0reloffer ${oid} 10000 500000 0 ${fee}`);
const bond = decodeBondProof(
  (
    JSON.parse(
      readFileSync(join(import.meta.dirname, '../../fixtures/orderbook-bond-proof.json'), 'utf8'),
    ) as { proof: string }
  ).proof,
);

function collector(clock: ManualClock) {
  return new OrderbookCollector({ clock, timeout: 120_000, minWait: 30_000, quietPeriod: 15_000 });
}

test('orderbook: offers from three directories merge by (counterparty, oid), duplicates dropped', async () => {
  const clock = new ManualClock();
  const book = collector(clock);
  const done = book.start();
  for (const dir of ['a:1', 'b:1', 'c:1']) {
    assert.equal(book.addOffer('J5m1', rel(0), dir), dir === 'a:1' ? 'new' : 'duplicate');
    book.addOffer('J5m1', rel(1), dir);
    book.addOffer('J5m2', rel(0), dir);
  }
  clock.advance(30_000);
  const result = await done;
  assert.equal(result.reason, 'quiet');
  assert.deepEqual(
    result.offers.map((o) => [o.counterparty, o.oid, o.sources]),
    [
      ['J5m1', 0, ['a:1', 'b:1', 'c:1']],
      ['J5m1', 1, ['a:1', 'b:1', 'c:1']],
      ['J5m2', 0, ['a:1', 'b:1', 'c:1']],
    ],
  );
  assert.deepEqual(result.directoriesAnswered, ['a:1', 'b:1', 'c:1']);
  assert.equal(book.stats.duplicates, 6);
  assert.equal(clock.pending, 0, 'no timer left');
});

test('orderbook: early exit waits for minWait, then for quietPeriod after the last new offer', async () => {
  const clock = new ManualClock();
  const book = collector(clock);
  let ended = false;
  const done = book.start().then((r) => {
    ended = true;
    return r;
  });
  clock.advance(29_000);
  book.addOffer('J5m', rel(0), 'a:1');
  clock.advance(1_000); // minWait reached, but the last offer is only 1 s old
  await Promise.resolve();
  assert.equal(ended, false);
  clock.advance(10_000);
  book.addOffer('J5m', rel(0), 'b:1'); // a duplicate does not extend the wait
  clock.advance(3_999);
  await Promise.resolve();
  assert.equal(ended, false);
  clock.advance(1);
  const result = await done;
  assert.equal(result.reason, 'quiet');
  assert.equal(result.elapsedMs, 44_000);
});

test('orderbook: a changed offer counts as news, the latest version wins', async () => {
  const clock = new ManualClock();
  const book = collector(clock);
  const done = book.start();
  book.addOffer('J5m', rel(0, '0.0002'), 'a:1');
  clock.advance(25_000);
  assert.equal(book.addOffer('J5m', rel(0, '0.0003'), 'b:1'), 'updated');
  clock.advance(14_999); // without the update it would have ended at 30 s
  assert.equal(book.finished, false);
  clock.advance(1);
  const { offers } = await done;
  assert.equal(offers.length, 1);
  assert.equal(offers[0]!.cjfee, '0.0003');
});

test('orderbook: a steady trickle of new offers runs into the hard timeout', async () => {
  const clock = new ManualClock();
  const book = collector(clock);
  const done = book.start();
  for (let i = 0; i < 12; i++) {
    book.addOffer('J5m', rel(i), 'a:1');
    clock.advance(10_000);
  }
  const result = await done;
  assert.equal(result.reason, 'timeout');
  assert.equal(result.elapsedMs, 120_000);
  assert.equal(result.offers.length, 12);
  assert.equal(book.addOffer('J5m', rel(99), 'a:1'), 'dropped');
  assert.equal(book.stats.late, 1);
});

test('orderbook: cancels, departures, bonds and progress events', async () => {
  const clock = new ManualClock();
  const book = collector(clock);
  const progress: OrderbookProgress[] = [];
  book.on('progress', (p) => progress.push(p));
  const done = book.start();
  book.addOffer('J5a', rel(0), 'a:1');
  book.addOffer('J5a', rel(1), 'b:1');
  book.addOffer('J5b', rel(0), 'a:1');
  book.addBond('J5a', bond);
  book.addBond('J5a', { ...bond, certExpiry: bond.certExpiry - 1 }); // older certificate ignored
  book.cancel('J5a', 0);
  book.removeCounterparty('J5b');
  assert.deepEqual(progress.at(-1), { offers: 1, counterparties: 1, directoriesAnswered: 2 });
  const result = await book.stop();
  assert.equal(result, await done);
  assert.equal(result.reason, 'stopped');
  assert.equal(result.offers.length, 1);
  assert.equal(result.offers[0]!.bond!.certExpiry, bond.certExpiry);
  assert.equal(book.stats.cancelled, 1);
  assert.equal(clock.pending, 0);
});

test('orderbook: the entry limit holds and an abort ends collection with what arrived', async () => {
  const clock = new ManualClock();
  const controller = new AbortController();
  const book = new OrderbookCollector({ clock, maxEntries: 2, signal: controller.signal });
  const done = book.start();
  book.addOffer('J5a', rel(0), 'a:1');
  book.addOffer('J5a', rel(1), 'a:1');
  assert.equal(book.addOffer('J5a', rel(2), 'a:1'), 'dropped');
  assert.equal(book.addOffer('J5a', rel(1, '0.5'), 'a:1'), 'updated', 'updates still fit');
  controller.abort();
  const result = await done;
  assert.equal(result.reason, 'aborted');
  assert.equal(result.offers.length, 2);
  assert.equal(clock.pending, 0);
});

test('orderbook: with the system clock and short waits it ends by itself', async () => {
  const book = new OrderbookCollector({ minWait: 20, quietPeriod: 10, timeout: 5_000 });
  const done = book.start();
  book.addOffer('J5a', rel(0), 'a:1');
  const result = await done;
  assert.equal(result.reason, 'quiet');
  assert.ok(result.elapsedMs >= 19 && result.elapsedMs < 4_000, String(result.elapsedMs));
});

test('orderbook: await using stops collection and clears its timer', async () => {
  const clock = new ManualClock();
  {
    await using book = collector(clock);
    void book.start();
    assert.equal(clock.pending, 1);
  }
  assert.equal(clock.pending, 0);
});
