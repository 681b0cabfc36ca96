import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultiDirectoryClient } from '../../../src/directory/market/multi-directory-client.js';
import {
  OrderbookWatcher,
  type BondAssessor,
  type OfferRemovalReason,
} from '../../../src/directory/market/orderbook-watcher.js';
import type { BondAssessment } from '../../../src/directory/market/orderbook-json.js';
import { NickIdentity } from '../../../src/directory/wire/nick.js';
import { until } from '../net.js';
import { addr, bondCertificate, FAST_PEERLIST, offersFor, startDirectories, startMaker } from '../market.js';
import { assertReleased, snapshotHandles } from '../../helpers/handles.js';
import type { DirectoryServer } from '../../../src/directory/server/server.js';

const FAST_WATCH = { refreshInterval: 150, minWait: 250, quietPeriod: 200, timeout: 5000 };
const FAST_MAKER = { orderbookInterval: 50 };

function watcherFor(
  servers: readonly DirectoryServer[],
  extra: Partial<ConstructorParameters<typeof OrderbookWatcher>[0]> = {},
): OrderbookWatcher {
  const taker = new MultiDirectoryClient({
    directoryServers: servers.map(addr),
    identity: NickIdentity.generate(),
    network: 'signet',
    connectionTimeout: 3000,
    preferDirectConnections: false,
    clientOptions: FAST_PEERLIST,
  });
  return new OrderbookWatcher({ taker, ...FAST_WATCH, ...extra });
}

test('watcher: offers appear, change and leave; snapshot has ob-watcher shape', async () => {
  const before = snapshotHandles();
  const [d1] = await startDirectories(1);
  const plain = await startMaker([d1!], 0, FAST_MAKER);
  const bonded = await startMaker([d1!], 1, { ...FAST_MAKER, bond: bondCertificate() });
  const watcher = watcherFor([d1!], { missingRefreshes: 1 });
  const added: string[] = [];
  const changed: string[] = [];
  const removed: Array<[string, OfferRemovalReason]> = [];
  let changes = 0;
  watcher.on('offerAdded', (o) => added.push(`${o.counterparty}:${o.oid}`));
  watcher.on('offerChanged', (o, prev) =>
    changed.push(`${o.counterparty}:${o.oid}:${prev.maxsize}->${o.maxsize}`),
  );
  watcher.on('offerRemoved', (o, why) => removed.push([`${o.counterparty}:${o.oid}`, why]));
  watcher.on('change', () => (changes += 1));
  let late: Awaited<ReturnType<typeof startMaker>> | undefined;
  try {
    await watcher.start();
    await until(() => added.length === 4, 8000, 'first collection');
    const json = watcher.snapshot();
    assert.equal(json.offers.length, 4, 'two offers from each maker');
    const abs = json.offers.find((o) => o.counterparty === plain.nick && o.oid === 1);
    assert.deepEqual(abs, {
      counterparty: plain.nick,
      oid: 1,
      ordertype: 'sw0absoffer',
      minsize: 27300,
      maxsize: 500_000,
      txfee: 0,
      cjfee: 250,
      fidelity_bond_value: 0,
    });
    const rel = json.offers.find((o) => o.counterparty === plain.nick && o.oid === 0);
    assert.equal(rel?.cjfee, '0.00002', 'relative fee stays decimal text');
    assert.equal(json.fidelitybonds.length, 1, 'the bonded maker');
    assert.equal(json.fidelitybonds[0]!.counterparty, bonded.nick);
    assert.equal(json.fidelitybonds[0]!.status, 'unchecked', 'no chain view given');
    assert.equal(json.fidelitybonds[0]!.cert_expiry, 52);
    assert.equal(json.fidelitybonds[0]!.bond_value, 0);
    assert.ok(changes >= 1, 'a change was announced');
    assert.equal(watcher.snapshot(), json, 'the snapshot is reused until something changes');

    // A changed offer is reported as changed, not as removed and added.
    const offers = offersFor(0);
    offers[0] = { ...offers[0]!, maxsize: 2_000_000 };
    plain.announce(offers);
    await until(() => changed.length === 1, 8000, 'change seen');
    assert.deepEqual(changed, [`${plain.nick}:0:1000000->2000000`]);
    assert.notEqual(watcher.snapshot(), json, 'a new snapshot after the change');
    assert.equal(
      watcher.snapshot().offers.find((o) => o.counterparty === plain.nick && o.oid === 0)?.maxsize,
      2_000_000,
    );

    // A withdrawn offer is missing from the next collection and leaves.
    plain.cancel([1]);
    await until(() => removed.length === 1, 8000, 'withdrawal seen');
    assert.deepEqual(removed, [[`${plain.nick}:1`, 'missing']]);

    // A maker that leaves the directory takes its offers at once.
    await bonded.stop();
    await until(() => removed.length === 3, 8000, 'departure seen');
    assert.deepEqual(removed.slice(1).sort(), [
      [`${bonded.nick}:0`, 'left'],
      [`${bonded.nick}:1`, 'left'],
    ]);
    assert.equal(watcher.snapshot().fidelitybonds.length, 0, 'its bond went with it');

    // A maker that joins later appears.
    late = await startMaker([d1!], 5, FAST_MAKER);
    await until(() => added.filter((a) => a.startsWith(late!.nick)).length === 2, 8000, 'newcomer seen');
    assert.deepEqual(
      watcher
        .offers()
        .map((o) => `${o.counterparty}:${o.oid}`)
        .sort(),
      [`${plain.nick}:0`, `${late.nick}:0`, `${late.nick}:1`].sort(),
    );
    assert.ok(watcher.stats.refreshes >= 3, 'several collections ran');
  } finally {
    await watcher.stop();
    await plain.stop();
    await bonded.stop();
    await late?.stop();
    await d1!.stop();
  }
  await assertReleased(before);
});

test('watcher: bond values come from the assessor; an offer missing once survives with missingRefreshes 2', async () => {
  const [d1] = await startDirectories(1);
  const bonded = await startMaker([d1!], 0, { ...FAST_MAKER, bond: bondCertificate() });
  const asked: string[] = [];
  const assessor: BondAssessor = {
    assess(bonds) {
      asked.push(...bonds.map((b) => b.counterparty));
      return Promise.resolve(
        bonds.map((): BondAssessment => ({
          status: 'valid',
          value: 1234.5,
          amount: 100_000,
          confirmations: 7,
        })),
      );
    },
  };
  const watcher = watcherFor([d1!], { bonds: assessor, missingRefreshes: 2 });
  const removed: string[] = [];
  let removedIn = 0;
  watcher.on('offerRemoved', (o) => {
    removed.push(`${o.counterparty}:${o.oid}`);
    // Offer events come before the collection is counted: this is collection number stats + 1.
    removedIn = watcher.stats.refreshes + 1;
  });
  try {
    await watcher.start();
    await until(() => watcher.snapshot().offers.length === 2, 8000, 'first collection');
    const json = watcher.snapshot();
    assert.ok(asked.includes(bonded.nick), 'the bond was assessed');
    assert.ok(
      json.offers.every((o) => o.fidelity_bond_value === 1234.5),
      'every offer of the maker carries its bond value',
    );
    assert.equal(json.fidelitybonds[0]!.status, 'valid');
    assert.equal(json.fidelitybonds[0]!.bond_value, 1234.5);
    assert.equal(json.fidelitybonds[0]!.amount, 100_000);
    assert.equal(json.fidelitybonds[0]!.utxo_confirmations, 7);

    // Withdraw one offer: the collection under way may already miss it (the !cancel reaches it
    // too), the next one does; only then is it gone.
    const refreshes = watcher.stats.refreshes;
    bonded.cancel([1]);
    await until(() => removed.length === 1, 8000, 'removed after two misses');
    assert.deepEqual(removed, [`${bonded.nick}:1`]);
    assert.ok(removedIn >= refreshes + 2, `removed in collection ${removedIn}, cancelled after ${refreshes}`);
  } finally {
    await watcher.stop();
    await bonded.stop();
    await d1!.stop();
  }
});

test('watcher: stop() ends a long collection at once', async () => {
  const [d1] = await startDirectories(1);
  const maker = await startMaker([d1!], 0, FAST_MAKER);
  const watcher = watcherFor([d1!], { minWait: 60_000, quietPeriod: 60_000, timeout: 60_000 });
  let progress = 0;
  watcher.on('progress', () => (progress += 1));
  try {
    await watcher.start();
    await until(() => progress > 0, 8000, 'collection under way');
    const started = Date.now();
    await watcher.stop();
    assert.ok(Date.now() - started < 10_000, `stop took ${Date.now() - started} ms`);
    assert.equal(watcher.stats.refreshes, 0, 'the interrupted collection was not applied');
  } finally {
    await watcher.stop();
    await maker.stop();
    await d1!.stop();
  }
});

test('watcher: without a connected directory a refresh is reported as failed', async () => {
  const [d1] = await startDirectories(1);
  const address = addr(d1!);
  await d1!.stop();
  const taker = new MultiDirectoryClient({
    directoryServers: [address],
    identity: NickIdentity.generate(),
    network: 'signet',
    connectionTimeout: 2000,
  });
  const watcher = new OrderbookWatcher({ taker, ...FAST_WATCH, reconnectInterval: 60_000 });
  const failures: string[] = [];
  watcher.on('refreshFailed', (r) => failures.push(r));
  try {
    await watcher.start();
    await until(() => failures.length >= 1, 5000, 'failure reported');
    assert.match(failures[0]!, /no directory/);
    assert.deepEqual(watcher.snapshot(), { offers: [], fidelitybonds: [] });
  } finally {
    await watcher.stop();
  }
});
