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

test('the address book follows a peer that moved and records when each peer was last seen', async () => {
  const store = openStore(':memory:');
  const book = new SqliteAddressBook({ store });
  const a = new Endpoint({ host: '127.0.0.1' });
  const b1 = new Endpoint({ host: '127.0.0.1' });
  const b2 = new Endpoint({ host: '127.0.0.1' });
  await Promise.all([a.start(), b1.start(), b2.start()]);
  const communityId = new Uint8Array(20).fill(7);
  const keyB = PrivateKey.generate();
  const ca = new Community({
    communityId,
    endpoint: a,
    key: PrivateKey.generate(),
    tickMs: 0,
    addressBook: book,
    addressBookRefreshMs: 1,
  });
  const cb1 = new Community({ communityId, endpoint: b1, key: keyB, tickMs: 0 });
  const cb2 = new Community({ communityId, endpoint: b2, key: keyB, tickMs: 0 });
  const until = async (cond: () => boolean): Promise<void> => {
    const end = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  try {
    await Promise.all([ca.start(), cb1.start(), cb2.start()]);
    cb1.walkTo(a.address);
    await until(() => ca.getPeers().length === 1);
    const first = book.entries(ca.serviceId);
    assert.deepEqual(
      first.map((e) => e.address.port),
      [b1.address.port],
      'saved when first verified',
    );
    // Seen again later: last_seen moves forward.
    await new Promise((r) => setTimeout(r, 20));
    cb1.walkTo(a.address);
    await until(() => (book.entries(ca.serviceId)[0]?.lastSeen ?? 0) > first[0]!.lastSeen);
    // The same key now speaks from another port: the book follows it.
    cb2.walkTo(a.address);
    await until(() => book.entries(ca.serviceId)[0]?.address.port === b2.address.port);
    assert.equal(ca.getPeers()[0]!.address.port, b2.address.port, 'the peer moved');
    assert.deepEqual(
      book.load(ca.serviceId).map((x) => x.port),
      [b2.address.port],
      'the old address is forgotten',
    );
  } finally {
    await Promise.all([ca.unload(), cb1.unload(), cb2.unload()]);
    await Promise.all([a.stop(), b1.stop(), b2.stop()]);
    store.close();
  }
});
