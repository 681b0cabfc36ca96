// Introduction requests verified on a worker thread (`verifyThread`): the verdicts, the order, the
// bounded queue, and the hostile-peer budgets, over real UDP sockets on loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { Community, Endpoint, PrivateKey, type Peer, type UdpAddress } from '../../src/overlay/index.js';
import { IntroductionRequestPayload } from '../../src/overlay/discovery-payloads.js';
import { peekSignedPayload } from '../../src/overlay/messages.js';
import { MessageIds, MSG_ID_OFFSET } from '../../src/overlay/constants.js';
import { libsodiumEd25519 } from '../../src/overlay/ed25519.js';
import type { IntroRequest } from '../../src/overlay/introduction-exchange.js';
import { VerifyPool } from '../../src/overlay/verify-pool.js';

const sodium = libsodiumEd25519();
const skip = sodium === undefined ? 'the libsodium binding does not load here' : false;
const unlimited = { perSecond: 1e9, burst: 1e9 };

/** A community that records the identifiers of the requests it handled, in order. */
class Recording extends Community {
  /** Requester host and identifier, in the order handled. */
  readonly handled: Array<[string, number]> = [];
  override onIntroductionRequest(peer: Peer, dist: bigint, payload: IntroRequest, newStyle = false): void {
    this.handled.push([peer.address.host, payload.identifier]);
    super.onIntroductionRequest(peer, dist, payload, newStyle);
  }
}

async function server(
  extra: Partial<ConstructorParameters<typeof Community>[0]> = {},
): Promise<{ community: Recording; endpoint: Endpoint; cid: Uint8Array }> {
  const cid = extra.communityId ?? randomBytes(20);
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const community = new Recording({
    communityId: cid,
    endpoint,
    key: PrivateKey.generate(),
    tickMs: 0,
    maxPeers: -1,
    verifyThread: true,
    ...extra,
  });
  await community.start();
  return { community, endpoint, cid };
}

/** A plain UDP socket standing for one peer, with its own key and the responses it got. */
async function client(cid: Uint8Array, to: UdpAddress, host = '127.0.0.1') {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, host);
  await once(socket, 'listening');
  const builder = new Community({
    communityId: cid,
    endpoint: new Endpoint(),
    key: PrivateKey.generate(),
    tickMs: 0,
  });
  const responses: number[] = [];
  socket.on('message', (m) => {
    if (m[MSG_ID_OFFSET] === MessageIds.INTRODUCTION_RESPONSE) responses.push(m.length);
  });
  return {
    socket,
    responses,
    request(): { packet: Uint8Array; identifier: number } {
      const packet = builder.createIntroductionRequest(to);
      return { packet, identifier: peekSignedPayload(packet, IntroductionRequestPayload).identifier };
    },
    send(packet: Uint8Array): void {
      socket.send(packet, to.port, to.host);
    },
  };
}

async function until(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test(
  'the verification thread returns libsodium verdicts in order, and refuses past its queue',
  { skip },
  async () => {
    const pool = VerifyPool.create(4);
    assert.ok(pool !== undefined, 'a pool starts where libsodium loads');
    try {
      const signer = sodium!.signer(randomBytes(32));
      const messages = Array.from({ length: 4 }, (_, i) => randomBytes(100 + i));
      const signatures = messages.map((m) => signer.sign(m));
      // The third is signed over another message: invalid.
      signatures[2] = signer.sign(randomBytes(50));
      const verdicts: Array<[number, boolean]> = [];
      const accepted = messages.map((m, i) =>
        pool.submit(signer.publicKey, signatures[i]!, m, (ok) => verdicts.push([i, ok])),
      );
      assert.deepEqual(accepted, [true, true, true, true], 'four fit');
      assert.equal(
        pool.submit(signer.publicKey, signatures[0]!, messages[0]!, () =>
          assert.fail('a refused item is never answered'),
        ),
        false,
        'the fifth is refused: the queue holds four',
      );
      await until('four verdicts', () => verdicts.length === 4);
      assert.deepEqual(verdicts, [
        [0, true],
        [1, true],
        [2, false],
        [3, true],
      ]);
      assert.equal(pool.pending, 0, 'nothing waits');
    } finally {
      await pool.close();
    }
    assert.equal(pool.alive, false, 'closed');
  },
);

test('requests verified on the thread are answered, in the order each peer sent them', { skip }, async () => {
  const { community, endpoint, cid } = await server({
    rateLimits: { perSource: unlimited, perTarget: unlimited },
  });
  const peer = await client(cid, endpoint.address);
  const pool = VerifyPool.acquire()!;
  const checked = pool.checked;
  try {
    const sent = Array.from({ length: 60 }, () => peer.request());
    for (const r of sent) peer.send(r.packet);
    await until('60 answers', () => peer.responses.length === 60);
    assert.deepEqual(
      community.handled.map(([, id]) => id),
      sent.map((r) => r.identifier),
      'handled in the order sent',
    );
    assert.equal(community.getPeers().length, 1, 'the requester was taken on');
    assert.equal(pool.checked - checked, 60, 'every signature was checked on the thread');
  } finally {
    await pool.release();
    peer.socket.close();
    await community.unload();
    await endpoint.stop();
  }
});

test(
  'a forged signature is dropped after the thread checks it, and a healthy peer beside it is answered',
  { skip },
  async () => {
    const { community, endpoint, cid } = await server({
      rateLimits: { perSource: unlimited, perTarget: unlimited },
    });
    const attacker = await client(cid, endpoint.address);
    const healthy = await client(cid, endpoint.address, '127.0.0.2');
    const pool = VerifyPool.acquire()!;
    const checked = pool.checked;
    try {
      for (let i = 0; i < 50; i++) {
        const forged = Buffer.from(attacker.request().packet);
        forged[forged.length - 1]! ^= 1;
        attacker.send(forged);
        if (i % 10 === 0) healthy.send(healthy.request().packet);
      }
      await until('the healthy peer answered', () => healthy.responses.length === 5);
      await until('50 forgeries counted', () => community.stats.dropped['ERR_OVERLAY_BAD_SIGNATURE'] === 50);
      assert.equal(attacker.responses.length, 0, 'no forged request is answered');
      assert.deepEqual(
        community.getPeers().map((p) => p.address.host),
        ['127.0.0.2'],
        'only the healthy peer is taken on',
      );
      assert.equal(pool.checked - checked, 55, 'all 55 checked on the thread');
    } finally {
      await pool.release();
      attacker.socket.close();
      healthy.socket.close();
      await community.unload();
      await endpoint.stop();
    }
  },
);

test(
  'the per-source verification budget holds on the thread path; the healthy peer still gets through',
  { skip },
  async () => {
    const { community, endpoint, cid } = await server({
      rateLimits: {
        perSource: unlimited,
        perTarget: unlimited,
        verify: { packetsPerSecond: 5, cpuMsPerSecond: 1000 },
      },
    });
    const flood = await client(cid, endpoint.address);
    const healthy = await client(cid, endpoint.address, '127.0.0.2');
    try {
      const packets = Array.from({ length: 100 }, () => flood.request().packet);
      for (const p of packets) flood.send(p);
      healthy.send(healthy.request().packet);
      await until('the healthy peer answered', () => healthy.responses.length === 1);
      await until('the flood counted', () => (community.stats.dropped['ERR_OVERLAY_OVER_BUDGET'] ?? 0) >= 80);
      await new Promise((r) => setTimeout(r, 200));
      // The burst is five, and the clock refills five a second while the flood arrives.
      assert.ok(
        flood.responses.length <= 15,
        `at most about the budget answered (got ${flood.responses.length})`,
      );
      assert.ok(flood.responses.length >= 5, `the budget itself is answered (got ${flood.responses.length})`);
    } finally {
      flood.socket.close();
      healthy.socket.close();
      await community.unload();
      await endpoint.stop();
    }
  },
);

test('communities share one verification thread, and the last to stop ends it', { skip }, async () => {
  const a = await server();
  const b = await server({ communityId: a.cid });
  const pool = VerifyPool.acquire();
  assert.ok(pool !== undefined, 'the shared pool');
  try {
    // Both communities walk to each other: each verifies the other's request on the shared thread.
    a.community.walkTo(b.endpoint.address);
    b.community.walkTo(a.endpoint.address);
    await until(
      'both know each other',
      () => a.community.getPeers().length === 1 && b.community.getPeers().length === 1,
    );
    await a.community.unload();
    assert.equal(pool.alive, true, 'b and this test still hold it');
    await b.community.unload();
    assert.equal(pool.alive, true, 'this test still holds it');
  } finally {
    await pool.release();
    await a.endpoint.stop();
    await b.endpoint.stop();
  }
  assert.equal(pool.alive, false, 'the last release stopped the thread');
});

test(
  'past a full verification queue a sender with requests waiting is dropped, one without is checked here',
  { skip },
  async () => {
    const { community, endpoint, cid } = await server({
      rateLimits: {
        perSource: unlimited,
        perTarget: unlimited,
        verify: { packetsPerSecond: 1e9, cpuMsPerSecond: 1e9 },
      },
    });
    const a = await client(cid, endpoint.address);
    const b = await client(cid, endpoint.address, '127.0.0.2');
    const late = await client(cid, endpoint.address, '127.0.0.3');
    const pool = VerifyPool.acquire()!;
    try {
      // The shared thread is first given 1,000 checks of 16 KiB messages (about 0.1 s of work), so
      // the queue is nearly full when 600 requests arrive in one burst.
      const signer = sodium!.signer(randomBytes(32));
      const big = randomBytes(16 * 1024);
      const signature = signer.sign(big);
      for (let i = 0; i < 1000; i++) pool.submit(signer.publicKey, signature, big, () => {});
      const sentA = Array.from({ length: 300 }, () => a.request());
      const sentB = Array.from({ length: 300 }, () => b.request());
      for (let i = 0; i < 300; i++) {
        a.send(sentA[i]!.packet);
        b.send(sentB[i]!.packet);
      }
      late.send(late.request().packet);
      const dropped = (): number => community.stats.dropped['verifyQueueFull'] ?? 0;
      // Counted here: the clients' sockets may drop some of the answers arriving at once.
      const total = (): number => community.handled.length + dropped();
      await until('every request handled or dropped', () => total() === 601, 30_000).catch((err: unknown) =>
        assert.fail(
          `${String(err)}: handled ${community.handled.length}, ` +
            `dropped ${JSON.stringify(community.stats.dropped)}, received ${JSON.stringify(community.stats.received)}`,
        ),
      );
      assert.ok(dropped() > 0, `the queue filled and requests were dropped (${dropped()})`);
      assert.equal(
        community.handled.filter(([h]) => h === '127.0.0.3').length,
        1,
        'the sender with nothing waiting is answered',
      );
      // Each sender's requests were handled in the order it sent them, once each.
      for (const [host, sent] of [
        ['127.0.0.1', sentA],
        ['127.0.0.2', sentB],
      ] as const) {
        const handled = community.handled.filter(([h]) => h === host).map(([, id]) => id);
        const positions = handled.map((id) => sent.findIndex((r) => r.identifier === id));
        assert.ok(
          positions.every((p, n) => p >= 0 && (n === 0 || p > positions[n - 1]!)),
          `${host}: handled in the order sent, once each`,
        );
      }
    } finally {
      await pool.release();
      for (const c of [a, b, late]) c.socket.close();
      await community.unload();
      await endpoint.stop();
    }
  },
);
