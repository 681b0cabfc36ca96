import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tcpDialer, type Dialer } from '../../src/directory/client/dialer.js';
import { until } from './net.js';
import { addr, bondCertificate, QUICK_BOOK, startDirectories, startMaker, startTaker } from './market.js';
import { assertReleased, snapshotHandles } from '../helpers/handles.js';

test('taker: orderbook from several directories is merged, bonds verified, nicks tracked across directories', async () => {
  const [d1, d2] = await startDirectories(2);
  const both = await startMaker([d1!, d2!], 0);
  const onlyOne = await startMaker([d1!], 1);
  const bonded = await startMaker([d2!], 2, { bond: bondCertificate() });
  const left: string[] = [];
  const taker = await startTaker([d1!, d2!]);
  taker.on('nickLeave', (n) => left.push(n));
  try {
    assert.equal(taker.clients.size, 2);
    const progress: number[] = [];
    const book = await taker.fetchOrderbook({ ...QUICK_BOOK, onProgress: (p) => progress.push(p.offers) });
    assert.equal(book.reason, 'quiet');
    assert.equal(book.offers.length, 6, 'two offers from each of three makers, none twice');
    assert.equal(new Set(book.offers.map((o) => `${o.counterparty}:${o.oid}`)).size, 6);
    assert.deepEqual(
      book.directoriesAnswered.sort(),
      [`directory:${addr(d1!)}`, `directory:${addr(d2!)}`].sort(),
    );
    const fromBoth = book.offers.filter((o) => o.counterparty === both.nick);
    // The request reached that maker through both directories; it answered once.
    assert.equal(fromBoth[0]!.sources.length, 1);
    assert.equal(both.stats.orderbookAnswers, 1);
    assert.equal(both.stats.orderbookRateLimited, 1, 'the second copy of the request is inside the interval');
    assert.ok(
      book.offers.filter((o) => o.counterparty === bonded.nick).every((o) => o.bond?.certExpiry === 52),
    );
    assert.ok(book.offers.filter((o) => o.counterparty === onlyOne.nick).every((o) => o.bond === undefined));
    assert.equal(progress.at(-1), 6);

    for (const m of [both, onlyOne, bonded]) assert.ok(taker.isNickActive(m.nick));
    // The maker leaves one directory: still active through the other.
    await both.clients.get(addr(d1!))!.close();
    await until(() => !taker.nicks.serversOf(both.nick).includes(addr(d1!)), 3000, 'departure seen');
    assert.ok(taker.isNickActive(both.nick));
    assert.deepEqual(left, []);
    // And the other one too: now it is gone, and nickLeave fires once.
    await both.stop();
    await until(() => !taker.isNickActive(both.nick), 3000, 'maker gone');
    assert.deepEqual(left, [both.nick]);
    // A full peerlist sync that omits a nick removes it from that directory only.
    taker.syncNicksWithPeerlist(addr(d1!), []);
    assert.equal(taker.isNickActive(onlyOne.nick), false);
    assert.deepEqual(left, [both.nick, onlyOne.nick]);
  } finally {
    await taker.stop();
    for (const m of [both, onlyOne, bonded]) await m.stop();
    for (const d of [d1!, d2!]) await d.stop();
  }
});

test('taker: channel pinned per maker, forced-channel errors are typed', async () => {
  const [d1, d2] = await startDirectories(2);
  const maker = await startMaker([d1!], 0);
  const taker = await startTaker([d1!, d2!]);
  try {
    await taker.fetchOrderbook(QUICK_BOOK);
    const requests: string[] = [];
    maker.on('request', (r) => requests.push(`${r.command}@${r.channel}`));
    const channel = await taker.sendPrivmsg(maker.nick, 'fill', '0 100000 aa bb', { logRouting: true });
    assert.equal(channel, `directory:${addr(d1!)}`);
    assert.equal(await taker.sendPrivmsg(maker.nick, '!auth', 'ciphertext1'), channel, 'pinned');
    await assert.rejects(taker.sendPrivmsg(maker.nick, 'tx', 'x', { forceChannel: 'direct' }), {
      code: 'ERR_ORDERBOOK_CHANNEL_UNAVAILABLE',
    });
    await assert.rejects(
      taker.sendPrivmsg(maker.nick, 'tx', 'x', { forceChannel: `directory:${addr(d2!)}` }),
      (err: { code: string }) =>
        ['ERR_ORDERBOOK_CHANNEL_UNAVAILABLE', 'ERR_ORDERBOOK_CHANNEL_CONFLICT'].includes(err.code),
    );
    await assert.rejects(taker.sendPrivmsg(maker.nick, 'tx', 'x', { forceChannel: 'somewhere' }), {
      code: 'ERR_ORDERBOOK_CHANNEL_INVALID',
    });
    assert.equal(await taker.sendPrivmsg(maker.nick, 'tx', 'y', { forceChannel: channel }), channel);
    await until(() => requests.length === 3, 3000, 'requests at the maker');
    assert.deepEqual(requests, [`fill@${channel}`, `auth@${channel}`, `tx@${channel}`]);
  } finally {
    const stopping = taker.stop();
    assert.equal(taker.stop(), stopping, 'stop() is idempotent');
    await stopping;
    const makerStopping = maker.stop();
    assert.equal(maker.stop(), makerStopping);
    await makerStopping;
    for (const d of [d1!, d2!]) await d.stop();
  }
});

test('taker: upgrades to a direct link after the first message, falls back to a directory when it dies', async () => {
  const [d1, d2] = await startDirectories(2);
  const maker = await startMaker([d1!, d2!], 0, { serve: { host: '127.0.0.1' } });
  const categories: string[] = [];
  const dialer: Dialer = (host, port, options) => {
    categories.push(options.category);
    return tcpDialer(host, port, options);
  };
  const taker = await startTaker([d1!, d2!], { dialer, streamIsolation: true });
  try {
    assert.deepEqual(categories, ['directory', 'directory']);
    assert.match(maker.location, /^127\.0\.0\.1:\d+$/);
    await taker.fetchOrderbook(QUICK_BOOK);
    assert.equal(taker.locations.get(maker.nick), maker.location, 'location learnt from the peerlist');
    const seen: string[] = [];
    maker.on('request', (r) => {
      seen.push(r.channel);
      maker.reply(r.from, r.command === 'fill' ? 'pubkey' : 'ioauth', `answer-${seen.length}`);
    });
    const first = await taker.sendPrivmsg(maker.nick, 'fill', '0 100000 aa bb');
    assert.match(first, /^directory:/);
    assert.equal((await taker.waitForResponse(maker.nick, '!pubkey', { timeout: 3000 }))?.channel, first);
    await until(() => taker.links.isConnected(maker.nick), 3000, 'direct link');
    assert.deepEqual(
      categories,
      ['directory', 'directory', 'peer'],
      'the peer dial is isolated from directories',
    );
    assert.equal(await taker.sendPrivmsg(maker.nick, 'auth', 'c1'), 'direct');
    const answer = await taker.waitForResponse(maker.nick, '!ioauth', { timeout: 3000 });
    assert.equal(answer?.channel, 'direct', 'the maker answers on the channel the taker used');
    assert.deepEqual(seen, [first, 'direct']);
    assert.equal(taker.stats['channels']!['upgrades'], 1);
    // The link dies: the session falls back to a directory.
    taker.links.drop(maker.nick);
    await until(() => !taker.links.isConnected(maker.nick), 3000, 'link down');
    const fallback = await taker.sendPrivmsg(maker.nick, 'auth', 'c2');
    assert.match(fallback, /^directory:/);
    await until(() => seen.length === 3, 3000, 'fallback request');
    assert.match(seen[2]!, /^directory:/);
  } finally {
    await taker.stop();
    await maker.stop();
    for (const d of [d1!, d2!]) await d.stop();
  }
});

test('taker and makers: stop() leaves no socket, listener or timer behind', async () => {
  const before = snapshotHandles();
  const [d1, d2] = await startDirectories(2);
  const maker = await startMaker([d1!, d2!], 0, { serve: { host: '127.0.0.1' } });
  const taker = await startTaker([d1!, d2!]);
  await taker.fetchOrderbook(QUICK_BOOK);
  await taker.sendPrivmsg(maker.nick, 'fill', '0 1 aa bb');
  await until(() => taker.links.isConnected(maker.nick), 3000, 'direct link');
  // A wait still running when the taker stops ends with it.
  const pending = taker.waitForResponses([maker.nick], '!pubkey', { timeout: 60_000 });
  await taker.stop();
  await pending.catch(() => undefined);
  await maker.stop();
  for (const d of [d1!, d2!]) await d.stop();
  await assertReleased(before);
});

test('maker: announces its offers when it joins a directory, withdraws them with !cancel', async () => {
  const [d1] = await startDirectories(1);
  const taker = await startTaker([d1!]);
  let late: Awaited<ReturnType<typeof startMaker>> | undefined;
  try {
    const progress: number[] = [];
    const collecting = taker.fetchOrderbook({
      timeout: 5000,
      minWait: 1200,
      quietPeriod: 400,
      onProgress: (p) => progress.push(p.offers),
    });
    // Joins after the !orderbook request went out: only its public announcement reaches the taker.
    late = await startMaker([d1!], 7);
    assert.equal(late.stats.announced, 1);
    await until(() => progress.at(-1) === 2, 3000, 'announced offers');
    assert.equal(late.stats.orderbookAnswers, 0);
    late.cancel([1]);
    assert.deepEqual(
      late.offers.map((o) => o.oid),
      [0],
    );
    await until(() => progress.at(-1) === 1, 3000, 'cancel seen');
    const book = await collecting;
    assert.deepEqual(
      book.offers.map((o) => [o.counterparty, o.oid]),
      [[late.nick, 0]],
    );
    // Known only from its public offers, the maker is still reachable: through the directory
    // that relayed them.
    assert.equal(taker.isNickActive(late.nick), false, 'no signed message from it yet');
    const requests: string[] = [];
    late.on('request', (r) => requests.push(`${r.command} ${r.data}`));
    assert.equal(await taker.sendPrivmsg(late.nick, 'fill', '0 100000 aa bb'), `directory:${addr(d1!)}`);
    await until(() => requests.length === 1, 3000, 'fill at the maker');
    assert.deepEqual(requests, ['fill 0 100000 aa bb']);
  } finally {
    await taker.stop();
    await late?.stop();
    await d1!.stop();
  }
});

test('maker: every !orderbook is answered, at most once per interval per taker', async () => {
  const [d1] = await startDirectories(1);
  const maker = await startMaker([d1!], 0, { orderbookInterval: 1_500 });
  const taker = await startTaker([d1!]);
  try {
    const first = await taker.fetchOrderbook(QUICK_BOOK);
    assert.equal(first.offers.length, 2);
    assert.equal(maker.stats.orderbookAnswers, 1);
    // Asked again at once: inside the interval, not answered (a flood costs the maker nothing).
    await taker.fetchOrderbook(QUICK_BOOK);
    await until(() => maker.stats.orderbookRateLimited === 1, 3000, 'second request seen');
    assert.equal(maker.stats.orderbookAnswers, 1);
    // After the interval the same taker is answered again (the old 30 s dedup answered nothing).
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const third = await taker.fetchOrderbook(QUICK_BOOK);
    assert.equal(third.offers.length, 2, 'answered again');
    assert.equal(maker.stats.orderbookAnswers, 2);
  } finally {
    await taker.stop();
    await maker.stop();
    await d1!.stop();
  }
});

test("features: a maker's features are learnt from the peerlist, its direct link and its !pubkey, and decide neutrino_compat", async () => {
  const [d1] = await startDirectories(1);
  const features = { peerlist_features: true, ping: true, neutrino_compat: true };
  const maker = await startMaker([d1!], 0, {
    serve: { host: '127.0.0.1' },
    clientOptions: { features },
  });
  const plain = await startMaker([d1!], 1);
  const taker = await startTaker([d1!], { neutrinoCompat: true, preferDirectConnections: true });
  const older = await startTaker([d1!]);
  const seenByMaker: Array<Record<string, unknown>> = [];
  maker.links.on('up', (_nick, advertised) => seenByMaker.push(advertised));
  try {
    await taker.fetchOrderbook(QUICK_BOOK);
    // The getpeerlist answer carries F:neutrino_compat+... for the maker.
    await until(
      () => taker.featuresOf(maker.nick).has('neutrino_compat'),
      3000,
      'features from the peerlist',
    );
    assert.equal(taker.neutrinoCompatWith(maker.nick), true);
    assert.equal(taker.neutrinoCompatWith(plain.nick), false, 'the plain maker did not advertise it');
    await older.fetchOrderbook(QUICK_BOOK);
    await until(() => older.featuresOf(maker.nick).size > 0, 3000, 'older taker learnt them too');
    assert.equal(older.neutrinoCompatWith(maker.nick), false, 'we do not support it on this taker');

    // The direct link's handshake carries the taker's real features (not {}).
    await taker.sendPrivmsg(maker.nick, 'fill', '0 100000 aa bb');
    await until(() => taker.links.isConnected(maker.nick), 5000, 'direct link dialled');
    // The maker routes over an inbound link once a signed privmsg proved it.
    assert.equal(await taker.sendPrivmsg(maker.nick, 'auth', 'x'), 'direct');
    await until(() => seenByMaker.length === 1, 5000, 'direct link up at the maker');
    assert.deepEqual(seenByMaker[0], { peerlist_features: true, ping: true, neutrino_compat: true });

    // A joinmarket-ng maker appends features= to !pubkey.
    assert.ok(maker.reply(taker.nick, 'pubkey', `${'ab'.repeat(32)} features=push_encrypted`) !== undefined);
    await until(() => taker.featuresOf(maker.nick).has('push_encrypted'), 3000, 'features from !pubkey');
  } finally {
    await taker.stop();
    await older.stop();
    await maker.stop();
    await plain.stop();
    await d1!.stop();
  }
});
