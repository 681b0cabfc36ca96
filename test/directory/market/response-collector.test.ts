import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isPeerwayError } from '../../../src/core/index.js';
import { EncryptionSessions } from '../../../src/directory/market/encryption-sessions.js';
import { EncryptionSession } from '../../../src/directory/market/encryption.js';
import { ResponseCollector, type IncomingPrivmsg } from '../../../src/directory/market/response-collector.js';
import { ManualClock } from './manual-clock.js';

const msg = (
  from: string,
  command: string,
  data: string,
  channel = 'directory:a:1',
  verified = true,
): IncomingPrivmsg => ({
  from,
  command,
  data,
  channel,
  verified,
});

test('responses: resolves as soon as every maker answered, first channel recorded', async () => {
  const clock = new ManualClock();
  const wait = new ResponseCollector({ nicks: ['J5a', 'J5b'], command: '!pubkey', clock });
  const done = wait.wait();
  assert.equal(wait.push(msg('J5a', 'pubkey', 'aa'.repeat(32))), 'accepted');
  assert.equal(wait.push(msg('J5a', 'pubkey', 'aa'.repeat(32), 'directory:b:1')), 'duplicate');
  assert.equal(wait.done, false);
  assert.equal(wait.push(msg('J5b', '!pubkey', 'bb'.repeat(32), 'direct')), 'accepted');
  const answers = await done;
  assert.deepEqual(answers.get('J5a'), {
    error: false,
    data: 'aa'.repeat(32),
    messages: ['aa'.repeat(32)],
    channel: 'directory:a:1',
  });
  assert.equal(answers.get('J5b')!.channel, 'direct');
  assert.equal(clock.pending, 0);
  assert.equal(wait.stats.duplicates, 1);
});

test('responses: only verified messages from awaited nicks with the awaited command count', async () => {
  const clock = new ManualClock();
  const wait = new ResponseCollector({ nicks: ['J5a'], command: 'ioauth', clock });
  const done = wait.wait();
  assert.equal(wait.push(msg('J5a', 'ioauth', 'spoofed', 'directory:a:1', false)), 'unverified');
  assert.equal(wait.push(msg('J5other', 'ioauth', 'x')), 'ignored');
  assert.equal(wait.push(msg('J5a', 'pubkey', 'x')), 'ignored');
  // a nick that merely contains the awaited one is not it
  assert.equal(wait.push(msg('J5aa', 'ioauth', 'x')), 'ignored');
  assert.equal(wait.done, false);
  wait.push(msg('J5a', 'ioauth', 'real'));
  assert.equal((await done).get('J5a')!.data, 'real');
});

test("responses: !error ends that maker's wait with { error: true, data }", async () => {
  const wait = new ResponseCollector({ nicks: ['J5a', 'J5b'], command: 'ioauth', clock: new ManualClock() });
  const done = wait.wait();
  wait.push(msg('J5a', '!error', 'commitment blacklisted'));
  assert.equal(wait.push(msg('J5a', 'ioauth', 'late')), 'duplicate', 'nothing after an error counts');
  wait.push(msg('J5b', 'ioauth', 'ok'));
  const answers = await done;
  assert.deepEqual(answers.get('J5a'), {
    error: true,
    data: 'commitment blacklisted',
    channel: 'directory:a:1',
  });
  assert.equal(answers.get('J5b')!.error, false);
});

test('responses: !sig accumulates per maker up to its expected count, duplicates by payload dropped', async () => {
  const clock = new ManualClock();
  const wait = new ResponseCollector({
    nicks: ['J5a', 'J5b'],
    command: '!sig',
    expectedCounts: { J5a: 3, J5b: 1 },
    clock,
  });
  const done = wait.wait();
  wait.push(msg('J5a', 'sig', 's1'));
  wait.push(msg('J5a', 'sig', 's1', 'directory:b:1'));
  wait.push(msg('J5a', 'sig', 's2'));
  wait.push(msg('J5b', 'sig', 't1'));
  assert.equal(wait.done, false);
  wait.push(msg('J5a', 'sig', 's2', 'directory:c:1'));
  wait.push(msg('J5a', 'sig', 's3'));
  const answers = await done;
  const a = answers.get('J5a')!;
  assert.equal(a.error, false);
  assert.deepEqual(a.error === false ? a.messages : [], ['s1', 's2', 's3']);
  assert.equal(wait.stats.duplicates, 2);
});

test('responses: the timeout returns whoever answered, incomplete ones included', async () => {
  const clock = new ManualClock();
  const wait = new ResponseCollector({
    nicks: new Set(['J5a', 'J5b', 'J5c']),
    command: 'sig',
    expectedCounts: new Map([['J5a', 2]]),
    timeout: 60_000,
    clock,
  });
  const done = wait.wait();
  wait.push(msg('J5a', 'sig', 's1'));
  wait.push(msg('J5b', 'sig', 't1'));
  clock.advance(59_999);
  assert.equal(wait.done, false);
  clock.advance(1);
  const answers = await done;
  assert.deepEqual([...answers.keys()], ['J5a', 'J5b']);
  assert.equal(clock.pending, 0);
});

test('responses: deduplication works on plaintext when each copy was encrypted separately', async () => {
  const sessions = new EncryptionSessions();
  const maker = new EncryptionSession();
  sessions.create('J5a', { counterpartyKeyHex: maker.publicKeyHex });
  maker.setCounterpartyKey(sessions.get('J5a')!.publicKeyHex);
  const wait = new ResponseCollector({
    nicks: ['J5a'],
    command: 'sig',
    expectedCounts: { J5a: 2 },
    decode: (nick, data) => sessions.decrypt(nick, data),
    clock: new ManualClock(),
  });
  const done = wait.wait();
  assert.equal(wait.push(msg('J5a', 'sig', maker.encrypt('sigA'))), 'accepted');
  assert.equal(wait.push(msg('J5a', 'sig', maker.encrypt('sigA'), 'directory:b:1')), 'duplicate');
  assert.equal(wait.push(msg('J5a', 'sig', 'bm90IGEgYm94IGF0IGFsbCBidXQgbG9uZyBlbm91Z2g=')), 'undecodable');
  wait.push(msg('J5a', 'sig', maker.encrypt('sigB')));
  const a = (await done).get('J5a')!;
  assert.deepEqual(a.error === false ? a.messages : [], ['sigA', 'sigB']);
});

test('responses: abort rejects with the typed error and leaves no timer', async () => {
  const clock = new ManualClock();
  const controller = new AbortController();
  const wait = new ResponseCollector({ nicks: ['J5a'], command: 'pubkey', clock, signal: controller.signal });
  const done = wait.wait();
  controller.abort();
  await assert.rejects(done, (err) => isPeerwayError(err, ErrorCodes.ABORTED));
  assert.equal(clock.pending, 0);
});

test('responses: an empty wait resolves at once, stop() ends early, bad counts are refused', async () => {
  assert.equal(
    (await new ResponseCollector({ nicks: [], command: 'x', clock: new ManualClock() }).wait()).size,
    0,
  );
  const wait = new ResponseCollector({ nicks: ['J5a'], command: 'tx', clock: new ManualClock() });
  const done = wait.wait();
  const stopped = wait.stop();
  assert.equal(wait.stop(), stopped, 'stop returns the same promise');
  assert.equal(stopped, done);
  assert.equal((await done).size, 0);
  const scopedClock = new ManualClock();
  {
    await using scoped = new ResponseCollector({ nicks: ['J5a'], command: 'tx', clock: scopedClock });
    void scoped.wait();
    assert.equal(scopedClock.pending, 1);
  }
  assert.equal(scopedClock.pending, 0, 'await using left no timer');
  assert.throws(
    () => new ResponseCollector({ nicks: ['J5a'], command: 'sig', expectedCounts: { J5a: 0 } }),
    (err) => isPeerwayError(err, ErrorCodes.INVALID_ARGUMENT),
  );
});
