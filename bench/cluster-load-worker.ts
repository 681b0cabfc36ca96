/**
 * Load generator for bench/cluster.bench.ts, run as a separate process. Senders connect to one
 * directory port and receivers to another (the same port for the single-instance run); sender i
 * sends signed ~300-byte `fill` privmsgs to receiver i, and the receiver times each one against
 * its send time (both ends live here, and each pair's messages stay in order). Also holds many
 * idle handshaked connections for the memory figure. Talks to the parent over IPC.
 */
import net from 'node:net';
import { once } from 'node:events';
import { encodeEnvelope } from '../src/directory/wire/envelope.js';
import { formatClientHandshake } from '../src/directory/wire/handshake.js';
import { formatSignedPrivmsg } from '../src/directory/wire/message-line.js';
import { NickIdentity } from '../src/directory/wire/nick.js';

type Command =
  | { cmd: 'load'; from: number; to: number; pairs: number; seconds: number; rate: number; window: number }
  | { cmd: 'idle'; port: number; connections: number }
  | { cmd: 'release' };

interface Pair {
  sender: net.Socket;
  receiver: net.Socket;
  text: string;
  sentAt: number[];
  inflight: number;
}

async function join(port: number, nick: string): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(
    encodeEnvelope(
      793,
      formatClientHandshake({
        nick,
        location: 'NOT-SERVING-ONION',
        features: { ping: true },
        network: 'signet',
      }),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString('latin1');
      if (!seen.includes('\n')) return;
      socket.off('data', onData);
      if (seen.includes('"accepted\\": true')) resolve();
      else reject(new Error(`handshake rejected: ${seen.slice(0, 200)}`));
    };
    socket.on('data', onData);
  });
  return socket;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Counts privmsg lines (type 685) in a receiver's stream and hands each to `onMessage`. */
function countLines(socket: net.Socket, onMessage: () => void): void {
  let rest = '';
  socket.on('data', (d: Buffer) => {
    const text = rest + d.toString('latin1');
    let from = 0;
    let at: number;
    while ((at = text.indexOf('\n', from)) !== -1) {
      if (text.startsWith('{"type": 685', from)) onMessage();
      from = at + 1;
    }
    rest = text.slice(from);
  });
}

async function load(c: Extract<Command, { cmd: 'load' }>): Promise<Record<string, number>> {
  const pairs: Pair[] = [];
  const latencies: number[] = [];
  let measuring = false;
  let delivered = 0;
  for (let i = 0; i < c.pairs; i++) {
    const a = NickIdentity.generate();
    const b = NickIdentity.generate();
    const receiver = await join(c.to, b.nick);
    const sender = await join(c.from, a.nick);
    const data = `${i} 500000 ${'ab'.repeat(32)} P${'cd'.repeat(32)} ${'ef'.repeat(33)}`;
    const pair: Pair = {
      sender,
      receiver,
      text: encodeEnvelope(685, formatSignedPrivmsg(a, b.nick, 'fill', data)),
      sentAt: [],
      inflight: 0,
    };
    countLines(receiver, () => {
      const at = pair.sentAt.shift();
      pair.inflight--;
      if (at === undefined || !measuring) return;
      delivered++;
      latencies.push(performance.now() - at);
    });
    pairs.push(pair);
  }
  // Receivers on another instance are known there after the cluster's presence update.
  await new Promise((r) => setTimeout(r, 1_500));
  const send = (p: Pair): void => {
    p.sentAt.push(performance.now());
    p.inflight++;
    p.sender.write(p.text);
  };
  const cpu0 = process.cpuUsage();
  process.send!({ mark: 'start' });
  measuring = true;
  const t0 = performance.now();
  const end = t0 + c.seconds * 1000;
  if (c.window > 0) {
    // Saturation: each sender keeps `window` messages in flight.
    while (performance.now() < end) {
      for (const p of pairs) while (p.inflight < c.window) send(p);
      await new Promise((r) => setImmediate(r));
    }
  } else {
    let sent = 0;
    let next = 0;
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - t0) / 1000) * c.rate);
      while (sent < due) {
        send(pairs[next]!);
        next = (next + 1) % pairs.length;
        sent++;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const elapsed = (performance.now() - t0) / 1000;
  measuring = false;
  process.send!({ mark: 'end' });
  const cpu = process.cpuUsage(cpu0);
  // Let what is in flight land, then close.
  await new Promise((r) => setTimeout(r, 500));
  for (const p of pairs) {
    p.sender.destroy();
    p.receiver.destroy();
  }
  const sorted = Float64Array.from(latencies).sort();
  return {
    relayedPerSec: delivered / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    samples: sorted.length,
    loadCpu: ((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100,
  };
}

let idleSockets: net.Socket[] = [];

async function idle(c: Extract<Command, { cmd: 'idle' }>): Promise<Record<string, number>> {
  let failed = 0;
  const BATCH = 100;
  for (let i = 0; i < c.connections; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, c.connections - i) }, () =>
      join(c.port, NickIdentity.generate().nick).then(
        (s) => idleSockets.push(s),
        () => failed++,
      ),
    );
    await Promise.all(batch);
  }
  return { held: idleSockets.length, failed };
}

process.on('message', (m: Command) => {
  const run = async (): Promise<Record<string, number>> => {
    if (m.cmd === 'load') return load(m);
    if (m.cmd === 'idle') return idle(m);
    for (const s of idleSockets) s.destroy();
    idleSockets = [];
    return {};
  };
  run().then(
    (result) => process.send!({ ok: true, result }),
    (err: unknown) => process.send!({ ok: false, error: String(err) }),
  );
});
