import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDirectoryHandshake,
  parseClientHandshake,
  parseDirectoryHandshake,
  formatClientHandshake,
  handshakeRejection,
} from '../../src/directory/wire/handshake.js';
import { isPeerwayError } from '../../src/core/index.js';

const base = { nick: 'J558BReKK6vTwxF4', location: 'NOT-SERVING-ONION', features: {}, network: 'signet' };

test('handshake: acceptance rules', () => {
  const ok = parseClientHandshake(formatClientHandshake(base));
  assert.equal(handshakeRejection(ok, 'signet'), undefined);
  assert.equal(handshakeRejection(ok, 'mainnet'), 'network');
  assert.equal(handshakeRejection({ ...ok, appName: 'JoinMarket' }, 'signet'), 'app-name');
  assert.equal(handshakeRejection({ ...ok, protoVer: 6 }, 'signet'), 'proto-ver');
  assert.equal(handshakeRejection({ ...ok, directory: true }, 'signet'), 'directory');
  assert.equal(handshakeRejection({ ...ok, location: '' }, 'signet'), 'location');
  assert.equal(handshakeRejection({ ...ok, location: 'a,b:1' }, 'signet'), 'location');
  assert.equal(
    handshakeRejection({ ...ok, location: `${'a'.repeat(120)}.onion:5222` }, 'signet'),
    'location',
  );
  assert.equal(handshakeRejection({ ...ok, location: `${'a'.repeat(56)}.onion:5222` }, 'signet'), undefined);
  assert.equal(handshakeRejection({ ...ok, nick: 'J5a;b' }, 'signet'), 'nick');
  assert.equal(handshakeRejection({ ...ok, nick: 'J'.repeat(65) }, 'signet'), 'nick');
  assert.throws(
    () => parseClientHandshake('{"app-name": "joinmarket"}'),
    (e) => isPeerwayError(e, 'ERR_DIRECTORY_BAD_HANDSHAKE'),
  );
  assert.throws(
    () => parseClientHandshake('[]'),
    (e) => isPeerwayError(e, 'ERR_DIRECTORY_BAD_HANDSHAKE'),
  );
});

test('handshake: a directory reply with a single proto-ver is accepted; rejections are typed', () => {
  const single = parseDirectoryHandshake(
    '{"app-name": "joinmarket", "directory": true, "proto-ver": 5, "features": {}, "accepted": true, "nick": "J5x", "network": "signet"}',
  );
  assert.equal(single.protoVerMin, 5);
  checkDirectoryHandshake(single, 'signet');
  for (const bad of [
    { accepted: false },
    { directory: false },
    { protoVerMin: 6, protoVerMax: 6 },
    { appName: 'x' },
  ]) {
    assert.throws(
      () => checkDirectoryHandshake({ ...single, ...bad }, 'signet'),
      (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'),
    );
  }
  assert.throws(
    () => checkDirectoryHandshake(single, 'mainnet'),
    (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'),
  );
  assert.throws(
    () => parseDirectoryHandshake('{"accepted": true}'),
    (e) => isPeerwayError(e, 'ERR_DIRECTORY_BAD_HANDSHAKE'),
  );
});
