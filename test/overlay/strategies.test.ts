// Walk strategies, churn, the bootstrapper and the network's bookkeeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddressBootstrapper,
  Community,
  Endpoint,
  UdpBroadcastBootstrapper,
  EdgeWalk,
  Network,
  Peer,
  PrivateKey,
  RandomChurn,
  RandomWalk,
  type UdpAddress,
  type Walkable,
} from '../../src/overlay/index.js';
import { BEACON_HEADER, classifyBroadcast } from '../../src/overlay/broadcast-bootstrapper.js';
import { RateLimiter } from '../../src/core/index.js';
import { introducedAddresses } from '../../src/overlay/introduced-addresses.js';
import { testnet } from './testnet.js';

const at = (port: number): UdpAddress => ({ host: '127.0.0.1', port });
const peerAt = (port: number): Peer => new Peer(PrivateKey.generate().publicKey, at(port));

/** A fake overlay that records what the strategy asked for. */
function fakeOverlay(network = new Network(), service = 'cc'): Walkable & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    network,
    getPeers: () => network.getPeersForService(service),
    getWalkableAddresses: () => network.getWalkableAddresses(service),
    walkTo: (a) => calls.push(`walk ${a.port}`),
    sendIntroductionRequest: (p) => calls.push(`ask ${p.address.port}`),
    getNewIntroduction: () => calls.push('new'),
    removePeer: (p) => {
      calls.push(`remove ${p.address.port}`);
      network.removePeer(p);
    },
  };
}

test('network: verified peers, walkable addresses by introducer and service, blacklists', () => {
  const net = new Network();
  const a = net.addVerifiedPeer(peerAt(1))!;
  net.discoverServices(a, ['cc']);
  net.discoverAddress(a, at(2), 'cc');
  net.discoverAddress(a, at(3));
  assert.deepEqual(
    net.getWalkableAddresses('cc').map((x) => x.port),
    [2, 3],
    'introducer runs cc',
  );
  assert.deepEqual(net.getWalkableAddresses('dd'), []);
  net.blacklist.add('127.0.0.1:9');
  assert.equal(net.addVerifiedPeer(peerAt(9)), undefined, 'bootstrap servers never become peers');
  const me = peerAt(4);
  net.blacklistMids.add(me.id);
  assert.equal(net.addVerifiedPeer(me), undefined);
  const b = net.addVerifiedPeer(peerAt(2))!;
  assert.deepEqual(
    net.getWalkableAddresses('cc').map((x) => x.port),
    [3],
    'verified addresses stop being walkable',
  );
  assert.deepEqual(
    net.getIntroductionsFrom(a).map((x) => x.port),
    [2, 3],
  );
  net.moveAddress(b, at(5));
  assert.equal(net.getVerifiedByAddress(at(5)), b);
  assert.equal(net.getVerifiedByAddress(at(2)), undefined);
  net.removeByAddress(at(5));
  assert.equal(net.getVerifiedById(b.id), undefined);
});

test('RandomWalk: walks to walkable addresses inside its window, forgets the silent, resets to known peers', () => {
  const net = new Network();
  const intro = net.addVerifiedPeer(peerAt(1))!;
  net.discoverServices(intro, ['cc']);
  for (let p = 10; p < 20; p++) net.discoverAddress(intro, at(p), 'cc');
  const overlay = fakeOverlay(net);
  let now = 0;
  let rolls = [255];
  const walk = new RandomWalk(overlay, {
    now: () => now,
    random: (n) => (n === 256 ? (rolls.shift() ?? 255) : 0),
  });
  for (let i = 0; i < 8; i++) walk.takeStep();
  assert.equal(overlay.calls.filter((c) => c.startsWith('walk')).length, 5, 'window of 5');
  now = 3001;
  walk.takeStep();
  assert.equal(net.getWalkableAddresses('cc').length, 5, 'the 5 silent addresses were forgotten');
  rolls = [10];
  overlay.calls.length = 0;
  walk.takeStep();
  assert.deepEqual(overlay.calls, ['new'], 'a low roll (< 50/256) asks a known peer instead');
});

test('RandomChurn: pings peers silent for 27.5 s and drops those silent for 57.5 s', () => {
  const net = new Network();
  const quiet = net.addVerifiedPeer(new Peer(PrivateKey.generate().publicKey, at(1), 0))!;
  const gone = net.addVerifiedPeer(new Peer(PrivateKey.generate().publicKey, at(2), -30_000))!;
  const fresh = net.addVerifiedPeer(new Peer(PrivateKey.generate().publicKey, at(3), 27_000))!;
  for (const p of [quiet, gone, fresh]) net.discoverServices(p, ['cc']);
  const overlay = fakeOverlay(net);
  const churn = new RandomChurn(overlay, { now: () => 28_000 });
  churn.takeStep();
  churn.takeStep();
  assert.deepEqual(overlay.calls.sort(), ['ask 1', 'remove 2'], 'one ping per interval, one drop');
});

test('AddressBootstrapper: blacklists its servers and walks to each at most once per timeout', () => {
  let now = 0;
  const b = new AddressBootstrapper({ addresses: [at(1), at(2)], bootstrapTimeoutMs: 1000, now: () => now });
  const walked: number[] = [];
  const blacklisted: number[] = [];
  const target = {
    walkTo: (a: UdpAddress) => walked.push(a.port),
    ensureBlacklisted: (a: UdpAddress) => blacklisted.push(a.port),
  };
  b.initialize(target);
  assert.deepEqual(b.getAddresses(target), []);
  b.getAddresses(target);
  now = 1001;
  b.getAddresses(target);
  assert.deepEqual(blacklisted, [1, 2]);
  assert.deepEqual(walked, [1, 2, 1, 2]);
});

test('RateLimiter: a burst, then the refill rate, and a bounded key map', () => {
  let now = 0;
  const r = new RateLimiter({ perSecond: 2, burst: 3, maxKeys: 2, now: () => now });
  assert.deepEqual(
    [1, 2, 3, 4].map(() => r.take('a')),
    [true, true, true, false],
  );
  now = 500;
  assert.equal(r.take('a'), true);
  assert.equal(r.take('a'), false);
  r.take('b');
  r.take('c'); // evicts 'a', which comes back with a full bucket
  assert.deepEqual(
    [1, 2, 3, 4].map(() => r.take('a')),
    [true, true, true, false],
  );
});

test('EdgeWalk on a loopback testnet: every peer reaches its neighbourhood and edges grow', async () => {
  const walks: EdgeWalk[] = [];
  await using net = await testnet(20, {
    community: {
      tickMs: 100,
      walkers: [
        {
          strategy: (c) => {
            const w = new EdgeWalk(c);
            walks.push(w);
            return w;
          },
          targetPeers: 20,
        },
      ],
    },
  });
  await net.waitFor(() => net.nodes.slice(1).every((n) => n.community.getPeers().length >= 6), 20_000);
  // Reaching 6 peers needs only the root phase; an edge grows past its root only through
  // introductions from the edge's last peer.
  await net.waitFor(() => walks.filter((w) => w.stats.longestEdge >= 2).length >= walks.length / 2, 20_000);
  const grown = walks.reduce((n, w) => n + w.stats.grown, 0);
  assert.ok(grown > 0, `edges grew ${grown} times`);
});

test('churn on a loopback testnet: a peer that vanished is dropped by those who knew it', async () => {
  await using net = await testnet(6, {
    community: { tickMs: 50, churn: { inactiveMs: 300, pingIntervalMs: 100, dropMs: 800 } },
  });
  await net.waitFor(() => net.nodes.slice(1).every((n) => n.community.getPeers().length >= 3), 10_000);
  const leaver = net.nodes[3]!;
  const id = leaver.community.myPeer.id;
  await net.remove(leaver);
  await net.waitFor(
    () => net.nodes.slice(1).every((n) => !n.community.getPeers().some((p) => p.id === id)),
    10_000,
  );
  // The others answer the churn pings, so they stay.
  assert.ok(net.nodes.slice(1).every((n) => n.community.getPeers().length >= 2));
});

test('churn is on by default: a community built with defaults drops a peer silent for over 57.5 s', async () => {
  await using endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const community = new Community({
    communityId: new Uint8Array(20),
    endpoint,
    key: PrivateKey.generate(),
    tickMs: 0,
  });
  await community.start();
  try {
    const silent = new Peer(
      PrivateKey.generate().publicKey,
      { host: '127.0.0.1', port: 9 },
      Date.now() - 60_000,
    );
    community.network.addVerifiedPeer(silent);
    community.network.discoverServices(silent, [community.serviceId]);
    assert.equal(community.getPeers().length, 1);
    community.tick();
    assert.equal(community.getPeers().length, 0, 'the silent peer was dropped');
    assert.equal(community.stats.peersRemoved, 1);
  } finally {
    await community.unload();
  }
});

test('broadcast bootstrapper: opt-in only; beacons and handed-off packets are told apart (nothing is sent)', () => {
  assert.throws(() => new UdpBroadcastBootstrapper({} as never), { code: 'ERR_INVALID_ARGUMENT' });
  const prefix = Uint8Array.from([0, 2, ...new Uint8Array(20).fill(7)]);
  const other = Uint8Array.from([0, 2, ...new Uint8Array(20).fill(8)]);
  assert.equal(classifyBroadcast(Uint8Array.from([...BEACON_HEADER, ...prefix]), prefix), 'beacon');
  assert.equal(classifyBroadcast(Uint8Array.from([...BEACON_HEADER, ...other]), prefix), 'foreignBeacon');
  assert.equal(classifyBroadcast(Uint8Array.from([...BEACON_HEADER, ...prefix, 1]), prefix), 'foreignBeacon');
  // Everything else goes to the endpoint, the one place that checks a packet's prefix.
  assert.equal(classifyBroadcast(Uint8Array.from([...prefix, 246]), prefix), 'datagram');
  assert.equal(classifyBroadcast(Uint8Array.from([1, 2, 3]), prefix), 'datagram');
});

test('introduced addresses follow py-ipv8: other WAN, same WAN (behind our NAT), or WAN only', () => {
  const mine = { wanHost: '198.51.100.1', lanHost: '192.168.1.2' };
  const lan = { host: '192.168.1.7', port: 7 };
  const none = { host: '0.0.0.0', port: 0 };
  assert.deepEqual(introducedAddresses(lan, { host: '203.0.113.9', port: 9 }, mine), [
    lan,
    { host: '203.0.113.9', port: 9 },
  ]);
  assert.deepEqual(introducedAddresses(none, { host: '203.0.113.9', port: 9 }, mine), [
    { host: '203.0.113.9', port: 9 },
  ]);
  assert.deepEqual(introducedAddresses(lan, { host: '198.51.100.1', port: 9 }, mine), [lan]);
  assert.deepEqual(introducedAddresses(none, { host: '198.51.100.1', port: 9 }, mine), [
    { host: '198.51.100.1', port: 9 },
    { host: '192.168.1.2', port: 9 },
  ]);
  assert.deepEqual(introducedAddresses(none, none, mine), []);
});
