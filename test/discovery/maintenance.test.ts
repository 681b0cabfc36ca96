import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';
import { newPeerRecord, type PeerStore } from '../../src/discovery/peer-store.js';
import { Maintenance } from '../../src/discovery/maintenance.js';
import { parseFeatures } from '../../src/discovery/features.js';
import type { VerifyOutcome } from '../../src/discovery/verify-peer.js';
import type { PeerEntry } from '../../src/discovery/peer-entry.js';

const H = 3600_000;

function setup(): { store: PeerStore; clock: { now: number }; m: Maintenance } {
  const store = createSqlitePeerStore(openStore(':memory:'));
  const clock = { now: 1_000 * H };
  const m = new Maintenance({
    store,
    verify: () => Promise.reject(new Error('not used')),
    now: () => clock.now,
    random: () => 0,
  });
  return { store, clock, m };
}

function goodOutcome(host: string, peers: PeerEntry[] = [], ip = '8.8.8.8'): VerifyOutcome {
  return {
    status: 'good',
    target: { host, port: 50001, transport: 'tcp' },
    ipAddr: ip,
    features: parseFeatures({
      hosts: { [host]: { tcp_port: 50001, ssl_port: 50002 } },
      protocol_max: '1.4.2',
      x: 1,
    })!,
    peers,
  };
}

const entry = (host: string): PeerEntry => ({
  ip: host,
  host,
  version: '1.4.2',
  pruning: null,
  sslPort: null,
  tcpPort: 50001,
});

test('a good check records the peer, re-checks after 2 h 50 min and learns at most 2 new peers', () => {
  const { store, clock, m } = setup();
  store.put(newPeerRecord('a.example', 'seed', clock.now, { tryCount: 2 }));
  store.put(newPeerRecord('8.8.8.8', 'peer:x', clock.now));
  m.apply(
    'a.example',
    goodOutcome('a.example', [
      entry('b.example'),
      entry('c.example'),
      entry('d.example'),
      entry('a.example'),
      entry('10.0.0.1'),
    ]),
  );
  const a = store.get('a.example')!;
  assert.equal(a.lastGood, clock.now);
  assert.equal(a.tryCount, 0);
  assert.equal(a.source, 'peer');
  assert.equal(a.sslPort, 50002);
  assert.equal(a.features.x, 1);
  assert.equal(a.nextCheck - clock.now, 2 * H + 50 * 60_000);
  assert.equal(store.get('8.8.8.8'), undefined, 'IP-literal duplicate removed');
  const learned = store
    .all()
    .filter((p) => p.source === 'peer:a.example')
    .map((p) => p.host);
  assert.equal(learned.length, 2);
  assert.ok(!learned.includes('10.0.0.1'), 'non-public hosts are not taken');
});

test('failures back off 300·2^n s; a never-good peer is forgotten after 3', () => {
  const { store, clock, m } = setup();
  store.put(newPeerRecord('n.example', 'seed', clock.now));
  const fail: VerifyOutcome = { status: 'unreachable', reason: 'x' };
  m.apply('n.example', fail);
  assert.equal(store.get('n.example')!.nextCheck - clock.now, 600_000);
  m.apply('n.example', fail);
  assert.equal(store.get('n.example')!.nextCheck - clock.now, 1_200_000);
  m.apply('n.example', fail);
  assert.equal(store.get('n.example'), undefined);
});

test('a once-good peer survives 9 failures and is forgotten at the 10th', () => {
  const { store, clock, m } = setup();
  store.put(newPeerRecord('g.example', 'seed', clock.now, { lastGood: clock.now }));
  for (let i = 1; i <= 9; i++) {
    m.apply('g.example', { status: 'unreachable', reason: 'x' });
    assert.equal(store.get('g.example')!.tryCount, i);
  }
  m.apply('g.example', { status: 'unreachable', reason: 'x' });
  assert.equal(store.get('g.example'), undefined);
});

test('bad peers wait out an expiry; peers not good for 14 days are forgotten', () => {
  const { store, clock, m } = setup();
  store.put(newPeerRecord('b.example', 'seed', clock.now, { lastGood: clock.now - H }));
  m.apply('b.example', { status: 'bad', reason: 'genesis' });
  const b = store.get('b.example')!;
  assert.equal(b.badUntil, clock.now + 24 * H);
  assert.equal(b.nextCheck, b.badUntil);
  store.put(newPeerRecord('old.example', 'seed', clock.now, { lastGood: clock.now - 15 * 24 * H }));
  m.apply('old.example', { status: 'unreachable', reason: 'x' });
  assert.equal(store.get('old.example'), undefined);
  clock.now += 25 * H;
  m.apply('b.example', goodOutcome('b.example'));
  assert.equal(store.get('b.example')!.badUntil, 0, 'a good check clears bad');
});

test('the loop runs due peers with bounded concurrency and stops cleanly', async () => {
  const store = createSqlitePeerStore(openStore(':memory:'));
  for (let i = 0; i < 12; i++) store.put(newPeerRecord(`p${i}.example`, 'seed', Date.now()));
  let running = 0;
  let peak = 0;
  let done = 0;
  const m = new Maintenance({
    store,
    concurrency: 3,
    schedule: { tickMs: 20 },
    verify: async (r, signal) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((res) => setTimeout(res, 10));
      running--;
      done++;
      signal.throwIfAborted();
      return goodOutcome(r.host, [], `9.9.${r.host.slice(1, -8)}.1`);
    },
  });
  await m.start();
  while (done < 12) await new Promise((r) => setTimeout(r, 10));
  await m.stop();
  await m.stop();
  assert.equal(peak, 3);
  assert.equal(store.all().filter((p) => p.lastGood > 0).length, 12);
});

test('a second name at the address of a recently good peer is dropped (ElectrumX internal bucket)', () => {
  const { store, clock, m } = setup();
  store.put(
    newPeerRecord('first.example', 'peer', clock.now, { ipAddr: '8.8.8.8', lastGood: clock.now - H }),
  );
  store.put(newPeerRecord('alias.example', 'peer', clock.now));
  m.apply('alias.example', goodOutcome('alias.example'));
  assert.equal(store.get('alias.example'), undefined);
  assert.equal(m.stats.sybil, 1);
  m.apply('first.example', goodOutcome('first.example'));
  assert.ok(store.get('first.example')!.lastGood === clock.now, 'the peer itself is not its own sybil');
});
