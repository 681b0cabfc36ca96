// IPv6 endpoints: a small testnet on [::1], and a dual-stack [::] endpoint reaching IPv4 and IPv6 peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { Community, Endpoint, PrivateKey } from '../../src/overlay/index.js';
import { MessageIds } from '../../src/overlay/constants.js';
import { testnet } from './testnet.js';

/** False when this machine cannot bind a UDP socket on ::1 (IPv6 disabled). */
async function loopbackV6Available(): Promise<boolean> {
  const socket = createSocket('udp6');
  try {
    return await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(0, '::1', () => resolve(true));
    });
  } finally {
    socket.close();
  }
}

const skip = (await loopbackV6Available()) ? false : 'IPv6 loopback (::1) is not available on this machine';

test(
  'an IPv4 endpoint drops IPv6 destinations, an endpoint bound to ::1 drops IPv4 ones',
  { skip },
  async () => {
    await using v4 = new Endpoint({ host: '127.0.0.1' });
    await using v6 = new Endpoint({ host: '::1' });
    await v4.start();
    await v6.start();
    assert.equal(v4.canReach({ host: '::1', port: 1 }), false);
    assert.equal(v6.canReach({ host: '127.0.0.1', port: 1 }), false);
    assert.equal(v6.canReach({ host: '::1', port: 1 }), true);
    v4.send(v6.address, new Uint8Array(30));
    v6.send(v4.address, new Uint8Array(30));
    assert.deepEqual([v4.stats.dropped['unsendable'], v6.stats.dropped['unsendable']], [1, 1]);
    assert.deepEqual([v4.stats.sent, v6.stats.sent], [0, 0]);
  },
);

test(
  '12 peers on [::1] seeded with one address find each other with new-style messages',
  { skip },
  async () => {
    await using net = await testnet(12, { host: '::1' });
    await net.waitFor(() => net.minPeers() >= 6, 20_000);
    for (const { community, endpoint } of net.nodes) {
      assert.equal(endpoint.address.host, '::1');
      for (const peer of community.getPeers()) assert.equal(isIP(peer.address.host), 6);
      // Old-style messages cannot carry IPv6 addresses: nothing was sent as 246 or 245.
      assert.equal(community.stats.received[String(MessageIds.INTRODUCTION_REQUEST)], undefined);
      assert.equal(community.stats.received[String(MessageIds.INTRODUCTION_RESPONSE)], undefined);
      assert.equal(endpoint.stats.dropped['unsendable'], undefined);
    }
    assert.ok(
      net.nodes.some(
        (n) => (n.community.stats.received[String(MessageIds.NEW_INTRODUCTION_REQUEST)] ?? 0) > 0,
      ),
    );
  },
);

test(
  'a dual-stack [::] endpoint answers an IPv4 and an IPv6 peer, seeing the IPv4 one as plain IPv4',
  { skip },
  async () => {
    const communityId = randomBytes(20);
    await using hub = new Endpoint({ host: '::' });
    await hub.start();
    const center = new Community({ communityId, endpoint: hub, key: PrivateKey.generate() });
    await center.start();
    const port = hub.address.port;
    const spokes = await Promise.all(
      ['127.0.0.1', '::1'].map(async (host) => {
        const endpoint = new Endpoint({ host });
        await endpoint.start();
        // No bootstrapper (bootstrap servers are blacklisted as peers): walk to the hub directly.
        const community = new Community({ communityId, endpoint, key: PrivateKey.generate() });
        await community.start();
        community.walkTo({ host, port });
        return { endpoint, community };
      }),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 10_000;
        const poll = (): void => {
          if (center.getPeers().length >= 2 && spokes.every((s) => s.community.getPeers().length >= 1))
            resolve();
          else if (Date.now() > deadline) reject(new Error('dual-stack peers not found in 10 s'));
          else setTimeout(poll, 50);
        };
        poll();
      });
      const hosts = center
        .getPeers()
        .map((p) => p.address.host)
        .sort();
      assert.deepEqual(hosts, ['127.0.0.1', '::1']);
      // Each spoke heard back from the hub at the address (and family) it walked to.
      assert.deepEqual(
        spokes.map((s) => s.community.getPeers().map((p) => p.address)),
        [[{ host: '127.0.0.1', port }], [{ host: '::1', port }]],
      );
      // The IPv4 spoke was answered in the old style, through the mapped address.
      assert.ok((spokes[0]!.community.stats.received[String(MessageIds.INTRODUCTION_RESPONSE)] ?? 0) >= 1);
      assert.equal(hub.stats.dropped['unsendable'], undefined);
    } finally {
      for (const s of spokes) {
        await s.community.unload();
        await s.endpoint.stop();
      }
      await center.unload();
    }
  },
);
