// Community behaviour over real UDP sockets on 127.0.0.1 (py-ipv8 section 4 rules).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  Community,
  definePayload,
  Endpoint,
  PrivateKey,
  type CommunityInit,
  type UdpAddress,
} from '../../src/overlay/index.js';
import {
  IntroductionResponsePayload,
  NewIntroductionResponsePayload,
  PuncturePayload,
  PunctureRequestPayload,
} from '../../src/overlay/discovery-payloads.js';
import { decodeMessage } from '../../src/overlay/messages.js';

const cid = randomBytes(20);

async function node(
  init: Partial<CommunityInit> = {},
): Promise<{ endpoint: Endpoint; community: Community }> {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  // tickMs 0: no walker runs, so each test drives the exchange itself.
  const community = new Community({
    communityId: cid,
    endpoint,
    key: PrivateKey.generate(),
    tickMs: 0,
    ...init,
  });
  await community.start();
  return { endpoint, community };
}

async function close(...nodes: Array<{ endpoint: Endpoint; community: Community }>): Promise<void> {
  for (const n of nodes) {
    await n.community.unload();
    await n.endpoint.stop();
  }
}

/** A bare UDP socket that records what it receives. */
async function sniffer(): Promise<{
  address: UdpAddress;
  packets: Buffer[];
  send(to: UdpAddress, d: Uint8Array): void;
  close(): Promise<void>;
}> {
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const packets: Buffer[] = [];
  socket.on('message', (m) => packets.push(m));
  return {
    address: { host: '127.0.0.1', port: socket.address().port },
    packets,
    send: (to, d) => socket.send(d, to.port, to.host),
    close: () => new Promise((r) => socket.close(() => r())),
  };
}

const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('a walk makes both sides verified peers and upgrades to the new-style messages', async () => {
  const a = await node();
  const b = await node();
  try {
    b.community.walkTo(a.endpoint.address);
    await until(() => a.community.getPeers().length === 1 && b.community.getPeers().length === 1);
    const aSeenByB = b.community.getPeers()[0]!;
    assert.equal(aSeenByB.id, a.community.myPeer.id);
    assert.equal(aSeenByB.newStyleIntro, true, 'a 245 with supports_new_style upgrades the peer');
    assert.equal(b.community.stats.received['245'], 1);
    b.community.sendIntroductionRequest(aSeenByB);
    await until(() => b.community.stats.received['233'] === 1);
    assert.equal(a.community.stats.received['234'], 1);
    // The responder tells us how it sees us.
    assert.deepEqual(b.community.myPreferredAddress(), b.endpoint.address);
  } finally {
    await close(a, b);
  }
});

test('the responder introduces a third peer and sends it a puncture-request, which is answered with a puncture', async () => {
  const a = await node();
  const b = await node();
  const c = await node();
  try {
    b.community.walkTo(a.endpoint.address);
    await until(() => a.community.getPeers().length === 1);
    c.community.walkTo(a.endpoint.address);
    // A introduces B to C, and asks B to puncture towards C.
    await until(() => c.community.getWalkableAddresses().some((x) => x.port === b.endpoint.address.port));
    await until(
      () => (b.community.stats.received['250'] ?? 0) + (b.community.stats.received['232'] ?? 0) === 1,
    );
    // As in py-ipv8 (and the recorded capture): on one host the walker's WAN IP equals ours, so the
    // puncture goes to lan_walker, which the responder filled with its own address.
    await until(
      () => (a.community.stats.received['249'] ?? 0) + (a.community.stats.received['231'] ?? 0) === 1,
    );
  } finally {
    await close(a, b, c);
  }
});

test('at maxPeers a "drop" community is silent, an "introduce" one answers with peer_limit_reached', async () => {
  const full = await node({ maxPeers: 1, whenFull: 'drop' });
  const polite = await node({ maxPeers: 1 });
  const s = await sniffer();
  const walker = await node();
  try {
    // One peer fills both: maxPeers bounds the table (py-ipv8 would take one more).
    walker.community.walkTo(full.endpoint.address);
    walker.community.walkTo(polite.endpoint.address);
    await until(() => full.community.getPeers().length === 1 && polite.community.getPeers().length === 1);
    const key = PrivateKey.generate();
    const probe = new Community({ communityId: cid, endpoint: walker.endpoint, key, tickMs: 0 });
    const request = probe.createIntroductionRequest(full.endpoint.address);
    s.send(full.endpoint.address, request);
    s.send(polite.endpoint.address, probe.createIntroductionRequest(polite.endpoint.address));
    await until(() => s.packets.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(s.packets.length, 1, 'only the polite community answered');
    assert.equal(full.community.stats.dropped.peerLimit, 1);
    const m = decodeMessage(s.packets[0]!, IntroductionResponsePayload);
    assert.equal(m.payload.flags[5], true, 'peer_limit_reached');
    assert.equal(m.payload.wanIntroduction.port, walker.endpoint.address.port, 'still introduces');
    assert.equal(polite.community.getPeers().length, 1, 'the requester was not taken on');
  } finally {
    await s.close();
    await close(full, polite, walker);
  }
});

test('garbage, bad signatures, unknown ids and wrong prefixes are dropped and counted', async () => {
  const a = await node();
  const s = await sniffer();
  try {
    const prefix = a.community.getPrefix();
    const probe = new Community({
      communityId: cid,
      endpoint: a.endpoint,
      key: PrivateKey.generate(),
      tickMs: 0,
    });
    const good = probe.createIntroductionRequest(a.endpoint.address);
    const badSig = Buffer.from(good);
    badSig[badSig.length - 1]! ^= 0xff;
    s.send(a.endpoint.address, badSig);
    s.send(a.endpoint.address, good.subarray(0, 60));
    s.send(a.endpoint.address, Buffer.concat([prefix, Buffer.from([7, 1, 2])]));
    s.send(a.endpoint.address, Buffer.concat([prefix, Buffer.from([248])]));
    s.send(a.endpoint.address, Buffer.concat([Buffer.from('0002'), randomBytes(30)]));
    s.send(a.endpoint.address, Buffer.from([1, 2]));
    await until(() => a.endpoint.stats.received === 6);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(a.community.stats.dropped.ERR_OVERLAY_BAD_SIGNATURE, 1);
    assert.equal(a.community.stats.dropped.ERR_OVERLAY_DECODE, 1);
    assert.equal(a.community.stats.dropped.unknownId, 1);
    assert.equal(a.community.stats.dropped.deprecated, 1);
    assert.equal(a.endpoint.stats.dropped.unknownPrefix, 1);
    assert.equal(a.endpoint.stats.dropped.short, 1);
    assert.equal(s.packets.length, 0);
    assert.equal(a.community.getPeers().length, 0);
  } finally {
    await s.close();
    await close(a);
  }
});

test('puncture-requests are rate limited per target, and a puncture never exceeds 5x the request', async () => {
  const a = await node();
  const victim = await sniffer();
  try {
    const req = a.community.ezPack(
      PunctureRequestPayload,
      { lanWalker: victim.address, wanWalker: victim.address, identifier: 1 },
      { signed: false, globalTime: 1n },
    );
    for (let i = 0; i < 100; i++) victim.send(a.endpoint.address, req);
    await until(() => a.endpoint.stats.received === 100);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(victim.packets.length <= 21, `victim got ${victim.packets.length}`);
    assert.ok(victim.packets.length >= 1, 'the first puncture-request was answered');
    // An old-style puncture is 185 bytes against a 45-byte request (4.11x); anything that grows
    // the answer (a longer payload, a second packet per request) crosses this bound.
    for (const p of victim.packets) {
      assert.equal(p.length, 185, 'an old-style puncture is 185 bytes');
      assert.ok(p.length / req.length < 4.2, `amplification ${p.length}/${req.length}`);
    }
    assert.equal(victim.packets.length, victim.packets.filter((p) => p[22] === 249).length, 'only punctures');
    assert.equal(decodeMessage(victim.packets[0]!, PuncturePayload).payload.identifier, 1);
    assert.ok((a.community.stats.dropped.punctureRateLimited ?? 0) >= 79);
  } finally {
    await victim.close();
    await close(a);
  }
});

test('introduction requests are answered at most at the per-source rate; another source is still served', async () => {
  const a = await node({ rateLimits: { perSource: { perSecond: 1, burst: 5 } } });
  const attacker = await sniffer();
  const b = await node();
  try {
    const probe = new Community({
      communityId: cid,
      endpoint: b.endpoint,
      key: PrivateKey.generate(),
      tickMs: 0,
    });
    const req = probe.createIntroductionRequest(a.endpoint.address);
    const started = Date.now();
    for (let i = 0; i < 60; i++) attacker.send(a.endpoint.address, req);
    await until(() => a.endpoint.stats.received >= 60, 10_000);
    const seconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 100));
    const answers = attacker.packets.filter((p) => p[22] === 245).length;
    assert.ok(answers >= 1, 'the first requests were answered');
    assert.ok(answers <= 5 + Math.ceil(seconds) + 1, `${answers} answers in ${seconds}s`);
    const limited = a.community.stats.dropped.rateLimited ?? 0;
    assert.ok(limited >= 60 - (5 + Math.ceil(seconds) + 1), `only ${limited} counted as rate limited`);
    // A healthy peer at another address walks in while the attacker's bucket is empty.
    b.community.walkTo(a.endpoint.address);
    await until(() => b.community.getPeers().length === 1, 10_000);
  } finally {
    await attacker.close();
    await close(a, b);
  }
});

test('application messages are dispatched by id to their handlers', async () => {
  const a = await node();
  const b = await node();
  try {
    const Chat = definePayload('Chat', [['text', 'varlenHutf8']] as const, 1);
    const got: string[] = [];
    a.community.addMessageHandler(Chat, (source, data) => {
      const { peer, payload } = a.community.decodeSigned(source, data, Chat, { globalTime: false });
      got.push(`${peer.id.slice(0, 4)}:${payload.text}`);
    });
    b.community.send(a.endpoint.address, b.community.ezPack(Chat, { text: 'hallo' }));
    await until(() => got.length === 1);
    assert.deepEqual(got, [`${b.community.myPeer.id.slice(0, 4)}:hallo`]);
  } finally {
    await close(a, b);
  }
});

test('new-style responses carry intro_supports_new_style for introduced new-style peers', async () => {
  const a = await node();
  const b = await node();
  const c = await node();
  try {
    b.community.walkTo(a.endpoint.address);
    await until(() => a.community.getPeers().length === 1 && b.community.getPeers().length === 1);
    b.community.sendIntroductionRequest(b.community.getPeers()[0]!); // 234: A marks B new style
    await until(() => a.community.stats.received['234'] === 1);
    const s = await sniffer();
    try {
      const probe = new Community({
        communityId: cid,
        endpoint: c.endpoint,
        key: PrivateKey.generate(),
        tickMs: 0,
      });
      s.send(
        a.endpoint.address,
        probe.createIntroductionRequest(a.endpoint.address, new Uint8Array(0), true),
      );
      await until(() => s.packets.length >= 1);
      const m = decodeMessage(s.packets[0]!, NewIntroductionResponsePayload);
      assert.equal(m.payload.flags[0], true);
      assert.equal(m.payload.lanIntroduction.port, b.endpoint.address.port);
    } finally {
      await s.close();
    }
  } finally {
    await close(a, b, c);
  }
});

test('unload is idempotent and frees the prefix; the endpoint stops cleanly', async () => {
  const a = await node();
  const first = a.community.unload();
  assert.equal(a.community.unload(), first);
  await first;
  const again = new Community({
    communityId: cid,
    endpoint: a.endpoint,
    key: PrivateKey.generate(),
    tickMs: 0,
  });
  await again.start();
  await again.unload();
  const stop = a.endpoint.stop();
  assert.equal(a.endpoint.stop(), stop);
  await stop;
});

test('several communities share one endpoint, each sees only its own peers; a prefix registers once', async () => {
  const e1 = new Endpoint({ host: '127.0.0.1' });
  const e2 = new Endpoint({ host: '127.0.0.1' });
  await e1.start();
  await e2.start();
  const other = randomBytes(20);
  const k1 = PrivateKey.generate();
  const k2 = PrivateKey.generate();
  const make = (endpoint: Endpoint, key: PrivateKey, id: Uint8Array): Community =>
    new Community({ communityId: id, endpoint, key, tickMs: 0 });
  const a1 = make(e1, k1, cid);
  const b1 = make(e1, k1, other);
  const a2 = make(e2, k2, cid);
  const b2 = make(e2, k2, other);
  try {
    for (const c of [a1, b1, a2, b2]) await c.start();
    await assert.rejects(make(e1, k1, cid).start(), { code: 'ERR_OVERLAY_PREFIX_IN_USE' });
    a2.walkTo(e1.address);
    await until(() => a1.getPeers().length === 1 && a2.getPeers().length === 1);
    assert.equal(b1.getPeers().length, 0, 'the other community on the same sockets saw nothing');
    b2.walkTo(e1.address);
    await until(() => b1.getPeers().length === 1);
    assert.equal(b1.stats.received['246'], 1);
    assert.equal(a1.stats.received['246'], 1);
  } finally {
    for (const c of [a1, b1, a2, b2]) await c.unload();
    await e1.stop();
    await e2.stop();
  }
});

test('a walk to our own address is ignored, not answered', async () => {
  const a = await node();
  try {
    a.community.walkTo(a.endpoint.address);
    await until(() => a.community.stats.dropped.self === 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(a.community.stats.sent, 1);
    assert.equal(a.community.getPeers().length, 0);
  } finally {
    await close(a);
  }
});
