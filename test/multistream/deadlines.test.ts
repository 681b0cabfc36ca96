/**
 * The shared deadline timer: entries expire in deadline order whatever order they were watched
 * in, an unwatched entry never fires, and the timer never holds the process open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { unwatchDeadline, watchDeadline, type Expiring } from '../../src/multistream/deadlines.js';

/** Waits until `done()` holds, checking every few milliseconds, for at most `ms`. */
async function until(done: () => boolean, ms = 5000): Promise<void> {
  const give = performance.now() + ms;
  while (!done() && performance.now() < give) await sleep(5);
}

function entry(name: string, fired: string[]): Expiring {
  return {
    deadline: 0,
    prevDue: undefined,
    nextDue: undefined,
    timedOut: () => fired.push(name),
  };
}

test('deadlines: a shorter deadline watched later fires first; unwatched entries never fire', async () => {
  const fired: string[] = [];
  const long = entry('long', fired);
  const gone = entry('gone', fired);
  const mid = entry('mid', fired);
  const short = entry('short', fired);
  watchDeadline(long, 10_000);
  watchDeadline(gone, 40);
  watchDeadline(mid, 1500);
  watchDeadline(short, 20);
  unwatchDeadline(gone);
  unwatchDeadline(gone); // twice is harmless
  // Polled rather than slept: a loaded machine delays timers, never reorders them.
  await until(() => fired.length >= 1);
  await sleep(60); // past `gone`'s deadline too
  assert.deepEqual(fired, ['short']);
  await until(() => fired.length >= 2);
  assert.deepEqual(fired, ['short', 'mid']);
  unwatchDeadline(long);
  unwatchDeadline(short); // already expired: a no-op
  await sleep(20);
  assert.deepEqual(fired, ['short', 'mid']);
});

test('deadlines: an entry watched from inside timedOut() is kept and fires in turn', async () => {
  const fired: string[] = [];
  const second = entry('second', fired);
  const first: Expiring = {
    deadline: 0,
    prevDue: undefined,
    nextDue: undefined,
    timedOut: () => {
      fired.push('first');
      watchDeadline(second, 10);
    },
  };
  watchDeadline(first, 10);
  await until(() => fired.length >= 2);
  assert.deepEqual(fired, ['first', 'second']);
});

test('deadlines: a watched entry does not keep the process alive (no referenced timer)', () => {
  const e = entry('idle', []);
  watchDeadline(e, 5_000);
  try {
    // Referenced timers show in the active resources; an unreferenced one does not.
    assert.ok(!process.getActiveResourcesInfo().includes('Timeout'));
  } finally {
    unwatchDeadline(e);
  }
});
