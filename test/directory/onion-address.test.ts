import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { PeerLinks } from '../../src/directory/client/peer-links.js';
import { DEFAULT_DIRECTORIES } from '../../src/directory/client/default-directories.js';
import { parseDirectoryAddress } from '../../src/directory/wire/location.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { onionFromPublicKey } from '../../src/transport/index.js';

const GOOD = onionFromPublicKey(new Uint8Array(32).fill(7));
// One letter changed: the checksum no longer holds.
const TYPO = (GOOD[0] === 'a' ? 'b' : 'a') + GOOD.slice(1);

test('onion addresses: a directory with a bad v3 checksum is refused with an error naming it', () => {
  assert.equal(parseDirectoryAddress(`${GOOD}:5222`).host, GOOD);
  assert.throws(
    () => parseDirectoryAddress(`${TYPO}:5222`),
    (err) =>
      isPeerwayError(err, ErrorCodes.DIRECTORY_BAD_ADDRESS) &&
      err.message.includes(TYPO) &&
      /onion/.test(err.message),
  );
  assert.throws(
    () => parseDirectoryAddress('short.onion:5222'),
    (err) => isPeerwayError(err, ErrorCodes.DIRECTORY_BAD_ADDRESS),
  );
  // Every default directory is a well-formed v3 onion on port 5222.
  for (const list of Object.values(DEFAULT_DIRECTORIES)) {
    for (const d of list) assert.equal(parseDirectoryAddress(d.address).port, 5222, d.address);
  }
});

test('onion addresses: a peer-announced onion with a bad checksum is never dialled', async () => {
  const links = new PeerLinks({ identity: NickIdentity.generate(), network: 'signet' });
  try {
    assert.equal(await links.connect('J5maker', `${TYPO}:5222`), false);
    assert.equal(links.stats.dials, 0, 'no dial attempted');
    assert.equal(links.stats['badLocations'], 1);
  } finally {
    await links.stop();
  }
});
