import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import {
  ErrorCodes,
  PeerwayError,
  deadline,
  deferred,
  raceSignal,
  sleep,
  throwIfAborted,
  toPeerwayError,
} from '../../src/core/index.js';

test('deadline: a timeout becomes ERR_TIMEOUT, a caller abort ERR_ABORTED', async () => {
  const timed = deadline(undefined, 10)!;
  await assert.rejects(sleep(5000, { signal: timed }), { code: ErrorCodes.TIMEOUT });
  const controller = new AbortController();
  const combined = deadline(controller.signal, 5000)!;
  const pending = sleep(5000, { signal: combined });
  controller.abort();
  await assert.rejects(pending, { code: ErrorCodes.ABORTED });
  assert.equal(deadline(undefined, 0), undefined);
  assert.equal(deadline(controller.signal, undefined), controller.signal);
});

test('raceSignal: resolves with the promise, rejects on abort and runs onAbort once', async () => {
  assert.equal(await raceSignal(Promise.resolve(7), new AbortController().signal), 7);
  const controller = new AbortController();
  const never = deferred<number>();
  let aborted = 0;
  const racing = raceSignal(never.promise, controller.signal, 'wait', () => aborted++);
  controller.abort();
  await assert.rejects(
    racing,
    (err: PeerwayError) => err.code === ErrorCodes.ABORTED && /wait/.test(err.message),
  );
  assert.equal(aborted, 1);
  // A late rejection of the raced promise must not surface as an unhandled rejection.
  never.reject(new Error('late'));
  await assert.rejects(raceSignal(Promise.resolve(1), AbortSignal.abort()), { code: ErrorCodes.ABORTED });
});

test('throwIfAborted and toPeerwayError keep codes and causes', () => {
  assert.throws(() => throwIfAborted(AbortSignal.abort()), { code: ErrorCodes.ABORTED });
  throwIfAborted(undefined);
  const cause = new Error('boom');
  const wrapped = toPeerwayError(cause, ErrorCodes.CONNECT_FAILED);
  assert.equal(wrapped.code, ErrorCodes.CONNECT_FAILED);
  assert.equal(wrapped.cause, cause);
  assert.equal(toPeerwayError(wrapped, ErrorCodes.TIMEOUT), wrapped);
});

test('sleep resolves after its delay and leaves no listener on the signal', async () => {
  const controller = new AbortController();
  const sleeping = sleep(5, { signal: controller.signal });
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1);
  await sleeping;
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  controller.abort(); // must not throw or reject anything late
});

test('raceSignal: an onAbort that rejects the raced promise still yields the abort error', async () => {
  const controller = new AbortController();
  const inner = deferred<number>();
  const racing = raceSignal(inner.promise, controller.signal, 'dial', () =>
    inner.reject(new Error('socket destroyed')),
  );
  controller.abort();
  await assert.rejects(racing, { code: ErrorCodes.ABORTED });
});
