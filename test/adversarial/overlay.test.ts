// Hostile peers against a real overlay Endpoint + Community on loopback, a healthy peer beside
// each attack: what the honest side keeps, and what the attacker costs only itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import {
  Community,
  Endpoint,
  PrivateKey,
  type CommunityInit,
  type IntroResponse,
  type Peer,
  type UdpAddress,
} from '../../src/overlay/index.js';
import { ByteWriter } from '../../src/overlay/byte-io.js';
import {
  IntroductionRequestPayload,
  PuncturePayload,
  PunctureRequestPayload,
} from '../../src/overlay/discovery-payloads.js';
import { bitsOf } from '../../src/overlay/formats.js';

const cid = randomBytes(20);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A community that records every introduction it receives in a response. */
class Probe extends Community {
  readonly introduced: number[] = [];
  answers = 0;
  override introductionResponseCallback(_peer: Peer, _dist: bigint, payload: IntroResponse): void {
    this.answers++;
    this.introduced.push(payload.wanIntroduction.port);
  }
}

interface Node<C extends Community = Community> {
  endpoint: Endpoint;
  community: C;
}

async function start<C extends Community>(
  make: (init: CommunityInit) => C,
  init: Partial<CommunityInit> = {},
): Promise<Node<C>> {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const community = make({ communityId: cid, endpoint, key: PrivateKey.generate(), tickMs: 0, ...init });
  await community.start();
  return { endpoint, community };
}

const plain = (init: CommunityInit): Community => new Community(init);
const probe = (init: CommunityInit): Probe => new Probe(init);

async function stopAll(...nodes: Node[]): Promise<void> {
  for (const n of nodes) {
    await n.community.unload();
    await n.endpoint.stop();
  }
}

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** A server with `realCount` real peers that walked to it (they keep answering). */
async function serverWithPeers(
  init: Partial<CommunityInit>,
  realCount: number,
): Promise<{ server: Node; real: Node[]; realPorts: Set<number> }> {
  const server = await start(plain, init);
  const real: Node[] = [];
  for (let i = 0; i < realCount; i++) {
    const r = await start(plain);
    r.community.walkTo(server.endpoint.address);
    real.push(r);
  }
  await until(() => server.community.getPeers().length === realCount);
  return { server, real, realPorts: new Set(real.map((r) => r.endpoint.address.port)) };
}

/**
 * The healthy peer: `count` introduction requests to `target`, one every `intervalMs`, while the
 * attack runs. Returns how many were answered.
 */
async function probeWhile(
  p: Node<Probe>,
  target: UdpAddress,
  count: number,
  intervalMs: number,
): Promise<number> {
  const before = p.community.answers;
  for (let i = 0; i < count; i++) {
    p.community.walkTo(target);
    await sleep(intervalMs);
  }
  await until(() => p.community.answers - before >= count, 3000).catch(() => undefined);
  return p.community.answers - before;
}

/** A bare UDP socket for the attacker. */
async function attackerSocket(): Promise<{
  send(to: UdpAddress, d: Uint8Array): void;
  close(): Promise<void>;
}> {
  const socket = dgram.createSocket('udp4');
  socket.on('error', () => {});
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    send: (to, d) => socket.send(d, to.port, to.host),
    close: () => new Promise((r) => socket.close(() => r())),
  };
}

/**
 * Sends every packet, `perBatch` at a time with a pause between batches: loopback drops any
 * datagram (an honest one too) once the kernel's backlog overflows, which no server can prevent,
 * so the attack is paced to what the kernel carries (about 5,000 datagrams a second).
 */
async function flood(send: (d: Uint8Array) => void, packets: Uint8Array[], perBatch = 25): Promise<void> {
  for (let i = 0; i < packets.length; i++) {
    send(packets[i]!);
    if (i % perBatch === perBatch - 1) await sleep(5);
  }
}

test('unsolicited introduction responses from 300 keys add no peer; real peers stay introduced', async () => {
  const maxPeers = 10;
  const { server, real, realPorts } = await serverWithPeers({ maxPeers }, 3);
  const healthy = await start(probe);
  const attacker = await attackerSocket();
  const to = server.endpoint.address;
  try {
    const forger = new Endpoint();
    const fakes = Array.from(
      { length: 300 },
      () => new Community({ communityId: cid, endpoint: forger, key: PrivateKey.generate() }),
    );
    const packets = Array.from({ length: 3000 }, (_, i) =>
      fakes[i % fakes.length]!.createIntroductionResponse(to, to, i & 0xffff),
    );
    const [answered] = await Promise.all([
      probeWhile(healthy, to, 20, 50),
      flood((d) => attacker.send(to, d), packets),
    ]);
    await sleep(100);
    const peers = server.community.getPeers();
    assert.ok(peers.length <= maxPeers, `${peers.length} peers, maxPeers ${maxPeers}`);
    const fakeIds = new Set(fakes.map((f) => f.myPeer.id));
    assert.equal(peers.filter((p) => fakeIds.has(p.id)).length, 0, 'no forged responder became a peer');
    assert.equal(answered, 20, 'every healthy request was answered');
    assert.ok(
      healthy.community.introduced.every((port) => realPorts.has(port)),
      `introduced ${healthy.community.introduced.join(',')}`,
    );
    assert.ok(
      (server.community.stats.dropped.unsolicited ?? 0) > 2000,
      JSON.stringify(server.community.stats.dropped),
    );
  } finally {
    await attacker.close();
    await stopAll(server, healthy, ...real);
  }
});

test('a table filled by requesters that went silent frees up: maxPeers holds and a real peer gets in', async () => {
  const maxPeers = 5;
  const churn = { inactiveMs: 300, pingIntervalMs: 100, dropMs: 800 };
  const { server, real } = await serverWithPeers({ maxPeers, churn, tickMs: 50 }, 2);
  const attackers: Node[] = [];
  const newcomer = await start(probe);
  try {
    for (let i = 0; i < 31; i++) {
      const a = await start(plain);
      a.community.walkTo(server.endpoint.address);
      attackers.push(a);
    }
    await until(() => server.community.getPeers().length === maxPeers);
    // The attackers go silent: their sockets close.
    await stopAll(...attackers.splice(0));
    let most = 0;
    const sample = setInterval(() => (most = Math.max(most, server.community.getPeers().length)), 20);
    try {
      await until(() => {
        newcomer.community.walkTo(server.endpoint.address);
        return server.community.getPeers().some((p) => p.id === newcomer.community.myPeer.id);
      }, 8000);
    } finally {
      clearInterval(sample);
    }
    assert.ok(most <= maxPeers, `at most ${most} peers, maxPeers ${maxPeers}`);
    const ids = new Set(server.community.getPeers().map((p) => p.id));
    assert.ok(
      real.every((r) => ids.has(r.community.myPeer.id)),
      'the real peers that kept answering stayed',
    );
    // Every silent attacker that held a slot (maxPeers minus the two real peers) is dropped.
    await until(() => server.community.stats.peersRemoved >= maxPeers - real.length, 3000);
    assert.ok(most <= maxPeers, `at most ${most} peers, maxPeers ${maxPeers}`);
  } finally {
    await stopAll(server, newcomer, ...real, ...attackers);
  }
});

/**
 * Signed packets (introduction requests, or punctures) with one binary-curve ECDSA key, the most
 * expensive kind to verify (several ms each here).
 */
function expensivePackets(kind: 'request' | 'puncture', to: UdpAddress, count: number): Uint8Array[] {
  const sigLength = 144; // sect571r1: r and s padded to 72 bytes each, as py-ipv8 does
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'sect571r1' });
  const bin = publicKey.export({ format: 'der', type: 'spki' });
  const prefix = Uint8Array.from([0, 2, ...cid]);
  const half = sigLength / 2;
  const pad = (b: Buffer): Buffer => Buffer.concat([Buffer.alloc(half - b.length), b]);
  return Array.from({ length: count }, (_, i) => {
    const w = new ByteWriter();
    w.bytes(prefix);
    w.u8(kind === 'request' ? 246 : 249);
    w.u16(bin.length);
    w.bytes(bin);
    w.u64(BigInt(i + 1));
    if (kind === 'request') {
      const flags = bitsOf();
      const extraBytes = new Uint8Array(0);
      IntroductionRequestPayload.write(w, {
        destination: to,
        sourceLan: to,
        sourceWan: to,
        flags,
        identifier: i,
        extraBytes,
      });
    } else {
      PuncturePayload.write(w, { sourceLan: to, sourceWan: to, identifier: i });
    }
    const unsigned = w.finish();
    const p1363 = sign('sha1', unsigned, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const signature = Buffer.concat([
      pad(p1363.subarray(0, p1363.length / 2)),
      pad(p1363.subarray(p1363.length / 2)),
    ]);
    return Buffer.concat([unsigned, signature]);
  });
}

for (const kind of ['request', 'puncture'] as const) {
  test(`a flood of ${kind}s signed with an expensive ECDSA key is cut off before verification`, async () => {
    // Requests are rate-limited per source anyway: lift that limit to show the budget holds alone.
    const init: Partial<CommunityInit> =
      kind === 'request' ? { rateLimits: { perSource: { perSecond: 1e6, burst: 1e6 } } } : {};
    const { server, real, realPorts } = await serverWithPeers(init, 2);
    const healthy = await start(probe);
    const attacker = await attackerSocket();
    const to = server.endpoint.address;
    try {
      const distinct = expensivePackets(kind, to, 100);
      const packets = Array.from({ length: 1500 }, (_, i) => distinct[i % distinct.length]!);
      const [answered] = await Promise.all([
        probeWhile(healthy, to, 20, 50),
        flood((d) => attacker.send(to, d), packets),
      ]);
      assert.equal(answered, 20, 'every healthy request was answered');
      // The few packets the budget let through verified: that key is a peer now, like any signer
      // (and so is the healthy probe).
      const peers = server.community.getPeers().length;
      assert.ok(peers <= realPorts.size + 2, `${peers} peers`);
      const { dropped } = server.community.stats;
      const cut = (dropped.ERR_OVERLAY_OVER_BUDGET ?? 0) + (dropped.punctureRateLimited ?? 0);
      assert.ok(cut > 1000, `dropped unverified: ${cut} (${JSON.stringify(dropped)})`);
      const over = dropped.ERR_OVERLAY_OVER_BUDGET ?? 0;
      if (kind === 'request') assert.ok(over > 1000, `over budget: ${over}`);
    } finally {
      await attacker.close();
      await stopAll(server, healthy, ...real);
    }
  });
}

test('puncture requests naming 100 ports of one host from 50 sources reflect at most the per-host rate', async () => {
  const { server, real } = await serverWithPeers({}, 2);
  const healthy = await start(probe);
  const sources = await Promise.all(Array.from({ length: 50 }, () => attackerSocket()));
  const to = server.endpoint.address;
  try {
    const requests = Array.from({ length: 100 }, (_, i) => {
      const victim = { host: '127.0.0.2', port: 20_000 + i };
      return server.community.ezPack(
        PunctureRequestPayload,
        { lanWalker: victim, wanWalker: victim, identifier: i },
        { signed: false, globalTime: 1n },
      );
    });
    const sentBefore = server.endpoint.stats.sent;
    const started = Date.now();
    const [answered] = await Promise.all([
      probeWhile(healthy, to, 10, 50),
      (async () => {
        for (let round = 0; round < 40; round++) {
          sources.forEach((s, i) => s.send(to, requests[(round * 50 + i) % requests.length]!));
          await sleep(10);
        }
      })(),
    ]);
    await sleep(100);
    const seconds = (Date.now() - started) / 1000;
    // Per target host: a burst of 20, then 10 a second; the healthy probe's answers are beside it.
    const punctures = server.endpoint.stats.sent - sentBefore - 2 * answered;
    assert.ok(punctures <= 20 + Math.ceil(10 * seconds) + 2, `${punctures} punctures in ${seconds} s`);
    assert.equal(answered, 10, 'every healthy request was answered');
    const limited = server.community.stats.dropped.punctureRateLimited ?? 0;
    assert.ok(limited > 1500, `rate limited: ${limited}`);
  } finally {
    await Promise.all(sources.map((s) => s.close()));
    await stopAll(server, healthy, ...real);
  }
});
