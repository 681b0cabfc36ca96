import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, Lifecycle, isPeerwayError } from '../../src/core/index.js';

test('lifecycle: concurrent starts run the start work once; stop returns the same promise', async () => {
  let starts = 0;
  let stops = 0;
  const life = new Lifecycle(
    async () => {
      starts++;
      await new Promise((r) => setTimeout(r, 10));
    },
    () => {
      stops++;
    },
  );
  const a = life.start();
  const b = life.start();
  assert.equal(a, b);
  assert.equal(life.state, 'starting');
  await Promise.all([a, b]);
  assert.equal(starts, 1);
  assert.equal(life.running, true);
  const s1 = life.stop();
  const s2 = life.stop();
  assert.equal(s1, s2);
  await s1;
  assert.equal(stops, 1);
  assert.equal(life.state, 'stopped');
  await assert.rejects(life.start(), (err) => isPeerwayError(err) && err.code === ErrorCodes.CLOSED);
});

test('lifecycle: stop during a start waits for it, then stops once', async () => {
  const order: string[] = [];
  const life = new Lifecycle(
    async () => {
      await new Promise((r) => setTimeout(r, 20));
      order.push('started');
    },
    () => {
      order.push('stopped');
    },
  );
  const started = life.start();
  await life.stop();
  await started;
  assert.deepEqual(order, ['started', 'stopped']);
});

test('lifecycle: a failed start undoes itself and rejects with its error', async () => {
  let stops = 0;
  const life = new Lifecycle(
    () => {
      throw new Error('bind failed');
    },
    () => {
      stops++;
    },
  );
  await assert.rejects(life.start(), /bind failed/);
  assert.equal(stops, 1);
  assert.equal(life.state, 'stopped');
  await life.stop();
  assert.equal(stops, 1);
});

test('lifecycle: stop before any start does no stop work', async () => {
  let stops = 0;
  const life = new Lifecycle(
    () => undefined,
    () => {
      stops++;
    },
  );
  await life.stop();
  assert.equal(stops, 0);
  assert.equal(life.state, 'stopped');
});
