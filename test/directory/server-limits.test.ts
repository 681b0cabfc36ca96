import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { client, handshakeText, rawJoin, startServer, until } from './net.js';
import { RawPeer } from './raw-peer.js';

test('server: the rate limit drops the flooder’s excess messages only', async () => {
  await using server = await startServer({ rateLimit: 5, rateBurst: 20 });
  const flooder = await rawJoin(server.address.port, 'J5fLooderOOOOOOO');
  const listener = client(server);
  const calm = client(server);
  try {
    await listener.connect();
    await calm.connect();
    let fromFlooder = 0;
    let fromCalm = 0;
    listener.on('pubmsg', (m) => (m.from === 'J5fLooderOOOOOOO' ? fromFlooder++ : fromCalm++));
    flooder.send(
      Array.from({ length: 200 }, (_, i) => encodeEnvelope(687, `J5fLooderOOOOOOO!PUBLIC!spam ${i}`)).join(
        '',
      ),
    );
    await until(() => (server.stats.dropped['rate_limited'] ?? 0) >= 150, 3000, 'drops');
    calm.sendPubmsg('still here');
    await until(() => fromCalm === 1);
    assert.ok(fromFlooder >= 18 && fromFlooder <= 25, `flooder got ${fromFlooder} through`);
    assert.equal(flooder.closed, false);
  } finally {
    flooder.close();
    await listener.close();
    await calm.close();
  }
});

test('server: oversize and garbage lines cost only that connection', async () => {
  await using server = await startServer({ maxLineLength: 1000 });
  const a = client(server);
  const b = client(server);
  await a.connect();
  await b.connect();
  const big = await rawJoin(server.address.port);
  const garbage = await rawJoin(server.address.port);
  const halfLine = await RawPeer.connect(server.address.port);
  try {
    big.send(encodeEnvelope(687, `x!PUBLIC!${'y'.repeat(2000)}`));
    garbage.send('{"type": "685", "line": 1}\r\n');
    halfLine.send('z'.repeat(5000)); // never terminated: caught before it is buffered whole
    assert.ok(await big.waitClosed());
    assert.ok(await garbage.waitClosed());
    assert.ok(await halfLine.waitClosed());
    assert.equal(server.stats.dropped['oversize'], 2);
    assert.equal(server.stats.dropped['garbage'], 1);
    const got = once(b, 'privmsg');
    a.sendPrivmsg(b.nick, 'still', 'fine');
    assert.equal((await got)[0].data, 'fine');
  } finally {
    big.close();
    garbage.close();
    halfLine.close();
    await a.close();
    await b.close();
  }
});

test('server: handshake deadline, ping/pong and idle eviction', async () => {
  await using server = await startServer({
    handshakeTimeout: 150,
    pingAfterIdle: 100,
    pongTimeout: 150,
    evictAfterIdle: 600,
    sweepInterval: 20,
  });
  const silent = await RawPeer.connect(server.address.port);
  const deaf = await rawJoin(server.address.port, undefined, { features: { ping: true } });
  const plain = await rawJoin(server.address.port);
  const good = client(server);
  try {
    await good.connect();
    assert.ok(await silent.waitClosed(1000), 'no handshake: closed');
    assert.equal(server.stats.evicted['handshake_timeout'], 1);
    assert.equal(await deaf.next(1000), '{"type": 798, "line": ""}\r\n');
    assert.ok(await deaf.waitClosed(1000), 'no pong: evicted');
    assert.equal(server.stats.evicted['no_pong'], 1);
    assert.ok(await plain.waitClosed(2000), 'idle without ping support: evicted');
    assert.deepEqual(
      plain.lines.filter((l) => l.includes('798')),
      [],
      'never pinged without the feature',
    );
    assert.equal(server.stats.evicted['idle'], 1);
    assert.ok(good.connected, 'the client answers pings and stays');
    assert.ok((good.stats.sent['pong'] ?? 0) >= 1);
  } finally {
    silent.close();
    deaf.close();
    plain.close();
    await good.close();
  }
});

test('server: connections over the limit are closed at once', async () => {
  await using server = await startServer({ maxConnections: 2 });
  const a = await RawPeer.connect(server.address.port);
  const b = await RawPeer.connect(server.address.port);
  const c = await RawPeer.connect(server.address.port);
  try {
    assert.ok(await c.waitClosed());
    assert.equal(server.stats.dropped['max_connections'], 1);
    a.send(handshakeText('J5aOOOOOOOOOOOOO'));
    assert.match(await a.next(), /"accepted\\": true/);
  } finally {
    a.close();
    b.close();
    c.close();
  }
});
