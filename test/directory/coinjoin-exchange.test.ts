import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncryptionSessions } from '../../src/directory/market/encryption-sessions.js';
import { EncryptionSession } from '../../src/directory/market/encryption.js';
import { type MakerClient } from '../../src/directory/market/maker-client.js';
import { until } from './net.js';
import { addr, QUICK_BOOK, startDirectories, startMaker, startTaker } from './market.js';

/** Plays the maker's part of a CoinJoin: pubkey, ioauth, then one sig per input. Payloads are opaque. */
function playMaker(maker: MakerClient, inputs: number): { channels: string[] } {
  const sessions = new EncryptionSessions();
  const channels: string[] = [];
  maker.on('request', (r) => {
    channels.push(`${r.command}@${r.channel}`);
    if (r.command === 'fill') {
      const takerKey = r.data.split(' ')[2]!;
      const session = sessions.create(r.from, { counterpartyKeyHex: takerKey });
      maker.reply(r.from, 'pubkey', session.publicKeyHex);
    } else if (r.command === 'auth') {
      const revelation = sessions.decrypt(r.from, r.data);
      maker.reply(r.from, 'ioauth', sessions.encrypt(r.from, `utxos-of-${maker.nick} for ${revelation}`));
    } else if (r.command === 'tx') {
      const tx = sessions.decrypt(r.from, r.data);
      for (let i = 0; i < inputs; i++) maker.reply(r.from, 'sig', sessions.encrypt(r.from, `sig${i}:${tx}`));
    }
  });
  return { channels };
}

test('coinjoin: fill/pubkey/auth/ioauth/tx/sig with three makers (one direct) survives a directory killed midway', async () => {
  const dirs = await startDirectories(2);
  const [d1, d2] = dirs as [NonNullable<(typeof dirs)[0]>, NonNullable<(typeof dirs)[0]>];
  const makers = [
    await startMaker(dirs, 0),
    await startMaker(dirs, 1),
    await startMaker(dirs, 2, { serve: { host: '127.0.0.1' } }),
  ];
  const inputs = [1, 2, 3];
  const plays = makers.map((m, i) => playMaker(m, inputs[i]!));
  // Every new session goes to the same directory, so killing it hits every non-direct session.
  const taker = await startTaker(dirs, { pick: () => 0 });
  try {
    const book = await taker.fetchOrderbook(QUICK_BOOK);
    assert.equal(book.offers.length, 6);
    const nicks = makers.map((m) => m.nick);
    const sessions = new Map(nicks.map((n) => [n, new EncryptionSession()]));
    const fillChannels = await Promise.all(
      nicks.map((n) => taker.sendPrivmsg(n, 'fill', `0 500000 ${sessions.get(n)!.publicKeyHex} Pcommitment`)),
    );
    assert.ok(
      fillChannels.every((c) => c.startsWith('directory:')),
      'first messages go through a directory',
    );
    const pubkeys = await taker.waitForResponses(nicks, '!pubkey', { timeout: 5000 });
    assert.equal(pubkeys.size, 3);
    for (const [nick, r] of pubkeys) {
      assert.equal(r.error, false);
      sessions.get(nick)!.setCounterpartyKey(r.data);
    }
    await until(() => taker.links.isConnected(nicks[2]!), 3000, 'direct link to the serving maker');

    const decode = (nick: string, data: string): string => sessions.get(nick)!.decrypt(data);
    const authChannels = await Promise.all(
      nicks.map((n) => taker.sendPrivmsg(n, 'auth', sessions.get(n)!.encrypt(`podle-of-${n}`))),
    );
    assert.equal(authChannels[2], 'direct');
    const ioauth = await taker.waitForResponses(nicks, '!ioauth', { timeout: 5000, decode });
    for (const n of nicks) {
      const r = ioauth.get(n);
      assert.ok(r !== undefined && !r.error);
      assert.equal(r.data, `utxos-of-${n} for podle-of-${n}`);
    }

    // The directory carrying the other two sessions goes away in the middle of the exchange.
    const used = authChannels[0]!.slice('directory:'.length);
    const victim = used === addr(d1) ? d1 : d2;
    const survivor = victim === d1 ? d2 : d1;
    await victim.stop();
    await until(() => !taker.clients.has(used), 3000, 'taker notices the lost directory');
    await until(() => makers.every((m) => !m.clients.has(used)), 3000, 'makers notice it');
    for (const n of nicks) assert.ok(taker.isNickActive(n), 'still listed by the surviving directory');

    const txChannels = await Promise.all(
      nicks.map((n) => taker.sendPrivmsg(n, 'tx', sessions.get(n)!.encrypt('unsigned-tx-base64'))),
    );
    assert.deepEqual(txChannels, [`directory:${addr(survivor)}`, `directory:${addr(survivor)}`, 'direct']);
    const expectedCounts = Object.fromEntries(nicks.map((n, i) => [n, inputs[i]!]));
    const sigs = await taker.waitForResponses(nicks, '!sig', { timeout: 5000, expectedCounts, decode });
    nicks.forEach((n, i) => {
      const r = sigs.get(n);
      assert.ok(r !== undefined && !r.error);
      assert.deepEqual(
        r.messages,
        Array.from({ length: inputs[i]! }, (_, k) => `sig${k}:unsigned-tx-base64`),
      );
    });
    assert.deepEqual(plays[2]!.channels, [`fill@${fillChannels[2]}`, 'auth@direct', 'tx@direct']);
    assert.deepEqual(plays[0]!.channels.slice(-1), [`tx@directory:${addr(survivor)}`]);
  } finally {
    await taker.stop();
    for (const m of makers) await m.stop();
    for (const d of dirs) await d.stop();
  }
});

test('responses: !error ends one wait, !sig counts per maker, copies through several directories count once', async () => {
  const dirs = await startDirectories(2);
  const good = await startMaker(dirs, 0);
  const failing = await startMaker(dirs, 1);
  const taker = await startTaker(dirs);
  try {
    await taker.fetchOrderbook(QUICK_BOOK);
    const waiting = taker.waitForResponses([good.nick, failing.nick], '!sig', {
      timeout: 5000,
      expectedCounts: { [good.nick]: 2 },
    });
    // Like joinmarket-ng makers, send every message through every directory.
    for (const client of good.clients.values()) {
      client.sendPrivmsg(taker.nick, 'sig', 'AAAA');
      client.sendPrivmsg(taker.nick, 'sig', 'BBBB');
    }
    for (const client of failing.clients.values()) client.sendPrivmsg(taker.nick, 'error', 'offer gone');
    const result = await waiting;
    const g = result.get(good.nick);
    assert.ok(g !== undefined && !g.error);
    assert.deepEqual(g.messages, ['AAAA', 'BBBB']);
    assert.deepEqual(result.get(failing.nick), {
      error: true,
      data: 'offer gone',
      channel: result.get(failing.nick)!.channel,
    });
    // The copies through the second directory were the same bytes: no second signature check.
    await until(() => taker.verifiedLines.stats.hits === 3, 3000, 'copies seen');
    // A maker that never answers leaves the wait with what arrived at the timeout.
    const silent = await taker.waitForResponse(good.nick, '!ioauth', { timeout: 200 });
    assert.equal(silent, undefined);
  } finally {
    await taker.stop();
    for (const m of [good, failing]) await m.stop();
    for (const d of dirs) await d.stop();
  }
});
