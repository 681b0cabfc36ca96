/**
 * Child process for bench/hostile-overlay.bench.ts: either the overlay server (one Endpoint and
 * Community, so its RSS is the server's alone) or the attacker. Talks to the parent over IPC.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import { generateKeyPairSync, sign } from 'node:crypto';
import { Community, Endpoint, PrivateKey, type UdpAddress } from '../src/overlay/index.js';
import { ByteWriter } from '../src/overlay/byte-io.js';
import {
  IntroductionRequestPayload,
  PuncturePayload,
  PunctureRequestPayload,
} from '../src/overlay/discovery-payloads.js';
import { bitsOf } from '../src/overlay/formats.js';

/** The attacks the bench runs. */
export type AttackKind =
  'unsolicited' | 'table-fill' | 'expensive-requests' | 'expensive-punctures' | 'reflection';

/** Commands from the parent. */
export type Command =
  | { cmd: 'serve'; communityId: string; maxPeers: number }
  | { cmd: 'mark' }
  | { cmd: 'sample' }
  | { cmd: 'attack'; kind: AttackKind; communityId: string; host: string; port: number; ms: number };

/** What the server reports. */
export interface ServerSample {
  rss: number;
  peak: number;
  peers: number;
  peersRemoved: number;
  dropped: Record<string, number>;
  sent: number;
}

const MB = 1024 * 1024;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The attacker's pace: about what loopback carries on this machine (see the adversarial test). */
const PER_BATCH = 25;
const BATCH_PAUSE_MS = 5;

let server: { endpoint: Endpoint; community: Community } | undefined;
let peak = 0;
let sampler: NodeJS.Timeout | undefined;

function sample(): ServerSample {
  const c = server!.community;
  return {
    rss: process.memoryUsage().rss / MB,
    peak,
    peers: c.getPeers().length,
    peersRemoved: c.stats.peersRemoved,
    dropped: { ...c.stats.dropped, ...prefixed(server!.endpoint.stats.dropped) },
    sent: server!.endpoint.stats.sent,
  };
}

function prefixed(r: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [`endpoint.${k}`, v]));
}

async function serve(communityId: string, maxPeers: number): Promise<{ port: number }> {
  const endpoint = new Endpoint({ host: '127.0.0.1' });
  await endpoint.start();
  // Churn faster than py-ipv8's 27.5 s / 57.5 s so the table-fill attack resolves inside the bench.
  const churn = { inactiveMs: 1000, pingIntervalMs: 300, dropMs: 2500 };
  const community = new Community({
    communityId: Buffer.from(communityId, 'hex'),
    endpoint,
    key: PrivateKey.generate(),
    maxPeers,
    tickMs: 100,
    walkers: [],
    churn,
  });
  await community.start();
  server = { endpoint, community };
  return { port: endpoint.address.port };
}

async function socketAt(host = '127.0.0.1'): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  socket.on('error', () => {});
  socket.bind(0, host);
  await once(socket, 'listening');
  return socket;
}

/** Sends `packets` round-robin from `sockets` for `ms`, paced; returns how many were sent. */
async function flood(
  sockets: dgram.Socket[],
  to: UdpAddress,
  packets: Uint8Array[],
  ms: number,
): Promise<number> {
  const end = Date.now() + ms;
  let sent = 0;
  while (Date.now() < end) {
    for (let i = 0; i < PER_BATCH; i++, sent++) {
      sockets[sent % sockets.length]!.send(packets[sent % packets.length]!, to.port, to.host);
    }
    await sleep(BATCH_PAUSE_MS);
  }
  return sent;
}

function expensivePackets(
  kind: 'request' | 'puncture',
  cid: Uint8Array,
  to: UdpAddress,
  count: number,
): Uint8Array[] {
  const half = 72; // sect571r1: r and s padded to 72 bytes each, as py-ipv8 does
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'sect571r1' });
  const bin = publicKey.export({ format: 'der', type: 'spki' });
  const pad = (b: Buffer): Buffer => Buffer.concat([Buffer.alloc(half - b.length), b]);
  return Array.from({ length: count }, (_, i) => {
    const w = new ByteWriter();
    w.bytes(Uint8Array.from([0, 2, ...cid]));
    w.u8(kind === 'request' ? 246 : 249);
    w.u16(bin.length);
    w.bytes(bin);
    w.u64(BigInt(i + 1));
    if (kind === 'request') {
      const extraBytes = new Uint8Array(0);
      IntroductionRequestPayload.write(w, {
        destination: to,
        sourceLan: to,
        sourceWan: to,
        flags: bitsOf(),
        identifier: i,
        extraBytes,
      });
    } else PuncturePayload.write(w, { sourceLan: to, sourceWan: to, identifier: i });
    const unsigned = w.finish();
    const p1363 = sign('sha1', unsigned, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    return Buffer.concat([unsigned, pad(p1363.subarray(0, half)), pad(p1363.subarray(half))]);
  });
}

async function attack(
  kind: AttackKind,
  communityId: string,
  to: UdpAddress,
  ms: number,
): Promise<{ sent: number }> {
  const cid = Buffer.from(communityId, 'hex');
  if (kind === 'table-fill') {
    // 31 requesters fill the table, then go silent (their sockets close).
    const nodes: Array<{ endpoint: Endpoint; community: Community }> = [];
    for (let i = 0; i < 31; i++) {
      const endpoint = new Endpoint({ host: '127.0.0.1' });
      await endpoint.start();
      const community = new Community({
        communityId: cid,
        endpoint,
        key: PrivateKey.generate(),
        tickMs: 0,
        churn: false,
      });
      await community.start();
      community.walkTo(to);
      nodes.push({ endpoint, community });
    }
    await sleep(300);
    for (const n of nodes) {
      await n.community.unload();
      await n.endpoint.stop();
    }
    await sleep(ms - 300);
    return { sent: nodes.length };
  }
  const sockets = await Promise.all(Array.from({ length: kind === 'reflection' ? 50 : 1 }, () => socketAt()));
  let packets: Uint8Array[];
  if (kind === 'unsolicited') {
    const forger = new Endpoint();
    const fakes = Array.from(
      { length: 300 },
      () => new Community({ communityId: cid, endpoint: forger, key: PrivateKey.generate() }),
    );
    packets = Array.from({ length: 3000 }, (_, i) =>
      fakes[i % fakes.length]!.createIntroductionResponse(to, to, i & 0xffff),
    );
  } else if (kind === 'reflection') {
    const forger = new Community({ communityId: cid, endpoint: new Endpoint(), key: PrivateKey.generate() });
    packets = Array.from({ length: 100 }, (_, i) => {
      const victim = { host: '127.0.0.2', port: 20_000 + i };
      const value = { lanWalker: victim, wanWalker: victim, identifier: i };
      return forger.ezPack(PunctureRequestPayload, value, { signed: false, globalTime: 1n });
    });
  } else packets = expensivePackets(kind === 'expensive-requests' ? 'request' : 'puncture', cid, to, 100);
  const sent = await flood(sockets, to, packets, ms);
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return { sent };
}

process.on('message', (m: Command) => {
  void (async () => {
    switch (m.cmd) {
      case 'serve':
        process.send!(await serve(m.communityId, m.maxPeers));
        break;
      case 'mark':
        global.gc?.();
        peak = process.memoryUsage().rss / MB;
        if (sampler !== undefined) clearInterval(sampler);
        sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss / MB)), 50);
        process.send!(sample());
        break;
      case 'sample':
        global.gc?.();
        process.send!(sample());
        break;
      case 'attack':
        process.send!(await attack(m.kind, m.communityId, { host: m.host, port: m.port }, m.ms));
        break;
    }
  })();
});
process.on('disconnect', () => {
  if (sampler !== undefined) clearInterval(sampler);
  void (async () => {
    await server?.community.unload();
    await server?.endpoint.stop();
    process.exit(0);
  })();
});
