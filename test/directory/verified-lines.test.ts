import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VerifiedLineCache } from '../../src/directory/client/verified-lines.js';
import { formatSignedPrivmsg } from '../../src/directory/wire/message-line.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { decodePrivmsg } from '../../src/directory/client/client-inbound.js';

const sender = NickIdentity.generate();
const me = NickIdentity.generate();

test('verified lines: a copy is a hit, a changed byte is verified afresh and fails', () => {
  const cache = new VerifiedLineCache(2);
  const line = formatSignedPrivmsg(sender, me.nick, 'ioauth', 'abc def');
  const first = decodePrivmsg(line, me.nick, true, cache);
  const copy = decodePrivmsg(line, me.nick, true, cache);
  assert.deepEqual(copy, first);
  assert.deepEqual(cache.stats, { hits: 1, misses: 1 });
  const forged = line.replace('abc def', 'abc deg');
  assert.deepEqual(decodePrivmsg(forged, me.nick, true, cache), { drop: 'bad_signature' });
  assert.equal(cache.size, 1, 'failures are not remembered');
  // Bounded: the oldest is forgotten.
  cache.add('a');
  cache.add('b');
  assert.equal(cache.size, 2);
  assert.equal(cache.has(line), false);
});

test('verified lines: property: with or without the cache, decoding gives the same answer', () => {
  const cache = new VerifiedLineCache(16);
  const good = [0, 1, 2].map((i) => formatSignedPrivmsg(sender, me.nick, 'sig', `payload${i}`));
  fc.assert(
    fc.property(
      fc.constantFrom(...good),
      fc.boolean(),
      fc.nat(200),
      fc.string({ maxLength: 2 }),
      (line, keep, at, insert) => {
        const pos = at % line.length;
        const variant = fc.sample(fc.boolean(), 1)[0]
          ? line
          : line.slice(0, pos) + insert + line.slice(pos + 1);
        assert.deepEqual(decodePrivmsg(variant, me.nick, true, cache), decodePrivmsg(variant, me.nick, true));
      },
    ),
    { numRuns: 150 },
  );
});

test('verified lines: add() after a miss of another line records the line it is given', () => {
  const cache = new VerifiedLineCache(8);
  const a = formatSignedPrivmsg(sender, me.nick, 'sig', 'one');
  const b = formatSignedPrivmsg(sender, me.nick, 'sig', 'two');
  assert.equal(cache.has(a), false, 'a is not known yet');
  cache.add(b);
  assert.equal(cache.has(b), true, 'b was added');
  assert.equal(cache.has(a), false, 'a was never added');
  cache.add(a);
  assert.equal(cache.has(a), true, 'a was added');
});
