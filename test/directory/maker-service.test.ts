import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/core/index.js';
import { MultiDirectoryClient } from '../../src/directory/market/multi-directory-client.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { directoryConfigSchema, directoryServiceDefinition } from '../../src/node/directory-service.js';
import { openStore } from '../../src/store/index.js';
import { FAST_PEERLIST, QUICK_BOOK } from './market.js';

test("directory service: a maker announcer from config answers a taker on the node's own directory", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'peerway-maker-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  assert.equal(directoryConfigSchema.parse({}).maker.enabled, false);
  assert.throws(() => directoryConfigSchema.parse({ maker: { enabled: true, offers: ['sw0reloffer x'] } }));
  const config = directoryConfigSchema.parse({
    enabled: true,
    listen: '127.0.0.1:0',
    network: 'signet',
    maker: {
      enabled: true,
      offers: ['sw0reloffer 0 27300 1000000 0 0.00002', 'sw0absoffer 1 27300 500000 0 250'],
      serve: '127.0.0.1:0',
    },
  });
  const store = openStore(':memory:');
  t.after(() => store.close());
  const service = directoryServiceDefinition.create(config, { logger: silentLogger, dataDir, store });
  await service.start();
  const info = service.info!();
  const maker = info['maker'] as { nick: string; location: string; directories: string[]; offers: number };
  assert.equal(maker.offers, 2);
  assert.deepEqual(maker.directories, [info['location']]);
  assert.match(maker.location, /^127\.0\.0\.1:\d+$/);

  const taker = new MultiDirectoryClient({
    directoryServers: [String(info['location'])],
    identity: NickIdentity.generate(),
    network: 'signet',
    clientOptions: FAST_PEERLIST,
  });
  try {
    assert.equal(await taker.connectAll(), 1);
    const book = await taker.fetchOrderbook(QUICK_BOOK);
    assert.deepEqual(
      book.offers.map((o) => [o.counterparty, o.type, o.oid]),
      [
        [maker.nick, 'sw0reloffer', 0],
        [maker.nick, 'sw0absoffer', 1],
      ],
    );
    assert.equal((service.stats['maker'] as { orderbookAnswers: number }).orderbookAnswers, 1);
  } finally {
    await taker.stop();
  }
  const stopped = service.stop();
  assert.equal(service.stop(), stopped);
  await stopped;

  // The maker's nick comes from its key file: the same after a restart.
  const again = directoryServiceDefinition.create(config, { logger: silentLogger, dataDir, store });
  await again.start();
  assert.equal((again.info!()['maker'] as { nick: string }).nick, maker.nick);
  await again.stop();
});
