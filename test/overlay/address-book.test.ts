// Known addresses survive a restart: a node rejoins from SQLite without any bootstrap server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { SqliteAddressBook } from '../../src/overlay/sqlite-address-book.js';
import { Community, Endpoint, PrivateKey } from '../../src/overlay/index.js';
import { testnet } from './testnet.js';

test('the address book keeps the newest addresses per community and prunes old ones', () => {
  const store = openStore(':memory:');
  let clock = 0;
  const book = new SqliteAddressBook({ store, maxPerCommunity: 3, now: () => ++clock });
  for (let port = 1; port <= 150; port++) book.save('aa', { host: '127.0.0.1', port });
  book.save('bb', { host: '10.0.0.1', port: 7 });
  assert.deepEqual(
    book.load('aa').map((a) => a.port),
    [150, 149, 148],
  );
  assert.deepEqual(book.load('bb'), [{ host: '10.0.0.1', port: 7 }]);
  assert.equal(store.version('overlay_addresses'), 2);
  store.close();
});

test('a restarted node rejoins through saved addresses, with no bootstrapper', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-overlay-'));
  const path = join(dir, 'node.sqlite');
  try {
    await using net = await testnet(12, { community: { tickMs: 100 } });
    await net.waitFor(() => net.minPeers() >= 5, 20_000);

    const key = PrivateKey.generate();
    {
      const store = openStore(path);
      const endpoint = new Endpoint({ host: '127.0.0.1' });
      await endpoint.start();
      const community = new Community({
        communityId: net.communityId,
        endpoint,
        key,
        tickMs: 100,
        addressBook: new SqliteAddressBook({ store }),
      });
      await community.start();
      for (const n of net.nodes.slice(1, 4)) community.walkTo(n.endpoint.address);
      await net.waitFor(() => community.getPeers().length >= 3, 5_000);
      await community.unload();
      await endpoint.stop();
      store.close();
    }

    const store = openStore(path);
    const endpoint = new Endpoint({ host: '127.0.0.1' });
    await endpoint.start();
    const community = new Community({
      communityId: net.communityId,
      endpoint,
      key,
      tickMs: 100,
      addressBook: new SqliteAddressBook({ store }),
    });
    try {
      assert.ok(new SqliteAddressBook({ store }).load(community.serviceId).length >= 3);
      await community.start();
      await net.waitFor(() => community.getPeers().length >= 5, 10_000);
    } finally {
      await community.unload();
      await endpoint.stop();
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
