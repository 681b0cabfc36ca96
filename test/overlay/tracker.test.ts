// The tracker over real UDP on 127.0.0.1: peers of two communities bootstrap through it (by
// address and by DNS name), it never becomes a peer, and a flood beside them does not stop it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  AddressBootstrapper,
  Community,
  DnsBootstrapper,
  Endpoint,
  PrivateKey,
  Tracker,
  type Bootstrapper,
} from '../../src/overlay/index.js';

const until = async (cond: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

interface Node {
  endpoint: Endpoint;
  community: Community;
}

async function peer(communityId: Uint8Array, bootstrapper: Bootstrapper): Promise<Node> {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const community = new Community({
    communityId,
    endpoint,
    key: PrivateKey.generate(),
    tickMs: 100,
    bootstrappers: [bootstrapper],
  });
  await community.start();
  return { endpoint, community };
}

async function closeAll(nodes: Node[]): Promise<void> {
  for (const n of nodes) {
    await n.community.unload();
    await n.endpoint.stop();
  }
}

test('peers of two communities bootstrap through the tracker; it is never a peer and keeps communities apart', async () => {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const tracker = new Tracker({ endpoint });
  await tracker.start();
  const x = randomBytes(20);
  const y = randomBytes(20);
  const boot = (): AddressBootstrapper => new AddressBootstrapper({ addresses: [endpoint.address] });
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < 4; i++) nodes.push(await peer(x, boot()));
    for (let i = 0; i < 3; i++) nodes.push(await peer(y, boot()));
    const xs = nodes.slice(0, 4);
    const ys = nodes.slice(4);
    await until(
      () =>
        xs.every((n) => n.community.getPeers().length === 3) &&
        ys.every((n) => n.community.getPeers().length === 2),
    );
    const xIds = new Set(xs.map((n) => n.community.myPeer.id));
    for (const n of xs)
      assert.ok(
        n.community.getPeers().every((p) => xIds.has(p.id)),
        'only X peers in X',
      );
    for (const n of nodes) {
      assert.ok(
        n.community.getPeers().every((p) => p.id !== tracker.key.publicKey.id),
        'the tracker is never a peer',
      );
    }
    assert.equal(tracker.peersOf(Buffer.from(x).toString('hex')).length, 4);
    assert.equal(tracker.peersOf(Buffer.from(y).toString('hex')).length, 3);
    assert.ok(tracker.stats.introduced >= 1, 'the tracker introduced peers');
  } finally {
    await closeAll(nodes);
    await tracker.stop();
    await endpoint.stop();
  }
});

test('a DnsBootstrapper resolves a name, blacklists what it found and walks to it', async () => {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const tracker = new Tracker({ endpoint });
  await tracker.start();
  const cid = randomBytes(20);
  const asked: string[] = [];
  const resolve = async (host: string): Promise<string[]> => {
    asked.push(host);
    return Promise.resolve(host === 'tracker.test' ? ['127.0.0.1', 'not-an-ip'] : []);
  };
  const nodes: Node[] = [];
  try {
    const name = { host: 'tracker.test', port: endpoint.address.port };
    for (let i = 0; i < 2; i++) nodes.push(await peer(cid, new DnsBootstrapper({ names: [name], resolve })));
    await until(() => nodes.every((n) => n.community.getPeers().length === 1));
    assert.ok(asked.includes('tracker.test'), 'the name was resolved');
    assert.ok(nodes[0]!.community.network.blacklist.has(`127.0.0.1:${endpoint.address.port}`), 'blacklisted');
    // The system resolver answers for localhost.
    const real = new DnsBootstrapper({ names: [{ host: 'localhost', port: endpoint.address.port }] });
    const walked: string[] = [];
    real.initialize({ walkTo: (a) => walked.push(a.host), ensureBlacklisted: () => {} });
    await until(() => walked.length > 0, 10_000);
    assert.ok(
      walked.some((h) => h === '127.0.0.1' || h === '::1'),
      `localhost resolved to ${walked.join(',')}`,
    );
    real.unload();
  } finally {
    await closeAll(nodes);
    await tracker.stop();
    await endpoint.stop();
  }
});

test('under a flood of garbage, forged answers and replayed requests the tracker still serves honest peers', async () => {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const tracker = new Tracker({ endpoint, maxCommunities: 50 });
  await tracker.start();
  const attacker = dgram.createSocket('udp4');
  attacker.bind(0, '127.0.0.1');
  await once(attacker, 'listening');
  const nodes: Node[] = [];
  let flooding = true;
  try {
    const probeEndpoint = new Endpoint({ host: '127.0.0.1' });
    await probeEndpoint.start();
    const replay: Uint8Array[] = [];
    for (let i = 0; i < 60; i++) {
      const c = new Community({
        communityId: randomBytes(20),
        endpoint: probeEndpoint,
        key: PrivateKey.generate(),
        tickMs: 0,
      });
      replay.push(c.createIntroductionRequest(endpoint.address));
    }
    await probeEndpoint.stop();
    const garbage = [
      randomBytes(10),
      Buffer.concat([Buffer.from([0, 2]), randomBytes(20), Buffer.from([246]), randomBytes(100)]),
      Buffer.concat([Buffer.from([0, 2]), randomBytes(20), Buffer.from([245]), randomBytes(200)]),
      Buffer.concat([Buffer.from([9, 9]), randomBytes(40)]),
    ];
    const flood = async (): Promise<void> => {
      let i = 0;
      while (flooding) {
        attacker.send(garbage[i % garbage.length]!, endpoint.address.port, '127.0.0.1');
        attacker.send(replay[i % replay.length]!, endpoint.address.port, '127.0.0.1');
        i++;
        if (i % 50 === 0) await new Promise((r) => setImmediate(r));
      }
    };
    const flooded = flood();
    const cid = randomBytes(20);
    for (let i = 0; i < 3; i++) {
      nodes.push(await peer(cid, new AddressBootstrapper({ addresses: [endpoint.address] })));
    }
    await until(() => nodes.every((n) => n.community.getPeers().length === 2), 20_000);
    flooding = false;
    await flooded;
    assert.ok(tracker.communityCount <= 50, `${tracker.communityCount} communities remembered`);
    assert.ok((tracker.stats.dropped.rateLimited ?? 0) > 0, 'the replays were rate limited');
    const decodeDrops =
      (tracker.stats.dropped.ERR_OVERLAY_DECODE ?? 0) + (tracker.stats.dropped.ERR_OVERLAY_BAD_KEY ?? 0);
    assert.ok(
      decodeDrops + (tracker.stats.dropped.unsolicited ?? 0) > 0,
      JSON.stringify(tracker.stats.dropped),
    );
  } finally {
    flooding = false;
    attacker.close();
    await closeAll(nodes);
    await tracker.stop();
    await endpoint.stop();
  }
});

test('silent peers are pinged in their community and forgotten; a peer that answers stays', async () => {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  let clock = 1_000_000;
  const tracker = new Tracker({ endpoint, tickMs: 0, now: () => clock });
  await tracker.start();
  const cid = randomBytes(20);
  const nodes: Node[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      nodes.push(await peer(cid, new AddressBootstrapper({ addresses: [endpoint.address] })));
    }
    const service = Buffer.from(cid).toString('hex');
    await until(() => tracker.peersOf(service).length === 2);
    // Stop node 1 (silent from now on); node 0 keeps answering pings.
    const gone = nodes.pop()!;
    await closeAll([gone]);
    clock += 30_000;
    tracker.tick(); // pings both
    await until(() => (nodes[0]!.community.stats.received['246'] ?? 0) >= 1);
    await new Promise((r) => setTimeout(r, 200));
    clock += 30_000;
    tracker.tick();
    const left = tracker.peersOf(service).map((p) => p.id);
    assert.deepEqual(
      left,
      [nodes[0]!.community.myPeer.id],
      'the silent peer is forgotten, the live one kept',
    );
  } finally {
    await closeAll(nodes);
    await tracker.stop();
    await endpoint.stop();
  }
});
