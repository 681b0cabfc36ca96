import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NickTracker } from '../../../src/directory/market/nick-tracker.js';

test('nick tracker: a maker leaving one directory stays active until it leaves all', () => {
  const left: string[] = [];
  const nicks = new NickTracker();
  nicks.on('nickLeave', (nick) => left.push(nick));
  nicks.markPresent('J5maker', 'a:5222');
  nicks.markPresent('J5maker', 'b:5222');
  nicks.markPresent('J5maker', 'c:5222');
  nicks.markGone('J5maker', 'a:5222');
  nicks.markGone('J5maker', 'b:5222');
  assert.equal(nicks.isNickActive('J5maker'), true);
  assert.deepEqual(nicks.serversOf('J5maker'), ['c:5222']);
  assert.deepEqual(left, []);
  nicks.markGone('J5maker', 'c:5222');
  assert.equal(nicks.isNickActive('J5maker'), false);
  assert.deepEqual(left, ['J5maker']);
  nicks.markGone('J5maker', 'c:5222');
  assert.deepEqual(left, ['J5maker'], 'fires once');
  assert.deepEqual(nicks.stats, { joins: 1, leaves: 1, overflow: 0 });
});

test('nick tracker: a departure from a directory that never had the nick changes nothing', () => {
  const nicks = new NickTracker();
  let fired = 0;
  nicks.on('nickLeave', () => fired++);
  nicks.markPresent('J5m', 'a:1');
  nicks.markGone('J5m', 'b:1');
  assert.equal(nicks.isNickActive('J5m'), true);
  assert.equal(fired, 0);
});

test('nick tracker: syncing a peerlist adds the listed nicks and drops the rest from that directory only', () => {
  const left: string[] = [];
  const nicks = new NickTracker();
  nicks.on('nickLeave', (nick) => left.push(nick));
  nicks.markPresent('J5both', 'a:1');
  nicks.markPresent('J5both', 'b:1');
  nicks.markPresent('J5onlyA', 'a:1');
  nicks.markPresent('J5onlyB', 'b:1');
  nicks.syncNicksWithPeerlist('a:1', ['J5new']);
  assert.deepEqual(left, ['J5onlyA']);
  assert.equal(nicks.isNickActive('J5both'), true);
  assert.equal(nicks.isNickActive('J5onlyB'), true);
  assert.deepEqual(nicks.serversOf('J5new'), ['a:1']);
  assert.deepEqual(nicks.activeNicks().sort(), ['J5both', 'J5new', 'J5onlyB']);
});

test('nick tracker: a lost directory takes only its exclusive nicks with it', () => {
  const left: string[] = [];
  const nicks = new NickTracker();
  nicks.on('nickLeave', (nick) => left.push(nick));
  nicks.markPresent('J5x', 'a:1');
  nicks.markPresent('J5y', 'a:1');
  nicks.markPresent('J5y', 'b:1');
  nicks.forgetServer('a:1');
  assert.deepEqual(left, ['J5x']);
  assert.equal(nicks.isNickActive('J5y'), true);
});

test('nick tracker: joins past the limit are refused and counted, and a nick can come back', () => {
  const joined: string[] = [];
  const nicks = new NickTracker({ maxNicks: 2 });
  nicks.on('nickJoin', (n) => joined.push(n));
  nicks.markPresent('J5a', 's');
  nicks.markPresent('J5b', 's');
  nicks.markPresent('J5c', 's');
  assert.equal(nicks.isNickActive('J5c'), false);
  assert.equal(nicks.stats.overflow, 1);
  nicks.markGone('J5a', 's');
  nicks.markPresent('J5a', 't');
  assert.deepEqual(joined, ['J5a', 'J5b', 'J5a']);
});
