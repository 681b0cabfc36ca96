import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, isPeerwayError, silentLogger, TypedEmitter } from '../../../src/core/index.js';
import { EncryptionSessions } from '../../../src/directory/market/encryption-sessions.js';
import { TakerRouter } from '../../../src/directory/market/taker-router.js';
import type { MultiDirectoryClientEvents } from '../../../src/directory/market/taker-options.js';
import { parseOffer } from '../../../src/directory/market/offer.js';
import { type MakerResponse } from '../../../src/directory/market/response-collector.js';
import { FakeNetwork } from './fake-network.js';

const bondFixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/orderbook-bond-proof.json'), 'utf8'),
) as { proof: string; takerNick: string; makerNick: string };
const TAKER = bondFixture.takerNick;
const DIRS = ['a:5222', 'b:5222', 'c:5222'];
const code = (c: string) => (err: unknown) => isPeerwayError(err) && err.code === c;
const fast = { minWait: 40, quietPeriod: 30, timeout: 5_000 };

function setup(pick = 0) {
  const left: string[] = [];
  const logged: Array<{ fields: Record<string, unknown>; msg: string }> = [];
  const record = (fields: unknown, msg?: unknown): void => {
    logged.push({ fields: fields as Record<string, unknown>, msg: typeof msg === 'string' ? msg : '' });
  };
  const logger = { ...silentLogger, info: record, child: () => logger };
  const events = new TypedEmitter<MultiDirectoryClientEvents>();
  events.on('nickLeave', (n) => left.push(n));
  const core = new TakerRouter({ nick: TAKER, pick: () => pick, events, logger });
  const net = new FakeNetwork(core, DIRS);
  return { core, net, left, events, logged };
}

test('core: fetchOrderbook asks every directory once and merges answers without duplicates', async () => {
  const { core, net, events, logged } = setup();
  net.addMaker({
    nick: bondFixture.makerNick,
    offers: [
      parseOffer('sw0reloffer 0 27300 1000000 0 0.00002'),
      parseOffer('sw0absoffer 1 5000 90000 0 250'),
    ],
    directories: new Set(DIRS),
    bondProof: bondFixture.proof,
  });
  net.addMaker({
    nick: 'J5second',
    offers: [parseOffer('sw0reloffer 0 1000 2000 0 0.1')],
    directories: new Set(['c:5222']),
  });
  net.addMaker({
    nick: 'J5badbond',
    offers: [parseOffer('sw0reloffer 0 1000 2000 0 0.1')],
    directories: new Set(['a:5222']),
    bondProof: bondFixture.proof, // bound to another maker nick: must not verify
  });
  let lastProgress = { offers: 0, counterparties: 0, directoriesAnswered: 0 };
  events.on('orderbookProgress', (p) => (lastProgress = p));
  const book = await core.fetchOrderbook(fast);
  assert.deepEqual(lastProgress, { offers: 4, counterparties: 3, directoriesAnswered: 3 });
  assert.deepEqual(net.pubmsgs.map((p) => p.directory).sort(), DIRS, 'one !orderbook per directory');
  assert.equal(book.reason, 'quiet');
  assert.deepEqual(
    book.offers.map(
      (o) => `${o.counterparty}/${o.oid}/${o.sources.length}/${o.bond === undefined ? '-' : 'bond'}`,
    ),
    [
      `${bondFixture.makerNick}/0/3/bond`,
      `${bondFixture.makerNick}/1/3/bond`,
      'J5badbond/0/1/-',
      'J5second/0/1/-',
    ],
  );
  assert.equal(core.stats.badBonds, 1);
  const dropped = logged.filter((l) => l.fields['maker'] === 'J5badbond');
  assert.equal(dropped.length, 1, `the dropped bond is logged once: ${JSON.stringify(logged)}`);
  assert.equal(typeof dropped[0]!.fields['reason'], 'string', 'with its reason');
  assert.match(dropped[0]!.msg, /dropped the bond proof of J5badbond: .+; its offers are kept/);
});

test('core: a maker leaving one directory stays active; leaving all fires onNickLeave once', () => {
  const { core, net, left } = setup();
  net.addMaker({ nick: 'J5m', offers: [], directories: new Set(['a:5222', 'b:5222']) });
  core.handlePrivmsg({
    from: 'J5m',
    command: 'pubkey',
    data: 'x',
    channel: 'directory:a:5222',
    verified: true,
  });
  core.handlePrivmsg({
    from: 'J5m',
    command: 'pubkey',
    data: 'x',
    channel: 'directory:b:5222',
    verified: true,
  });
  core.handlePeerlist('a:5222', [{ nick: 'J5m', disconnected: true }]);
  assert.equal(core.isNickActive('J5m'), true);
  assert.deepEqual(left, []);
  core.syncNicksWithPeerlist('b:5222', ['J5other']);
  assert.equal(core.isNickActive('J5m'), false);
  assert.deepEqual(left, ['J5m']);
});

test('core: unverified privmsgs neither mark presence nor answer a wait', async () => {
  const { core } = setup();
  const wait = core.waitForResponse('J5m', 'pubkey', { timeout: 50 });
  core.handlePrivmsg({
    from: 'J5m',
    command: 'pubkey',
    data: 'spoof',
    channel: 'directory:a:5222',
    verified: false,
  });
  assert.equal(await wait, undefined);
  assert.equal(core.isNickActive('J5m'), false);
  assert.equal(core.stats.unverified, 1);
});

test('core: sendPrivmsg pins one directory per maker and never fans out', async () => {
  const { core, net } = setup(1);
  net.addMaker({ nick: 'J5m', offers: [], directories: new Set(DIRS) });
  for (const d of DIRS)
    core.handlePrivmsg({ from: 'J5m', command: 'x', data: '', channel: `directory:${d}`, verified: true });
  const channels = new Set<string>();
  for (let i = 0; i < 5; i++) channels.add(await core.sendPrivmsg('J5m', 'error', `n${i}`));
  assert.deepEqual([...channels], ['directory:b:5222']);
  assert.equal(net.sent.length, 5, 'exactly one copy per message');
  await assert.rejects(
    core.sendPrivmsg('J5m', 'fill', '', { forceChannel: 'direct' }),
    code(ErrorCodes.ORDERBOOK_CHANNEL_UNAVAILABLE),
  );
  await assert.rejects(
    core.sendPrivmsg('J5m', 'fill', '', { forceChannel: 'directory:a:5222' }),
    code(ErrorCodes.ORDERBOOK_CHANNEL_CONFLICT),
  );
  await assert.rejects(
    core.sendPrivmsg('J5m', 'fill', '', { forceChannel: 'pigeon' }),
    code(ErrorCodes.ORDERBOOK_CHANNEL_INVALID),
  );
  // A nick no directory names still goes out, through one connected directory (joinmarket-ng's last step).
  const sentBefore = net.sent.length;
  assert.match(await core.sendPrivmsg('J5nobody', 'fill', ''), /^directory:/);
  assert.equal(net.sent.length, sentBefore + 1, 'one copy');
});

test('core: upgrade to a direct link, and fallback to a directory when it breaks mid-send', async () => {
  const { core, net } = setup();
  net.addMaker({ nick: 'J5m', offers: [], directories: new Set(['a:5222']) });
  // commands the fake maker does not act on: only the routing is under test here
  assert.equal(await core.sendPrivmsg('J5m', 'note', '1'), 'directory:a:5222');
  net.direct.add('J5m');
  assert.equal(await core.sendPrivmsg('J5m', 'note', '2'), 'direct');
  net.directBroken = true;
  assert.equal(await core.sendPrivmsg('J5m', 'note', '3'), 'directory:a:5222', 'retried on a fresh channel');
  assert.deepEqual(
    net.sent.map((s) => `${s.channel}:${s.data}`),
    ['directory:a:5222:1', 'direct:2', 'directory:a:5222:3'],
  );
  assert.equal(core.stats.sendFailures, 1);
});

test('core: a reply that arrives before waitForResponses is still counted', async () => {
  const { core } = setup();
  core.handlePrivmsg({
    from: 'J5m',
    command: 'pubkey',
    data: 'k',
    channel: 'directory:a:5222',
    verified: true,
  });
  const answer = await core.waitForResponse('J5m', '!pubkey', { timeout: 1_000 });
  assert.equal(answer?.error === false ? answer.data : undefined, 'k');
  assert.equal(
    await core.waitForResponse('J5m', '!pubkey', { timeout: 20 }),
    undefined,
    'used up once taken',
  );
});

test('core: full fill/pubkey/auth/ioauth/tx/sig with three makers, one direct, a directory killed midway', async () => {
  const { core, net } = setup(0);
  const makers = ['J5m1', 'J5m2', 'J5m3'];
  net.addMaker({ nick: 'J5m1', offers: [], directories: new Set(['a:5222', 'b:5222']), inputs: 2 });
  net.addMaker({ nick: 'J5m2', offers: [], directories: new Set(DIRS), inputs: 3, replyEverywhere: true });
  net.addMaker({ nick: 'J5m3', offers: [], directories: new Set(['a:5222', 'c:5222']), inputs: 1 });
  net.direct.add('J5m3');
  const sessions = new EncryptionSessions();
  const decode = (nick: string, data: string) => sessions.decrypt(nick, data);

  for (const m of makers) {
    const s = sessions.create(m);
    await core.sendPrivmsg(m, 'fill', `0 500000 ${s.publicKeyHex} P${'cd'.repeat(32)}`);
  }
  const pubkeys = await core.waitForResponses(makers, '!pubkey', { timeout: 2_000 });
  assert.equal(pubkeys.size, 3);
  for (const [nick, r] of pubkeys) sessions.get(nick)!.setCounterpartyKey(ok(r).data);
  assert.equal(core.channels.pinned('J5m1'), 'directory:a:5222');
  assert.equal(core.channels.pinned('J5m3'), 'direct');

  for (const m of makers) await core.sendPrivmsg(m, 'auth', sessions.encrypt(m, `${m}-utxo:0|P|P2|s|e`));
  const ioauth = await core.waitForResponses(makers, '!ioauth', { timeout: 2_000, decode });
  assert.equal(ok(ioauth.get('J5m1')!).data, 'utxos-of-J5m1 for J5m1-utxo:0|P|P2|s|e');

  // Directory a dies between ioauth and tx: m1 moves to b, m2 to b or c, m3 stays direct.
  net.kill('a:5222');
  for (const m of makers) await core.sendPrivmsg(m, 'tx', sessions.encrypt(m, 'unsigned-tx-base64'));
  const sigs = await core.waitForResponses(makers, '!sig', {
    timeout: 2_000,
    decode,
    expectedCounts: { J5m1: 2, J5m2: 3, J5m3: 1 },
  });
  assert.deepEqual(ok(sigs.get('J5m1')!).messages, ['sig0-J5m1-18', 'sig1-J5m1-18']);
  assert.equal(ok(sigs.get('J5m2')!).messages.length, 3, 'copies from every directory counted once');
  assert.equal(ok(sigs.get('J5m3')!).channel, 'direct');
  assert.notEqual(core.channels.pinned('J5m1'), 'directory:a:5222');
  assert.ok(!net.sent.some((s) => s.command === 'tx' && s.channel === 'directory:a:5222'));
});

test('core: !error from one maker ends its wait without holding up the others', async () => {
  const { core, net } = setup();
  net.addMaker({ nick: 'J5good', offers: [], directories: new Set(['a:5222']) });
  net.addMaker({ nick: 'J5bad', offers: [], directories: new Set(['b:5222']), refuseAuth: true });
  const sessions = new EncryptionSessions();
  for (const m of ['J5good', 'J5bad'])
    await core.sendPrivmsg(m, 'fill', `0 1 ${sessions.create(m).publicKeyHex} P`);
  for (const [nick, r] of await core.waitForResponses(['J5good', 'J5bad'], 'pubkey', { timeout: 2_000 })) {
    sessions.get(nick)!.setCounterpartyKey(ok(r).data);
  }
  for (const m of ['J5good', 'J5bad']) await core.sendPrivmsg(m, 'auth', sessions.encrypt(m, 'rev'));
  const started = performance.now();
  const answers = await core.waitForResponses(['J5good', 'J5bad'], 'ioauth', {
    timeout: 5_000,
    decode: (n, d) => sessions.decrypt(n, d),
  });
  assert.ok(performance.now() - started < 4_000, 'returned before the timeout');
  assert.deepEqual(answers.get('J5bad'), {
    error: true,
    data: 'commitment blacklisted',
    channel: 'directory:b:5222',
  });
  assert.equal(answers.get('J5good')!.error, false);
  await core.close();
});

function ok(r: MakerResponse): Extract<MakerResponse, { error: false }> {
  assert.equal(r.error, false, r.error ? r.data : '');
  return r;
}

test('core: an answer arriving right after fetchOrderbook is called is not missed', async () => {
  const { core } = setup();
  const fetched = core.fetchOrderbook(fast);
  core.handlePrivmsg({
    from: 'J5quick',
    command: 'sw0absoffer',
    data: '3 1000 2000 0 100',
    channel: 'direct',
    verified: true,
  });
  const book = await fetched;
  assert.deepEqual(
    book.offers.map((o) => `${o.counterparty}/${o.oid}/${o.sources.join()}`),
    ['J5quick/3/direct'],
  );
});

test('core: a channel that refuses the send is replaced once, then the typed error carries on', async () => {
  const { core, net } = setup(0);
  net.addMaker({ nick: 'J5m', offers: [], directories: new Set(['a:5222', 'b:5222']) });
  net.refusing.add('a:5222');
  assert.equal(await core.sendPrivmsg('J5m', 'note', 'x'), 'directory:b:5222', 'a refused, b took it');
  net.refusing.add('b:5222');
  core.channels.endSession('J5m');
  await assert.rejects(core.sendPrivmsg('J5m', 'note', 'y'), code(ErrorCodes.ORDERBOOK_SEND_FAILED));
  await assert.rejects(
    core.sendPrivmsg('J5m', 'note', 'z', { forceChannel: 'directory:b:5222' }),
    code(ErrorCodes.ORDERBOOK_SEND_FAILED),
  );
  await assert.rejects(
    core.sendPrivmsg('J5m', 'note', 'z', { signal: AbortSignal.abort() }),
    code(ErrorCodes.ABORTED),
  );
  assert.equal(net.sent.length, 1);
});

test('core: a late reply from an earlier !fill never answers the next session', async () => {
  // No simulated maker: the test plays the maker's replies itself.
  const { core } = setup();
  const reply = (data: string): void =>
    core.handlePrivmsg({ from: 'J5m', command: 'pubkey', data, channel: 'directory:a:5222', verified: true });
  // Session 1: the taker gave up waiting; the maker's key arrives late and is kept.
  await core.sendPrivmsg('J5m', 'fill', '0 100000 key1 c1');
  assert.equal(await core.waitForResponse('J5m', '!pubkey', { timeout: 20 }), undefined);
  reply('old-key');
  // Session 2: a new !fill; the old key must not satisfy its wait.
  await core.sendPrivmsg('J5m', 'fill', '0 100000 key2 c2');
  assert.equal(core.inboxStats['stale'], 1, 'the old session reply was dropped');
  const waiting = core.waitForResponse('J5m', '!pubkey', { timeout: 2_000 });
  reply('new-key');
  const answer = await waiting;
  assert.equal(answer?.error === false ? answer.data : undefined, 'new-key');
  // Within a session, a reply that beats the wait is still taken (the early-reply race).
  await core.sendPrivmsg('J5m', 'fill', '0 100000 key3 c3');
  reply('early-key');
  const early = await core.waitForResponse('J5m', '!pubkey', { timeout: 1_000 });
  assert.equal(early?.error === false ? early.data : undefined, 'early-key');
});
