import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCollector, type IncomingPrivmsg } from '../../../src/directory/market/response-collector.js';
import { ResponseInbox } from '../../../src/directory/market/response-inbox.js';
import { ManualClock } from './manual-clock.js';

const msg = (from: string, command: string, data: string): IncomingPrivmsg => ({
  from,
  command,
  data,
  channel: 'directory:a:1',
  verified: true,
});

test('inbox: a later wait takes what it wants, leaves the rest, and both limits hold', async () => {
  const clock = new ManualClock();
  const inbox = new ResponseInbox({ clock, maxMessages: 3, maxAgeMs: 1_000 });
  inbox.keep(msg('J5old', 'pubkey', 'expired'));
  clock.advance(1_001);
  inbox.keep(msg('J5a', 'pubkey', 'ka'));
  inbox.keep(msg('J5a', 'pubkey', 'ka')); // a copy through another directory
  inbox.keep(msg('J5b', 'ioauth', 'x'));
  inbox.keep(msg('J5c', 'pubkey', 'kc')); // over the limit: the oldest kept message goes
  assert.equal(inbox.stats.dropped, 1);
  const wait = new ResponseCollector({
    nicks: ['J5a', 'J5c', 'J5old'],
    command: 'pubkey',
    clock,
    timeout: 10,
  });
  inbox.drainInto(wait);
  assert.equal(inbox.size, 1, 'only the ioauth is left');
  assert.equal(inbox.stats.expired, 1);
  const done = wait.wait();
  clock.advance(10); // J5old's expired reply never counts, so the wait runs into its timeout
  const answers = await done;
  assert.deepEqual([...answers.keys()].sort(), ['J5a', 'J5c']);
});
