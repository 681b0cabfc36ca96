// DiscoveryCommunity over real UDP on 127.0.0.1: similarity exchange, ping/pong, forged pongs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  Community,
  DiscoveryCommunity,
  DISCOVERY_COMMUNITY_ID,
  Endpoint,
  Network,
  PingPayload,
  PongPayload,
  PrivateKey,
  SimilarityResponsePayload,
} from '../../src/overlay/index.js';
import { encodeMessage } from '../../src/overlay/messages.js';

interface Node {
  endpoint: Endpoint;
  app: Community;
  discovery: DiscoveryCommunity;
}

async function node(appId: Uint8Array): Promise<Node> {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const key = PrivateKey.generate();
  const network = new Network();
  const app = new Community({ communityId: appId, endpoint, key, network, tickMs: 0 });
  const discovery = new DiscoveryCommunity({ endpoint, key, network, tickMs: 0, overlays: [app] });
  await app.start();
  await discovery.start();
  return { endpoint, app, discovery };
}

async function close(...nodes: Node[]): Promise<void> {
  for (const n of nodes) {
    await n.discovery.unload();
    await n.app.unload();
    await n.endpoint.stop();
  }
}

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('a walk in DiscoveryCommunity tells each side which communities the other runs', async () => {
  const appId = randomBytes(20);
  const a = await node(appId);
  const b = await node(appId);
  try {
    assert.equal(
      Buffer.from(a.discovery.communityId).toString('hex'),
      '7e313685c1912a141279f8248fc8db5899c5df5a',
    );
    b.discovery.walkTo(a.endpoint.address);
    // B's response callback sends a similarity request; A answers with its communities.
    await until(() => b.app.getPeers().length === 1 && a.app.getPeers().length === 1);
    assert.equal(b.app.getPeers()[0]!.id, a.app.myPeer.id, 'B learned that A runs the app community');
    assert.equal(a.app.getPeers()[0]!.id, b.app.myPeer.id, 'A learned it from the request');
    assert.ok((a.discovery.stats.received['1'] ?? 0) >= 1, 'similarity request received');
    assert.ok((b.discovery.stats.received['2'] ?? 0) >= 1, 'similarity response received');
  } finally {
    await close(a, b);
  }
});

test('ping and pong measure a round trip; a pong from elsewhere or for no ping counts for nothing', async () => {
  const appId = randomBytes(20);
  const a = await node(appId);
  const b = await node(appId);
  const forger = dgram.createSocket('udp4');
  forger.bind(0, '127.0.0.1');
  await once(forger, 'listening');
  try {
    b.discovery.walkTo(a.endpoint.address);
    await until(() => b.discovery.getPeers().length === 1);
    const peerA = b.discovery.getPeers()[0]!;
    // A forged pong for every identifier from another address arrives before the real pong.
    b.discovery.sendPing(peerA);
    const prefix = b.discovery.getPrefix();
    for (let id = 0; id < 64; id++) {
      const pong = encodeMessage(prefix, PongPayload, { identifier: id }, { globalTime: 1n });
      forger.send(pong, b.endpoint.address.port, '127.0.0.1');
    }
    await until(() => (b.discovery.pings.get(peerA.id)?.length ?? 0) === 1);
    assert.ok((a.discovery.stats.received['3'] ?? 0) >= 1, 'A got the ping');
    assert.ok(b.discovery.requestCache.size === 0, 'the ping cache was popped');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(b.discovery.pings.get(peerA.id)?.length, 1, 'forged pongs measured nothing');
  } finally {
    forger.close();
    await close(a, b);
  }
});

test('a similarity response with a huge preference list is bounded; an unsolicited one from a stranger respects maxPeers', async () => {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const discovery = new DiscoveryCommunity({ endpoint, key: PrivateKey.generate(), tickMs: 0, maxPeers: 1 });
  await discovery.start();
  const sock = dgram.createSocket('udp4');
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  try {
    const prefix = Uint8Array.from([0, 2, ...DISCOVERY_COMMUNITY_ID]);
    const send = (key: PrivateKey, ids: Uint8Array[]): void => {
      const packet = encodeMessage(
        prefix,
        SimilarityResponsePayload,
        { identifier: 1, preferenceList: ids, tbOverlap: new Uint8Array(0) },
        { key, globalTime: 1n },
      );
      sock.send(packet, endpoint.address.port, '127.0.0.1');
    };
    const ids: Uint8Array[] = Array.from({ length: 1000 }, () => Uint8Array.from(randomBytes(20)));
    ids[0] = DISCOVERY_COMMUNITY_ID;
    send(PrivateKey.generate(), ids);
    await until(() => discovery.getPeers().length === 1);
    const peer = discovery.getPeers()[0]!;
    const services = ids
      .slice(0, 300)
      .filter((id) => discovery.network.hasService(peer, Buffer.from(id).toString('hex')));
    assert.ok(services.length <= 256, `${services.length} services recorded`);
    // Full now: a second stranger is not taken on.
    send(PrivateKey.generate(), [DISCOVERY_COMMUNITY_ID]);
    await until(() => (discovery.stats.received['2'] ?? 0) === 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(discovery.getPeers().length, 1, 'maxPeers holds');
  } finally {
    sock.close();
    await discovery.unload();
    await endpoint.stop();
  }
});

test('pings from one source are answered only up to the per-source rate; another source is still answered', async () => {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const discovery = new DiscoveryCommunity({ endpoint, key: PrivateKey.generate(), tickMs: 0 });
  await discovery.start();
  const attacker = dgram.createSocket('udp4');
  const honest = dgram.createSocket('udp4');
  for (const s of [attacker, honest]) {
    s.bind(0, '127.0.0.1');
    await once(s, 'listening');
  }
  const pongs = { attacker: 0, honest: 0 };
  attacker.on('message', () => pongs.attacker++);
  honest.on('message', () => pongs.honest++);
  try {
    const ping = discovery.ezPack(PingPayload, { identifier: 7 }, { signed: false, globalTime: 1n });
    for (let i = 0; i < 200; i++) attacker.send(ping, endpoint.address.port, '127.0.0.1');
    await until(() => endpoint.stats.received >= 200);
    honest.send(ping, endpoint.address.port, '127.0.0.1');
    await until(() => pongs.honest === 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(pongs.attacker >= 1 && pongs.attacker <= 80, `${pongs.attacker} pongs to the flooder`);
    assert.ok((discovery.stats.dropped.rateLimited ?? 0) >= 120, 'the rest were counted');
  } finally {
    attacker.close();
    honest.close();
    await discovery.unload();
    await endpoint.stop();
  }
});
