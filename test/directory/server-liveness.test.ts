import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { rawJoin, startServer, until } from './net.js';

const fast = { pingAfterIdle: 100, pongTimeout: 150, sweepInterval: 20, orderbookProbeInterval: 250 };

test('server: idle makers without ping get a unicast !orderbook from the directory, takers nothing', async () => {
  await using server = await startServer(fast);
  const makerNick = NickIdentity.generate().nick;
  const maker = await rawJoin(server.address.port, makerNick, { location: '127.0.0.1:45001' });
  const taker = await rawJoin(server.address.port);
  try {
    const probe = `{"type": 687, "line": "${server.nick}!PUBLIC!orderbook"}\r\n`;
    assert.equal(await maker.next(1000), probe);
    // Unanswered probes are repeated at their interval and never cost the maker its connection;
    // the taker gets nothing meanwhile.
    const first = Date.now();
    const [second, takerLines] = await Promise.all([maker.next(1000), taker.quiet(200)]);
    assert.equal(second, probe);
    assert.ok(Date.now() - first >= fast.orderbookProbeInterval - 60, 'probes are spaced');
    assert.deepEqual(takerLines, []);
    assert.equal(maker.closed, false);
    assert.equal(taker.closed, false);
    // An answer (any message; a maker's offer goes to the directory's nick) counts as life.
    maker.send(encodeEnvelope(685, `${makerNick}!${server.nick}!sw0reloffer 0 1 2 3 4`));
    await until(() => server.peerInfo(makerNick)!.probeSentAt === 0, 1000, 'liveness refresh');
    assert.ok(Date.now() - server.peerInfo(makerNick)!.lastSeen < fast.orderbookProbeInterval);
    assert.equal(server.stats.dropped['to_directory'], 1);
    assert.equal(server.stats.orderbookProbes >= 2, true);
  } finally {
    for (const r of [maker, taker]) r.close();
  }
});

test('server: a maker that speaks ping is pinged, not probed, and evicted when silent', async () => {
  await using server = await startServer(fast);
  const pinger = await rawJoin(server.address.port, undefined, {
    features: { ping: true },
    location: '127.0.0.1:45003',
  });
  try {
    assert.equal(await pinger.next(1000), '{"type": 798, "line": ""}\r\n');
    assert.ok(await pinger.waitClosed(1000));
    assert.equal(server.stats.evicted['no_pong'], 1);
    assert.equal(server.stats.orderbookProbes, 0);
  } finally {
    pinger.close();
  }
});

test('server: orderbookProbeInterval 0 turns the probe off', async () => {
  await using server = await startServer({ ...fast, orderbookProbeInterval: 0 });
  const maker = await rawJoin(server.address.port, undefined, { location: '127.0.0.1:45002' });
  try {
    assert.deepEqual(await maker.quiet(400), []);
    assert.equal(server.stats.orderbookProbes, 0);
  } finally {
    maker.close();
  }
});
