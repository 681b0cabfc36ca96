/**
 * Child process for bench/overlay.bench.ts: the load generator of the realistic shape. It opens
 * one UDP socket per simulated peer, each on its own loopback address (127.1.x.y), gives each a
 * key of its own, and sends signed introduction requests at a steady offered rate spread evenly
 * over the sockets. It matches every introduction response to the request it answers (socket and
 * identifier) for latency, and counts the puncture requests the server sends to the peers it
 * introduces. Talks to the parent over IPC.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import { Community, Endpoint, PrivateKey, type UdpAddress } from '../src/overlay/index.js';
import {
  IntroductionRequestPayload,
  IntroductionResponsePayload,
  NewIntroductionResponsePayload,
} from '../src/overlay/discovery-payloads.js';
import { peekSignedPayload } from '../src/overlay/messages.js';
import { MessageIds, MSG_ID_OFFSET } from '../src/overlay/constants.js';

/** Commands from the parent. */
export type LoadCommand =
  | { cmd: 'prepare'; communityId: string; host: string; port: number; peers: number; perPeer: number }
  | { cmd: 'run'; ms: number; rate: number };

/** What one run measured, from the generator's side. */
export interface LoadResult {
  sent: number;
  answers: number;
  punctureRequests: number;
  unmatched: number;
  p50: number;
  p99: number;
  /** Share of the generator's own event loop spent busy (near 1: the generator was the limit). */
  busy: number;
}

/** One simulated peer: its socket, its pre-signed requests and when each identifier was sent. */
interface SimPeer {
  socket: dgram.Socket;
  packets: Uint8Array[];
  identifiers: number[];
  next: number;
  sentAt: Map<number, number>;
}

/** Sends happen in slices this long, so the offered load is steady rather than one burst. */
const SLICE_MS = 5;

let peers: SimPeer[] = [];
let target: UdpAddress = { host: '127.0.0.1', port: 0 };
let latencies: number[] = [];
let answers = 0;
let punctureRequests = 0;
let unmatched = 0;

/** A distinct loopback address per peer: the server sees 1,000 hosts, as on a real network. */
const peerHost = (i: number): string => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;

function onMessage(peer: SimPeer, data: Buffer): void {
  const id = data[MSG_ID_OFFSET];
  if (id === MessageIds.PUNCTURE_REQUEST || id === MessageIds.NEW_PUNCTURE_REQUEST) {
    punctureRequests++;
    return;
  }
  if (id !== MessageIds.INTRODUCTION_RESPONSE && id !== MessageIds.NEW_INTRODUCTION_RESPONSE) return;
  const cls =
    id === MessageIds.INTRODUCTION_RESPONSE ? IntroductionResponsePayload : NewIntroductionResponsePayload;
  const identifier = peekSignedPayload(data, cls).identifier;
  const at = peer.sentAt.get(identifier);
  if (at === undefined) {
    unmatched++;
    return;
  }
  peer.sentAt.delete(identifier);
  answers++;
  latencies.push(performance.now() - at);
}

async function prepare(m: Extract<LoadCommand, { cmd: 'prepare' }>): Promise<{ ready: number }> {
  target = { host: m.host, port: m.port };
  const cid = Buffer.from(m.communityId, 'hex');
  const builder = new Endpoint();
  peers = [];
  for (let i = 0; i < m.peers; i++) {
    const socket = dgram.createSocket('udp4');
    socket.bind(0, peerHost(i));
    await once(socket, 'listening');
    // Requests are built by a community of the peer's own key (the builder endpoint is never bound).
    const c = new Community({ communityId: cid, endpoint: builder, key: PrivateKey.generate(), tickMs: 0 });
    const packets: Uint8Array[] = [];
    const identifiers: number[] = [];
    for (let k = 0; k < m.perPeer; k++) {
      const packet = c.createIntroductionRequest(target);
      packets.push(packet);
      identifiers.push(peekSignedPayload(packet, IntroductionRequestPayload).identifier);
    }
    const peer: SimPeer = { socket, packets, identifiers, next: 0, sentAt: new Map() };
    socket.on('message', (data) => onMessage(peer, data));
    peers.push(peer);
  }
  return { ready: peers.length };
}

async function run(ms: number, rate: number): Promise<LoadResult> {
  latencies = [];
  answers = 0;
  punctureRequests = 0;
  unmatched = 0;
  for (const p of peers) p.sentAt.clear();
  const elu0 = performance.eventLoopUtilization();
  const start = performance.now();
  let sent = 0;
  let turn = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - start;
      if (elapsed >= ms) {
        clearInterval(timer);
        resolve();
        return;
      }
      // Catch up to the offered schedule (a late timer sends more), one request per peer in turn.
      const due = Math.floor((elapsed / 1000) * rate);
      for (; sent < due; sent++) {
        const peer = peers[turn++ % peers.length]!;
        const k = peer.next++ % peer.packets.length;
        peer.sentAt.set(peer.identifiers[k]!, performance.now());
        peer.socket.send(peer.packets[k]!, target.port, target.host);
      }
    }, SLICE_MS);
  });
  // Answers still in flight get a moment to arrive.
  await new Promise((r) => setTimeout(r, 300));
  const busy = performance.eventLoopUtilization(elu0).utilization;
  latencies.sort((a, b) => a - b);
  const q = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { sent, answers, punctureRequests, unmatched, p50: q(0.5), p99: q(0.99), busy };
}

process.on('message', (m: LoadCommand) => {
  void (async () => {
    switch (m.cmd) {
      case 'prepare':
        process.send!(await prepare(m));
        break;
      case 'run':
        process.send!(await run(m.ms, m.rate));
        break;
    }
  })();
});
process.on('disconnect', () => {
  for (const p of peers) p.socket.close();
  process.exit(0);
});
