import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stopOnSignals } from '../../src/core/index.js';

// SIGUSR2 stands in for SIGINT: with a handler installed it does not end the test process.
const SIGNAL = 'SIGUSR2';

function raise(): void {
  process.kill(process.pid, SIGNAL);
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition reached');
}

test('stopOnSignals: the first signal stops the target once and removes the handlers', async () => {
  let stops = 0;
  const stopped: unknown[] = [];
  const before = process.listenerCount(SIGNAL);
  stopOnSignals(
    {
      stop: async () => {
        stops++;
        await new Promise((r) => setTimeout(r, 20));
      },
    },
    { signals: [SIGNAL], onStopped: (err) => stopped.push(err) },
  );
  assert.equal(process.listenerCount(SIGNAL), before + 1);
  raise();
  await until(() => stopped.length === 1);
  assert.equal(stops, 1);
  assert.deepEqual(stopped, [undefined]);
  assert.equal(process.listenerCount(SIGNAL), before);
});

test('stopOnSignals: a second signal while stopping exits with code 1; a failed stop is reported', async () => {
  const exits: number[] = [];
  const stopped: unknown[] = [];
  let stops = 0;
  let finish: () => void = () => {};
  stopOnSignals(
    {
      stop: () =>
        new Promise<void>((_, reject) => {
          stops++;
          finish = () => reject(new Error('stuck'));
        }),
    },
    { signals: [SIGNAL], exit: (code) => exits.push(code), onStopped: (err) => stopped.push(err) },
  );
  raise();
  await until(() => stops === 1);
  raise();
  await until(() => exits.length === 1);
  assert.deepEqual(exits, [1]);
  assert.equal(stops, 1);
  finish();
  await until(() => stopped.length === 1);
  assert.match(String(stopped[0]), /stuck/);
  assert.equal(process.listenerCount(SIGNAL), 0);
});

test('stopOnSignals: the returned function removes the handlers without stopping', () => {
  let stops = 0;
  const target = {
    stop: (): Promise<void> => {
      stops++;
      return Promise.resolve();
    },
  };
  const remove = stopOnSignals(target, { signals: [SIGNAL] });
  remove();
  assert.equal(process.listenerCount(SIGNAL), 0);
  assert.equal(stops, 0);
});
