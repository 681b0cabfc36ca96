import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatPeerlist,
  parsePeerlist,
  parsePeerlistEntry,
  type PeerlistEntry,
} from '../../src/directory/wire/peerlist.js';
import { isPeerwayError } from '../../src/core/index.js';

test('peerlist: the recorded forms', () => {
  assert.deepEqual(
    parsePeerlist('J5E8cbU4kHXHMnTn;127.0.0.1:15222,J59jAPxM5B4KxDZN;127.0.0.1:19999').entries,
    [
      { nick: 'J5E8cbU4kHXHMnTn', location: '127.0.0.1:15222', disconnected: false },
      { nick: 'J59jAPxM5B4KxDZN', location: '127.0.0.1:19999', disconnected: false },
    ],
  );
  assert.deepEqual(
    parsePeerlist('J5E8cbU4kHXHMnTn;127.0.0.1:15222,J5CCfpVenWyTAdUp;NOT-SERVING-ONION;D').entries[1],
    {
      nick: 'J5CCfpVenWyTAdUp',
      location: 'NOT-SERVING-ONION',
      disconnected: true,
    },
  );
  assert.deepEqual(parsePeerlist(''), { entries: [], invalid: 0 });
});

test('peerlist: feature suffixes with and without D', () => {
  assert.deepEqual(parsePeerlistEntry('J5a;h:1;F:ping+peerlist_features'), {
    nick: 'J5a',
    location: 'h:1',
    disconnected: false,
    features: ['ping', 'peerlist_features'],
  });
  assert.deepEqual(parsePeerlistEntry('J5a;h:1;D;F:ping').features, ['ping']);
  assert.equal(parsePeerlistEntry('J5a;h:1;D;F:ping').disconnected, true);
});

test('peerlist: malformed entries are skipped and counted', () => {
  for (const bad of [
    'J5a',
    ';h:1',
    'J5a;',
    'J5a;h:1;X',
    'J5a;h:1;D;D',
    'J5a;h:1;F:a;D',
    'J5a;h:1;D;F:a;x',
    'J5a;h:1;F:a b',
  ]) {
    assert.throws(
      () => parsePeerlistEntry(bad),
      (e) => isPeerwayError(e, 'ERR_DIRECTORY_BAD_PEERLIST'),
      bad,
    );
  }
  assert.deepEqual(parsePeerlist('J5a;h:1,garbage,,J5b;h:2;D'), {
    entries: [
      { nick: 'J5a', location: 'h:1', disconnected: false },
      { nick: 'J5b', location: 'h:2', disconnected: true },
    ],
    invalid: 1,
  });
});

const token = fc.stringMatching(/^[A-Za-z0-9.:-]{1,20}$/);
const entryArb: fc.Arbitrary<PeerlistEntry> = fc
  .record({
    nick: fc.stringMatching(/^J5[1-9A-HJ-NP-Za-km-z]{1,14}$/),
    location: fc.oneof(fc.constant('NOT-SERVING-ONION'), token),
    disconnected: fc.boolean(),
    features: fc.option(fc.array(fc.stringMatching(/^[a-z_]{1,12}$/), { minLength: 1, maxLength: 4 }), {
      nil: undefined,
    }),
  })
  .map((e) => {
    const out: PeerlistEntry = { nick: e.nick, location: e.location, disconnected: e.disconnected };
    if (e.features !== undefined) out.features = e.features;
    return out;
  });

test('peerlist property: format then parse round-trips', () => {
  fc.assert(
    fc.property(fc.array(entryArb, { maxLength: 30 }), (entries) => {
      assert.deepEqual(parsePeerlist(formatPeerlist(entries)), { entries, invalid: 0 });
    }),
  );
});

test('peerlist property: any text parses without throwing', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      const { entries, invalid } = parsePeerlist(text);
      assert.ok(entries.length + invalid <= text.split(',').length);
      for (const e of entries) assert.ok(e.nick !== '' && e.location !== '');
    }),
  );
});
