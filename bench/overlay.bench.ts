// Overlay benchmarks: signed introduction requests verified and answered per second on one core,
// and convergence of loopback networks seeded through one address.
// Usage: node --import tsx bench/overlay.bench.ts [sizes...]   (default sizes: 100 300 1000; 0: none)
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { Community, dataclassPayload, Endpoint, PrivateKey, type UdpAddress } from '../src/overlay/index.js';
import { ed25519, libsodiumEd25519, nodeEd25519, type Ed25519 } from '../src/overlay/ed25519.js';
import { testnet } from '../test/overlay/testnet.js';

const SECONDS = 3;
/** Handler-path run before the measured one, so the figure is the steady state. */
const WARMUP_MS = 1000;
/** The target: signed introduction requests verified and answered per second, one core. */
const TARGET = 8000;
/** Requests per second the UDP blaster offers: above what one thread answers, so the figure is its limit. */
const OFFERED = 16000;
const unlimited = { perSecond: 1e9, burst: 1e9 };
/** One blaster socket is one source: lift its verification budget too, to measure the answer rate. */
const unbudgeted = { packetsPerSecond: 1e9, cpuMsPerSecond: 1e9 };

// A UDP sink (or blaster) on another thread, so the measured thread does only the overlay's work.
const workerCode = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const s = dgram.createSocket('udp4');
let got = 0;
let timer;
s.on('message', () => { got++; });
s.bind(0, '127.0.0.1', () => parentPort.postMessage({ port: s.address().port }));
parentPort.on('message', (m) => {
  if (m.cmd === 'count') parentPort.postMessage({ got });
  if (m.cmd === 'close') { clearInterval(timer); s.close(() => parentPort.postMessage({ closed: true })); }
  if (m.cmd === 'blast') {
    // A steady offered load (m.rate per second, in 5 ms slices) rather than a flood the kernel drops.
    const end = Date.now() + m.ms; let i = 0;
    timer = setInterval(() => {
      if (Date.now() > end) return clearInterval(timer);
      for (let k = 0; k < m.rate / 200; k++) s.send(m.packets[i++ % m.packets.length], m.port, '127.0.0.1');
    }, 5);
  }
});`;

function startWorker(): Promise<{
  worker: Worker;
  port: number;
  ask(m: object): Promise<Record<string, number>>;
}> {
  const worker = new Worker(workerCode, { eval: true });
  const ask = (m: object): Promise<Record<string, number>> =>
    new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(m);
    });
  return new Promise((resolve) =>
    worker.once('message', (m: { port: number }) => resolve({ worker, port: m.port, ask })),
  );
}

/** Bare verify and sign rates of one implementation, and the rate of the pair. */
function ed25519Anchor(impl: Ed25519): { verify: number; sign: number; pair: number } {
  const signer = impl.signer(randomBytes(32));
  const verifier = impl.verifier(signer.publicKey);
  const data = randomBytes(190);
  const sig = signer.sign(data);
  const rate = (fn: () => void): number => {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 1500) for (let i = 0; i < 100; i++, n++) fn();
    return n / ((performance.now() - start) / 1000);
  };
  const verify = rate(() => verifier.verify(sig, data));
  const sign = rate(() => signer.sign(data));
  return { verify, sign, pair: 1 / (1 / verify + 1 / sign) };
}

function requestPackets(server: UdpAddress, cid: Uint8Array, count: number): Uint8Array[] {
  const endpoint = new Endpoint();
  return Array.from({ length: count }, () => {
    const c = new Community({ communityId: cid, endpoint, key: PrivateKey.generate(), tickMs: 0 });
    return c.createIntroductionRequest(server);
  });
}

/** A community that counts the introduction responses it builds (each is then sent, or dropped and counted). */
class CountingCommunity extends Community {
  answers = 0;
  override createIntroductionResponse(
    ...args: Parameters<Community['createIntroductionResponse']>
  ): Uint8Array {
    this.answers++;
    return super.createIntroductionResponse(...args);
  }
}

/** Answers built, and what the community dropped (requests, or answers and punctures it would not send). */
function counters(c: CountingCommunity): { answers: number; dropped: Record<string, number> } {
  return { answers: c.answers, dropped: { ...c.stats.dropped } };
}

/** One measured window: requests verified and answered per second, and the drops in it by reason. */
interface Window {
  rate: number;
  dropped: string;
}

function windowSince(c: CountingCommunity, before: ReturnType<typeof counters>, start: number): Window {
  const now = counters(c);
  // An answer the amplification guard held back was built but not sent.
  const held = (now.dropped['amplification'] ?? 0) - (before.dropped['amplification'] ?? 0);
  const drops = Object.entries(now.dropped)
    .map(([reason, n]) => [reason, n - (before.dropped[reason] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason} ${n}`);
  return {
    rate: (now.answers - before.answers - held) / ((performance.now() - start) / 1000),
    dropped: drops.length === 0 ? 'nothing dropped' : `dropped: ${drops.join(', ')}`,
  };
}

async function answerRate(): Promise<{ direct: Window; udp: Window }> {
  const cid = randomBytes(20);
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const community = new CountingCommunity({
    communityId: cid,
    endpoint,
    key: PrivateKey.generate(),
    tickMs: 0,
    rateLimits: { perSource: unlimited, verify: unbudgeted },
  });
  await community.start();
  const packets = requestPackets(endpoint.address, cid, 2000);
  const sink = await startWorker();
  const source = { host: '127.0.0.1', port: sink.port };

  // 1. The handler path alone: decode, verify, update the network, build, sign and send the answer.
  let handled = 0;
  const run = async (ms: number): Promise<Window> => {
    const before = counters(community);
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (let i = 0; i < 200; i++) community.onPacket(packets[handled++ % packets.length]!, source);
      // Let the socket flush between batches, as a real event loop would.
      await new Promise((r) => setImmediate(r));
    }
    return windowSince(community, before, start);
  };
  // Unmeasured: the first second is mostly compiling the path (it ran ~15% slower than the rest).
  await run(WARMUP_MS);
  const direct = await run(SECONDS * 1000);

  // 2. Over UDP: another thread blasts requests; count what this thread verified and answered.
  const blaster = await startWorker();
  const before = counters(community);
  const t0 = performance.now();
  void blaster.ask({ cmd: 'blast', ms: SECONDS * 1000, port: endpoint.address.port, packets, rate: OFFERED });
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const udp = windowSince(community, before, t0);
  await blaster.ask({ cmd: 'close' });
  await sink.ask({ cmd: 'close' });
  await blaster.worker.terminate();
  await sink.worker.terminate();
  await community.unload();
  await endpoint.stop();
  return { direct, udp };
}

async function convergence(n: number, limitMs: number): Promise<string> {
  const setup = performance.now();
  // Build every peer first, then start them at once, so none has a head start on the clock.
  await using net = await testnet(n, { deferStart: true });
  const setupMs = performance.now() - setup;
  await net.startAll();
  // All n peers share this one thread: a utilisation near 1 means the run was CPU-bound here.
  const elu0 = performance.eventLoopUtilization();
  const ticks0 = net.nodes.map((x) => x.community.stats.ticks);
  try {
    const ms = await net.waitFor(() => net.minPeers() >= 10, limitMs);
    const busy = performance.eventLoopUtilization(elu0).utilization;
    // Rounds = ticks each peer actually ran (a saturated loop runs fewer than elapsed / 0.5 s).
    const ticks = net.nodes.map((x, i) => x.community.stats.ticks - ticks0[i]!);
    const rounds = ticks.reduce((a, b) => a + b, 0) / ticks.length;
    return `convergence n=${n}: ${(ms / 1000).toFixed(1)} s, ${rounds.toFixed(0)} rounds (ticks per peer; ${Math.ceil(ms / 500)} at 0.5 s) (setup ${(setupMs / 1000).toFixed(1)} s, event loop ${(busy * 100).toFixed(0)}% busy)`;
  } catch {
    return `convergence n=${n}: not reached in ${limitMs / 1000} s (min verified peers ${net.minPeers()})`;
  }
}

// Answering a request costs one verification and one signature: that pair bounds the rate.
let anchor = 0;
for (const impl of [nodeEd25519, libsodiumEd25519()]) {
  if (impl === undefined) continue;
  const a = ed25519Anchor(impl);
  if (impl.name === ed25519.name) anchor = a.pair;
  console.log(
    `ed25519 anchor ${impl.name.padEnd(11)}: verify ${a.verify.toFixed(0)}/s, sign ${a.sign.toFixed(0)}/s, verify+sign ${a.pair.toFixed(0)}/s${impl.name === ed25519.name ? ' (in use)' : ''}`,
  );
}
const rate = await answerRate();
const versus = (w: Window): string =>
  `${w.rate.toFixed(0)}/s (${(w.rate / anchor).toFixed(2)}x ${ed25519.name} verify+sign; target ${TARGET}/s ${w.rate >= TARGET ? 'met' : 'MISSED'}; ${w.dropped})`;
console.log(`intro requests verified+answered, handler path, one core: ${versus(rate.direct)}`);
console.log(
  `intro requests verified+answered, over UDP loopback, one core: ${versus(rate.udp)}, ${OFFERED}/s offered`,
);

// Typed messages: a signed Chat answered with a signed Ack, through addHandler/ezSend (decode,
// verify, typed payload, encode, sign) beside the same work written by hand on the raw handler.
const Chat = dataclassPayload('Chat', 1, { text: 'str', n: 'int' });
const Ack = dataclassPayload('Ack', 2, { n: 'int' });

async function typedRoundTrip(typed: boolean): Promise<number> {
  const cid = randomBytes(20);
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  const community = new Community({
    communityId: cid,
    endpoint,
    key: PrivateKey.generate(),
    tickMs: 0,
    rateLimits: { verify: unbudgeted },
  });
  await community.start();
  let answered = 0;
  if (typed) {
    community.addHandler(Chat, (peer, chat) => {
      community.ezSend(peer, Ack, { n: chat.n });
      answered++;
    });
  } else {
    community.addMessageHandler(Chat, (source, data) => {
      const { payload } = community.decodeSigned(source, data, Chat, { globalTime: false });
      community.send(source, community.ezPack(Ack, { n: payload.n }));
      answered++;
    });
  }
  const sender = new Community({
    communityId: cid,
    endpoint: new Endpoint(),
    key: PrivateKey.generate(),
    tickMs: 0,
  });
  const packets = Array.from({ length: 500 }, (_, i) =>
    sender.ezPack(Chat, { text: `message ${i}`, n: BigInt(i) }),
  );
  const sink = await startWorker();
  const source = { host: '127.0.0.1', port: sink.port };
  let i = 0;
  const run = async (ms: number): Promise<number> => {
    const before = answered;
    const start = performance.now();
    while (performance.now() - start < ms) {
      for (let k = 0; k < 200; k++) community.onPacket(packets[i++ % packets.length]!, source);
      await new Promise((r) => setImmediate(r));
    }
    return (answered - before) / ((performance.now() - start) / 1000);
  };
  await run(WARMUP_MS);
  const rate = await run(SECONDS * 1000);
  await sink.ask({ cmd: 'close' });
  await sink.worker.terminate();
  await community.unload();
  await endpoint.stop();
  return rate;
}
const raw = await typedRoundTrip(false);
const typedRate = await typedRoundTrip(true);
console.log(
  `typed messages verified+answered (addHandler + ezSend), one core: ${typedRate.toFixed(0)}/s (${(typedRate / raw).toFixed(2)}x the raw handler path, ${raw.toFixed(0)}/s; ${(typedRate / anchor).toFixed(2)}x ${ed25519.name} verify+sign)`,
);

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length > 0 ? sizes.filter((n) => n > 0) : [100, 300, 1000])
  console.log(await convergence(n, 120_000));
