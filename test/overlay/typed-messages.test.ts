// Typed payloads, lazy-wrapper handlers, ezSend and RequestCache, over real UDP on 127.0.0.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  Community,
  dataclassPayload,
  Endpoint,
  NumberCache,
  PrivateKey,
  RequestCache,
  type Peer,
  type UdpAddress,
} from '../../src/overlay/index.js';
import { isPeerwayError } from '../../src/core/index.js';
import { PY_IPV8_CHAT, PY_IPV8_DATACLASS } from './typed-vectors.js';
import { Ack as ExampleAck, Chat as ExampleChat, ChatCommunity } from '../../examples/overlay-chat.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const Inner = dataclassPayload('Inner', 0, { a: 'int', b: 'bool' });
const Everything = dataclassPayload('Everything', 42, {
  i: 'int',
  flag: 'bool',
  x: 'float',
  blob: 'bytes',
  text: 'str',
  u8: 'B',
  u16: 'H',
  u32: 'I',
  u64: 'Q',
  i32: 'l',
  h20: '20s',
  addr: 'ip_address',
  ints: { array: 'int' },
  flags: { array: 'bool' },
  floats: { array: 'float' },
  inner: { nested: Inner },
  inners: { list: Inner },
});
const everything = {
  i: -5n,
  flag: true,
  x: 1.5,
  blob: Uint8Array.from([0, 255]),
  text: 'héllo',
  u8: 200,
  u16: 65000,
  u32: 4_000_000_000,
  u64: 2n ** 64n - 1n,
  i32: -7,
  h20: Uint8Array.from({ length: 20 }, (_, i) => i),
  addr: { host: '10.1.2.3', port: 8090 },
  ints: [1n, -2n, 3n],
  flags: [true, false],
  floats: [0.25],
  inner: { a: 9n, b: false },
  inners: [
    { a: 1n, b: true },
    { a: 2n, b: false },
  ],
};

test('a dataclass payload with every format type encodes to the bytes py-ipv8 3.2 packs', () => {
  assert.equal(hex(Everything.encode(everything)), PY_IPV8_DATACLASS.everything);
  assert.deepEqual(
    Everything.decode(Uint8Array.from(Buffer.from(PY_IPV8_DATACLASS.everything, 'hex'))),
    everything,
  );
  assert.equal(Everything.msgId, 42);
});

test('fix_pack / fix_unpack hooks change the value on the way out and in, as in py-ipv8', () => {
  const Fixed = dataclassPayload(
    'Fixed',
    7,
    { name: 'str', count: 'int' },
    { fixPack: { name: (v) => v.toUpperCase() }, fixUnpack: { name: (v) => v.toLowerCase() } },
  );
  const bytes = Fixed.encode({ name: 'MiXed', count: 3n });
  assert.equal(hex(bytes), PY_IPV8_DATACLASS.fixed);
  assert.deepEqual(Fixed.decode(bytes), { name: 'mixed', count: 3n });
});

test('hostile payload bytes are refused with a typed error', () => {
  const good = Buffer.from(PY_IPV8_DATACLASS.everything, 'hex');
  for (const bad of [
    good.subarray(0, good.length - 1), // truncated
    Buffer.concat([good, Buffer.from([0])]), // trailing byte
    Buffer.from('ffff', 'hex'),
  ]) {
    assert.throws(
      () => Everything.decode(bad),
      (e) => isPeerwayError(e, 'ERR_OVERLAY_DECODE'),
      'a bad payload is ERR_OVERLAY_DECODE',
    );
  }
  assert.throws(() => dataclassPayload('Bad', 300, { a: 'int' }), TypeError, 'a message id is a byte');
});

interface Node {
  endpoint: Endpoint;
  community: Community;
}

async function node(cid: Uint8Array): Promise<Node> {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  // The verification budget charges wall-clock time: on a loaded machine a descheduled verify can
  // use it up and drop a first packet, which this test (about handlers) must not depend on.
  const community = new Community({
    communityId: cid,
    endpoint,
    key: PrivateKey.generate(),
    tickMs: 0,
    rateLimits: { verify: { packetsPerSecond: 1e6, cpuMsPerSecond: 1e6 } },
  });
  await community.start();
  return { endpoint, community };
}

async function close(...nodes: Node[]): Promise<void> {
  for (const n of nodes) {
    await n.community.unload();
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

const Chat = dataclassPayload('Chat', 1, { text: 'str', n: 'int' });
const Ack = dataclassPayload('Ack', 2, { n: 'int' });

test('typed handlers get the verified peer and the decoded payload; ezSend signs; bad packets reach no handler and are counted', async () => {
  const cid = randomBytes(20);
  const a = await node(cid);
  const b = await node(cid);
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  try {
    const got: Array<{ from: string; text: string; n: bigint; gt: bigint | undefined }> = [];
    const acks: Array<{ from: string; n: bigint }> = [];
    a.community.addHandler(
      Chat,
      (peer, chat, ctx) => {
        got.push({ from: peer.id, text: chat.text, n: chat.n, gt: ctx.globalTime });
        a.community.ezSend(peer, Ack, { n: chat.n });
      },
      { globalTime: true },
    );
    b.community.addHandler(Ack, (peer, ack) => {
      acks.push({ from: peer.id, n: ack.n });
    });
    b.community.ezSend(a.endpoint.address, Chat, { text: 'hallo', n: 41n }, { globalTime: true });
    b.community.ezSend(a.endpoint.address, Chat, { text: 'wereld', n: 42n }, { globalTime: true });
    await until(() => acks.length === 2);
    assert.deepEqual(
      got.map((g) => [g.from, g.text, g.n]),
      [
        [b.community.myPeer.id, 'hallo', 41n],
        [b.community.myPeer.id, 'wereld', 42n],
      ],
    );
    assert.ok(got[1]!.gt! > got[0]!.gt!, 'the global time goes up');
    assert.deepEqual(
      acks.map((x) => [x.from, x.n]),
      [
        [a.community.myPeer.id, 41n],
        [a.community.myPeer.id, 42n],
      ],
    );

    // Bad packets: a flipped signature, a truncated one, an unsigned copy, trailing bytes.
    const good = b.community.ezPack(Chat, { text: 'x', n: 1n }, { globalTime: 5n });
    const badSig = Buffer.from(good);
    badSig[badSig.length - 1]! ^= 1;
    const forged = b.community.ezPack(Chat, { text: 'x', n: 1n }, { signed: false, globalTime: 5n });
    const send = (d: Uint8Array): void => socket.send(d, a.endpoint.address.port, '127.0.0.1');
    const before = a.endpoint.stats.received;
    send(badSig);
    send(good.subarray(0, 40));
    send(forged);
    await until(() => a.endpoint.stats.received === before + 3);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(got.length, 2, 'no bad packet reached the handler');
    assert.equal(a.community.stats.dropped.ERR_OVERLAY_BAD_SIGNATURE, 1);
    const decodeDrops =
      (a.community.stats.dropped.ERR_OVERLAY_DECODE ?? 0) +
      (a.community.stats.dropped.ERR_OVERLAY_BAD_KEY ?? 0);
    assert.equal(decodeDrops, 2, JSON.stringify(a.community.stats.dropped));
    // A healthy packet still goes through after the garbage.
    send(good);
    await until(() => got.length === 3);
  } finally {
    socket.close();
    await close(a, b);
  }
});

test('unsigned handlers get the source address; a throwing or rejecting handler is counted', async () => {
  const cid = randomBytes(20);
  const a = await node(cid);
  const b = await node(cid);
  try {
    const Ping = dataclassPayload('Ping', 3, { identifier: 'H' });
    const seen: Array<[UdpAddress, number]> = [];
    a.community.addUnsignedHandler(Ping, (source, ping) => {
      seen.push([source, ping.identifier]);
      if (ping.identifier === 2) throw new Error('boom');
      if (ping.identifier === 3) return Promise.reject(new Error('later'));
    });
    for (const identifier of [1, 2, 3])
      b.community.ezSend(a.endpoint.address, Ping, { identifier }, { signed: false });
    await until(() => seen.length === 3);
    await until(() => (a.community.stats.dropped.handlerError ?? 0) === 2);
    assert.deepEqual(seen[0], [b.endpoint.address, 1]);
  } finally {
    await close(a, b);
  }
});

class PingCache extends NumberCache {
  static readonly cacheName = 'ping';
  timedOut = false;
  constructor(
    caches: RequestCache,
    readonly peer: Peer | undefined,
    timeoutMs: number,
  ) {
    super(PingCache.cacheName, caches.claimNumber(PingCache));
    this.timeoutMs = timeoutMs;
  }
  override onTimeout(): void {
    this.timedOut = true;
  }
}

class OtherCache extends NumberCache {
  static readonly cacheName = 'ping';
}

test('RequestCache: numbered caches are found once, time out, are bounded, and refuse after shutdown', async () => {
  const caches = new RequestCache({ maxSize: 3 });
  const answered = caches.add(new PingCache(caches, undefined, 60_000));
  const silent = caches.add(new PingCache(caches, undefined, 30));
  assert.ok(answered.number !== silent.number, 'numbers differ');
  assert.ok(caches.has(PingCache, answered.number), 'held');
  assert.equal(
    caches.get(OtherCache, answered.number),
    undefined,
    'another class with the same name is not it',
  );
  assert.equal(caches.pop(PingCache, answered.number), answered);
  assert.equal(caches.pop(PingCache, answered.number), undefined, 'popped once');
  assert.throws(
    () => caches.add(new OtherCache('ping', silent.number)),
    (e) => isPeerwayError(e, 'ERR_OVERLAY_REQUEST_CACHE'),
    'a number in use is refused',
  );
  await until(() => silent.timedOut, 5000);
  assert.equal(caches.has('ping', silent.number), false, 'a timed-out cache is gone');
  assert.equal(caches.stats.timedOut, 1);
  for (let i = 0; i < 3; i++) caches.add(new PingCache(caches, undefined, 60_000));
  assert.throws(
    () => caches.add(new PingCache(caches, undefined, 60_000)),
    (e) => isPeerwayError(e, 'ERR_OVERLAY_REQUEST_CACHE'),
    'the cache is bounded',
  );
  caches.shutdown();
  assert.equal(caches.size, 0);
  assert.throws(
    () => caches.add(new PingCache(caches, undefined, 60_000)),
    (e) => isPeerwayError(e, 'ERR_OVERLAY_REQUEST_CACHE'),
    'closed after shutdown',
  );
});

test('a message larger than the encoder first buffer encodes and decodes (the writer grows mid-write)', () => {
  const Blob = dataclassPayload('Blob', 9, { head: 'str', body: 'bytes' });
  const body = Uint8Array.from(randomBytes(5000));
  const value = { head: 'x'.repeat(700), body };
  const bytes = Blob.encode(value);
  assert.equal(bytes.length, 2 + 700 + 2 + 5000);
  assert.deepEqual(Blob.decode(bytes), value);
});

test('the example chat community signs the same bytes py-ipv8 3.2 sent live, and accepts py-ipv8 packets', async () => {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const key = PrivateKey.fromBin(Buffer.from(PY_IPV8_CHAT.privateKey, 'hex'));
  const community = new ChatCommunity({ endpoint, key, tickMs: 0 });
  await community.start();
  const socket = dgram.createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const answers: Buffer[] = [];
  socket.on('message', (m) => answers.push(m));
  try {
    const chat = community.ezPack(ExampleChat, { text: 'py-1 ✓', n: 1n, tags: [1n, -1n, 2n ** 40n] });
    assert.equal(hex(chat), PY_IPV8_CHAT.chat1, 'Chat is byte-identical to py-ipv8');
    const ack = community.ezPack(ExampleAck, { n: 0n, ok: true, echo: new TextEncoder().encode('ts-0 ✓') });
    assert.equal(hex(ack), PY_IPV8_CHAT.ack0, 'Ack is byte-identical to py-ipv8');
    // The recorded py-ipv8 packets, delivered over UDP, verify and reach the handlers.
    socket.send(Buffer.from(PY_IPV8_CHAT.chat1, 'hex'), endpoint.address.port, '127.0.0.1');
    socket.send(Buffer.from(PY_IPV8_CHAT.ack0, 'hex'), endpoint.address.port, '127.0.0.1');
    await until(() => community.events.length === 2);
    assert.deepEqual(
      community.events.map((e) => [e.ev, e.n, e.text]),
      [
        ['chat', '1', 'py-1 ✓'],
        ['ack', '0', 'ts-0 ✓'],
      ],
    );
    await until(() => answers.length === 1);
    assert.equal(answers[0]![22], 2, 'the chat was answered with an Ack');
  } finally {
    socket.close();
    await community.unload();
    await endpoint.stop();
  }
});

test('the example runs as a program: two processes greet and acknowledge each other', async () => {
  const { spawn } = await import('node:child_process');
  const run = (args: string[]): { lines: Promise<string[]> } => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/overlay-chat.ts', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    return {
      lines: new Promise((resolve) => child.on('exit', () => resolve(out.trim().split('\n')))),
    };
  };
  const first = spawn(process.execPath, ['--import', 'tsx', 'examples/overlay-chat.ts', '--seconds', '8'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let firstOut = '';
  first.stdout.on('data', (d: Buffer) => (firstOut += d.toString()));
  const firstDone = new Promise<void>((resolve) => first.on('exit', () => resolve()));
  await until(() => firstOut.includes('listening'), 30_000);
  const address = (JSON.parse(firstOut.split('\n')[0]!) as { address: string }).address;
  const second = run(['--peer', address, '--seconds', '4']);
  const lines = await second.lines;
  await firstDone;
  const summary = (text: string[]): { peers: number; chats: number; acks: number } =>
    JSON.parse(text.find((l) => l.includes('"summary"'))!) as { peers: number; chats: number; acks: number };
  assert.deepEqual(summary(lines), { ...summary(lines), peers: 1, chats: 3, acks: 3 }, lines.join('\n'));
  const firstLines = firstOut.trim().split('\n');
  assert.deepEqual(summary(firstLines), { ...summary(firstLines), peers: 1, chats: 3, acks: 3 }, firstOut);
});
