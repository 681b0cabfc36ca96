import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatSignedPrivmsg } from '../../src/directory/wire/message-line.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { isPeerwayError } from '../../src/core/index.js';
import { client, handshakeText, rawJoin, startServer, until } from './net.js';
import { RawPeer } from './raw-peer.js';
import { assertReleased, snapshotHandles } from '../helpers/handles.js';
import { resolveServerOptions } from '../../src/directory/server/server-options.js';

test('server: many clients exchange signed privmsgs and pubmsgs', async () => {
  await using server = await startServer();
  const clients = Array.from({ length: 25 }, (_, i) =>
    client(server, NickIdentity.generate(), i % 2 ? { location: `127.0.0.1:${20000 + i}` } : {}),
  );
  try {
    await Promise.all(clients.map((c) => c.connect()));
    assert.equal(server.stats.peers, 25);
    const got = new Map<string, string[]>();
    for (const c of clients) {
      got.set(c.nick, []);
      c.on('privmsg', (m) => got.get(c.nick)!.push(`${m.from}:${m.data}`));
    }
    const expected = new Map<string, string[]>(clients.map((c) => [c.nick, []]));
    for (let i = 0; i < clients.length; i++) {
      for (let k = 1; k <= 3; k++) {
        const to = clients[(i + k * 7) % clients.length]!;
        if (to === clients[i]) continue;
        clients[i]!.sendPrivmsg(to.nick, 'fill', `${i} ${k}`);
        expected.get(to.nick)!.push(`${clients[i]!.nick}:${i} ${k}`);
      }
    }
    const total = [...expected.values()].reduce((n, v) => n + v.length, 0);
    await until(() => [...got.values()].reduce((n, v) => n + v.length, 0) === total, 5000, 'privmsgs');
    for (const [nick, list] of expected) assert.deepEqual(got.get(nick)!.sort(), list.sort());
    assert.equal(server.stats.relayed['privmsg'], total);

    let pubs = 0;
    for (const c of clients) c.on('pubmsg', () => pubs++);
    clients[0]!.sendPubmsg('orderbook');
    await until(() => pubs === 24, 3000, 'pubmsgs');
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
});

test('server: spoofed from-nicks are dropped, the spoofer stays and others are unaffected', async () => {
  await using server = await startServer();
  const a = client(server);
  const b = client(server);
  await a.connect();
  await b.connect();
  const mallory = NickIdentity.generate();
  const raw = await rawJoin(server.address.port, mallory.nick);
  try {
    const received: string[] = [];
    b.on('privmsg', (m) => received.push(m.from));
    b.on('pubmsg', (m) => received.push(m.from));
    raw.send(encodeEnvelope(687, `${a.nick}!PUBLIC!orderbook`));
    raw.send(encodeEnvelope(685, `${a.nick}!${b.nick}!fill 1 2 3 pub sig`));
    raw.send(encodeEnvelope(685, formatSignedPrivmsg(mallory, b.nick, 'fill', 'real')));
    await until(() => received.length === 1);
    assert.deepEqual(received, [mallory.nick]);
    assert.equal(server.stats.dropped['spoofed'], 2);
    a.sendPrivmsg(b.nick, 'ok', 'x');
    await until(() => received.length === 2);
  } finally {
    raw.close();
    await a.close();
    await b.close();
  }
});

test('server: a duplicate nick is refused with a typed error; the first owner keeps it', async () => {
  await using server = await startServer();
  const id = NickIdentity.generate();
  const first = client(server, id);
  const second = client(server, id);
  const other = client(server);
  try {
    await first.connect();
    await other.connect();
    await assert.rejects(second.connect(), (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'));
    const got = once(first, 'privmsg');
    other.sendPrivmsg(id.nick, 'hello', 'there');
    assert.equal((await got)[0].data, 'there');
    assert.equal(server.stats.handshakesRejected['nick_in_use'], 1);
  } finally {
    await Promise.all([first.close(), second.close(), other.close()]);
  }
});

test('server: getpeerlist in chunks of 20, features only for peers that ask', async () => {
  await using server = await startServer();
  const raws = await Promise.all(
    Array.from({ length: 45 }, (_, i) =>
      rawJoin(server.address.port, undefined, {
        features: { ping: true },
        location: `127.0.0.1:${30000 + i}`,
      }),
    ),
  );
  const asker = await rawJoin(server.address.port, undefined, { features: { peerlist_features: true } });
  const plain = await rawJoin(server.address.port);
  try {
    asker.send(encodeEnvelope(791, ''));
    const chunks = [await asker.next(), await asker.next(), await asker.next()].map((l) =>
      (JSON.parse(l) as { line: string }).line.split(','),
    );
    assert.deepEqual(
      chunks.map((c) => c.length),
      [20, 20, 6],
    );
    assert.ok(chunks[0]!.every((e) => e.endsWith(';F:ping') || e.includes('NOT-SERVING')));
    plain.send(encodeEnvelope(791, ''));
    const first = (JSON.parse(await plain.next()) as { line: string }).line.split(',');
    assert.ok(first.every((e) => !e.includes('F:')));
  } finally {
    for (const r of [...raws, asker, plain]) r.close();
  }
});

test('server: getpeerlist chunks go out spaced, and nobody else waits for them', async () => {
  const spacing = 300; // wide enough that a busy machine keeps the order
  await using server = await startServer({ peerlistChunkSpacing: spacing });
  assert.equal(resolveServerOptions({}).peerlistChunkSpacing, 50);
  const raws = await Promise.all(Array.from({ length: 45 }, () => rawJoin(server.address.port)));
  const asker = await rawJoin(server.address.port);
  const talker = raws[0]!;
  try {
    asker.send(encodeEnvelope(791, ''));
    const at: number[] = [];
    const lines: string[] = [];
    lines.push(await asker.next());
    at.push(Date.now());
    // Another peer's pubmsg reaches the asker between the chunks.
    const talkerNick = server.listPeers().map((p) => p.nick)[0]!;
    talker.send(encodeEnvelope(687, `${talkerNick}!PUBLIC!orderbook`));
    asker.send(encodeEnvelope(791, '')); // still answering: dropped
    for (let i = 0; i < 3; i++) {
      lines.push(await asker.next());
      at.push(Date.now());
    }
    const types = lines.map((l) => (JSON.parse(l) as { type: number }).type);
    assert.deepEqual(types, [789, 687, 789, 789]);
    assert.ok(at[2]! - at[0]! >= spacing - 20, `second chunk after ${at[2]! - at[0]!} ms`);
    assert.ok(at[3]! - at[2]! >= spacing - 20, `third chunk after ${at[3]! - at[2]!} ms`);
    assert.equal(server.stats.dropped['peerlist_in_progress'], 1);
    assert.deepEqual(await asker.quiet(spacing * 2), []);
  } finally {
    for (const r of [...raws, asker]) r.close();
  }
});

test('server: departures are broadcast as nick;location;D', async () => {
  await using server = await startServer();
  const watcher = client(server);
  await watcher.connect();
  const leaver = await rawJoin(server.address.port, 'J5LeaverOOOOOOOO', { location: '127.0.0.1:40000' });
  try {
    const left = once(watcher, 'peerlist');
    leaver.close();
    const [entries] = await left;
    assert.deepEqual(entries, [
      { nick: 'J5LeaverOOOOOOOO', location: '127.0.0.1:40000', disconnected: true },
    ]);
    assert.equal(server.stats.peers, 1);
  } finally {
    await watcher.close();
  }
});

test('server: nick authentication lets a verified owner displace an unverified one', async () => {
  await using server = await startServer({ nickAuthId: 'test-directory' });
  const id = NickIdentity.generate();
  const auth = { features: { ping: true, nick_auth: true }, nickAuthDirectoryId: 'test-directory' };
  const squatter = await rawJoin(server.address.port, id.nick);
  const impostor = await RawPeer.connect(server.address.port);
  const owner = client(server, id, auth);
  const again = client(server, id, auth);
  try {
    impostor.send(handshakeText(id.nick, { features: { nick_auth: true } }));
    assert.match(await impostor.next(), /"accepted\\": true/);
    assert.match(await impostor.next(), /^\{"type": 803/);
    impostor.send(encodeEnvelope(805, JSON.stringify({ pubkey: id.publicKeyHex, signature: 'MEQCIA==' })));
    assert.match(await impostor.next(), /"code\\":\\"malformed\\"/);
    assert.ok(await impostor.waitClosed());
    assert.equal(squatter.closed, false);

    await owner.connect();
    await until(() => owner.nickAuthVerified === true, 2000, 'verification');
    assert.ok(await squatter.waitClosed(), 'the unverified squatter was displaced');
    assert.equal(server.stats.evicted['displaced'], 1);
    assert.equal(server.peerInfo(id.nick)?.verified, true);
    // Without a proof nobody takes a verified nick.
    const plain = client(server, id, { features: { ping: true } });
    await assert.rejects(plain.connect(), (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'));
    // The same key proving again replaces its older connection (a reconnect), as in ng.
    const ownerClosed = once(owner, 'close');
    await again.connect();
    await until(() => again.nickAuthVerified === true, 2000, 'second verification');
    await ownerClosed;
    assert.equal(server.stats.evicted['displaced'], 2);
    assert.equal(server.peerInfo(id.nick)?.verified, true);
  } finally {
    squatter.close();
    impostor.close();
    await owner.close();
    await again.close();
  }
});

test('server: stop() is idempotent, closes every connection and leaves no handle or timer', async () => {
  const before = snapshotHandles();
  const server = await startServer({ sweepInterval: 10 });
  const c = client(server);
  await c.connect();
  const closed = once(c, 'close');
  const p1 = server.stop();
  assert.equal(server.stop(), p1);
  await p1;
  await closed;
  assert.equal(server.stats.connections, 0);
  await c.close();
  await assertReleased(before);
});

test('server: after a privmsg the recipient learns the serving sender’s location, with features if it asked', async () => {
  await using server = await startServer();
  const maker = client(server, NickIdentity.generate(), { location: '127.0.0.1:45000' });
  const taker = client(server); // asks for peerlist_features by default
  const plain = await rawJoin(server.address.port);
  const sneaky = await rawJoin(server.address.port, 'J5sneakyOOOOOOOO', {
    location: '127.0.0.1:45001',
    features: { ping: true, 'x,J5victimOOOOOOO;h:1;D': true },
  });
  try {
    await maker.connect();
    await taker.connect();
    const learned: unknown[] = [];
    taker.on('peerlist', (entries) => learned.push(entries));
    maker.sendPrivmsg(taker.nick, 'pubkey', 'abc');
    await until(() => learned.length === 1);
    // Feature names that could forge entries are not repeated to others.
    sneaky.send(encodeEnvelope(685, `J5sneakyOOOOOOOO!${taker.nick}!x y pub sig`));
    await until(() => learned.length === 2);
    const mine = { nick: maker.nick, location: '127.0.0.1:45000', disconnected: false };
    const theirs = { nick: 'J5sneakyOOOOOOOO', location: '127.0.0.1:45001', disconnected: false };
    assert.deepEqual(learned, [
      [{ ...mine, features: ['peerlist_features', 'ping'] }],
      [{ ...theirs, features: ['ping'] }],
    ]);
    maker.sendRawPrivmsg(
      formatSignedPrivmsg(
        maker.identity,
        server.listPeers().map((p) => p.nick)[0]!, // the plain raw peer joined first
        'x',
        'y',
      ),
    );
    await plain.next();
    assert.equal(await plain.next(), `{"type": 789, "line": "${maker.nick};127.0.0.1:45000"}\r\n`);
    // A sender that serves no onion gives nothing away.
    let peerlists = 0;
    maker.on('peerlist', () => peerlists++);
    const none = once(maker, 'privmsg');
    taker.sendPrivmsg(maker.nick, 'fill', '1');
    await none;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(peerlists, 0);
  } finally {
    plain.close();
    sneaky.close();
    await maker.close();
    await taker.close();
  }
});
