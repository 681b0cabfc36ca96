import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';
import { newPeerRecord, type PeerStore } from '../../src/discovery/peer-store.js';
import { PeersReply } from '../../src/discovery/peers-reply.js';
import { bucketOf, isPublicHost } from '../../src/discovery/net-address.js';
import { isValidOnion } from '../../src/transport/index.js';

const NOW = 10_000_000_000;
const ONION = 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion';

function storeWith(add: (s: PeerStore) => void): PeerStore {
  const s = createSqlitePeerStore(openStore(':memory:'));
  add(s);
  return s;
}

function good(s: PeerStore, host: string, ip: string | null, extra: Record<string, unknown> = {}): void {
  s.put(
    newPeerRecord(host, 'peer', NOW, {
      ipAddr: ip,
      tcpPort: 50001,
      sslPort: 50002,
      protocolMax: '1.4.2',
      lastGood: NOW - 1000,
      ...extra,
    }),
  );
}

test('address classification and buckets', () => {
  assert.equal(isPublicHost('8.8.8.8'), true);
  for (const h of [
    '10.1.2.3',
    '127.0.0.1',
    '192.168.1.1',
    '203.0.113.5',
    '::1',
    'fe80::1',
    'fd00::1',
    '2001:db8::5',
    'localhost',
    'bad host!',
    '::ffff:10.0.0.1',
  ]) {
    assert.equal(isPublicHost(h), false, h);
  }
  assert.equal(isPublicHost('electrum.example.org'), true);
  assert.equal(isPublicHost('2a01:4f8::1'), true);
  assert.equal(bucketOf('x', '8.8.4.4'), '8.8.0.0/16');
  assert.equal(bucketOf('x', '2a01:4f8:1:2ff::1'), '2a01:4f8:1:200::/56');
  assert.equal(bucketOf(ONION, null), 'onion');
  assert.equal(bucketOf('x', null), '');
  assert.equal(isValidOnion(ONION), true);
  assert.equal(isValidOnion(ONION.replace('p', 'q')), false);
});

test('only fresh, not bad, public peers with a port; at most 2 per /16', () => {
  const store = storeWith((s) => {
    for (let i = 1; i <= 5; i++) good(s, `a${i}.example`, `8.8.${i}.1`); // one /16, five peers
    good(s, 'b.example', '9.9.9.9');
    good(s, 'stale.example', '11.0.0.1', { lastGood: NOW - 4 * 3600_000 });
    good(s, 'bad.example', '12.0.0.1', { badUntil: NOW + 1 });
    good(s, 'private.example', null, { host: '10.0.0.1' });
    s.put(newPeerRecord('10.0.0.2', 'peer', NOW, { ipAddr: '10.0.0.2', tcpPort: 1, lastGood: NOW }));
    good(s, 'noports.example', '13.0.0.1', { tcpPort: null, sslPort: null });
    good(s, 'never.example', '14.0.0.1', { lastGood: 0 });
    good(s, ONION, null);
  });
  const reply = new PeersReply({ store, now: () => NOW });
  for (let round = 0; round < 20; round++) {
    const hosts = reply.select().map((e) => e[1]);
    assert.equal(hosts.filter((h) => h.startsWith('a')).length, 2);
    assert.ok(hosts.includes('b.example'));
    assert.equal(hosts.length, 3, hosts.join(','));
  }
  const entry = reply.select().find((e) => e[1] === 'b.example');
  assert.deepEqual(entry, ['9.9.9.9', 'b.example', ['v1.4.2', 's50002', 't50001']]);
});

test('onion peers only with a Tor proxy: 50 for a Tor client, else max(10, n/4), never over half', () => {
  const store = storeWith((s) => {
    for (let i = 0; i < 60; i++) good(s, `o${String(i).padStart(2, '0')}${'a'.repeat(53)}.onion`, null);
    for (let i = 0; i < 30; i++) good(s, `c${i}.example`, `${30 + i}.9.9.9`);
  });
  const onions = (r: [string, string, string[]][]): number => r.filter((e) => e[1].endsWith('.onion')).length;
  assert.equal(new PeersReply({ store, now: () => NOW }).select().length, 30);
  const tor = new PeersReply({ store, now: () => NOW, hasTorProxy: () => true });
  assert.equal(tor.select(false).length, 30 + 10);
  assert.equal(
    onions(tor.select(true)),
    30,
    'a Tor client gets up to 50, but no more onions than clearnet peers',
  );
  const onion = tor.select(true).find((e) => e[1].endsWith('.onion'))!;
  assert.equal(onion[0], onion[1], 'element 0 is the host itself for onions');
  const few = storeWith((s) => {
    for (let i = 0; i < 60; i++) good(s, `o${String(i).padStart(2, '0')}${'a'.repeat(53)}.onion`, null);
    good(s, 'c.example', '9.9.9.9');
  });
  const half = new PeersReply({ store: few, now: () => NOW, hasTorProxy: () => true }).select(true);
  assert.equal(onions(half), 1, 'one clearnet peer: one onion');
});

test('without Tor a random three of the default onions are served, at most half of the reply', () => {
  const fallback = Array.from({ length: 6 }, (_, i): [string, string, string[]] => {
    const h = `f${i}${'b'.repeat(54)}.onion`;
    return [h, h, ['v1.4', 's50002']];
  });
  const store = storeWith((s) => {
    for (let i = 0; i < 10; i++) good(s, `c${i}.example`, `${30 + i}.9.9.9`);
  });
  const seen = new Set<string>();
  for (let k = 0; k < 20; k++) {
    const reply = new PeersReply({ store, now: () => NOW, fallbackOnions: fallback }).select();
    const onions = reply.filter((e) => e[1].endsWith('.onion'));
    assert.equal(onions.length, 3, 'three onions');
    for (const o of onions) seen.add(o[1]);
  }
  assert.ok(seen.size > 3, `a random three each time (saw ${seen.size})`);
  const one = storeWith((s) => good(s, 'c.example', '9.9.9.9'));
  const small = new PeersReply({ store: one, now: () => NOW, fallbackOnions: fallback }).select();
  assert.equal(small.length, 2, 'one clearnet peer, one onion');
  const torProxy = new PeersReply({
    store,
    now: () => NOW,
    fallbackOnions: fallback,
    hasTorProxy: () => true,
  });
  assert.equal(
    torProxy.select().filter((e) => e[1].endsWith('.onion')).length,
    0,
    'with Tor only verified onions',
  );
});

test('an overall cap; a private network admits loopback with a bucket per host', () => {
  const store = storeWith((s) => {
    for (let i = 0; i < 300; i++) good(s, `h${i}.example`, `${20 + (i % 200)}.${i}.0.1`);
    for (let i = 0; i < 5; i++) good(s, `127.0.0.${i + 2}`, `127.0.0.${i + 2}`);
  });
  const capped = new PeersReply({ store, now: () => NOW }).select();
  assert.equal(capped.length, 200);
  assert.equal(new Set(capped.map((e) => e[1])).size, 200, 'no peer twice');
  assert.equal(new PeersReply({ store, now: () => NOW, maxPeers: 17 }).select().length, 17);
  const priv = new PeersReply({ store, now: () => NOW, privateNetwork: true, maxPeers: 1000 });
  assert.equal(priv.select().filter((e) => e[1].startsWith('127.')).length, 5);
  const excluded = new PeersReply({
    store,
    now: () => NOW,
    privateNetwork: true,
    maxPeers: 1000,
    exclude: ['127.0.0.2'],
  });
  assert.equal(excluded.select().filter((e) => e[1].startsWith('127.')).length, 4);
});

test('the candidate cache follows store writes', () => {
  const store = storeWith(() => {});
  let now = NOW;
  const reply = new PeersReply({ store, now: () => now });
  assert.equal(reply.select().length, 0);
  good(store, 'late.example', '9.9.9.9');
  assert.equal(reply.select().length, 0, 'rebuilt at most once per cacheMs');
  now += 10_000;
  assert.equal(reply.select().length, 1);
  const quiet = new PeersReply({ store, now: () => now, cacheMs: 0 });
  assert.equal(quiet.select().length, 1);
  good(store, 'later.example', '8.8.8.8');
  assert.equal(quiet.select().length, 2);
});

test('a public name reached at a loopback or private address is never reported on a public network', () => {
  const store = storeWith((s) => {
    good(s, 'fine.example.com', '8.8.8.8');
    good(s, 'loop.example.com', '127.0.0.1');
    good(s, 'lan.example.org', '192.168.1.7');
  });
  const hosts = new PeersReply({ store, now: () => NOW }).select().map((t) => t[1]);
  assert.deepEqual(hosts, ['fine.example.com']);
  const mine = new PeersReply({ store, now: () => NOW, privateNetwork: true }).select().map((t) => t[1]);
  assert.equal(mine.length, 3, 'allowed on a private network');
});
