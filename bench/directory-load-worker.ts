/**
 * Load generator for bench/directory.bench.ts, run as a separate process (fork with tsx). It
 * holds raw sockets to the directory, sends pre-signed privmsgs to random others and measures
 * relay latency, or holds many idle handshaked connections. Talks to the parent over IPC.
 */
import net from 'node:net';
import { once } from 'node:events';
import { encodeEnvelope } from '../src/directory/wire/envelope.js';
import { formatClientHandshake } from '../src/directory/wire/handshake.js';
import { formatSignedPrivmsg } from '../src/directory/wire/message-line.js';
import { NickIdentity } from '../src/directory/wire/nick.js';

type Command =
  | { cmd: 'load'; port: number; clients: number; seconds: number; rate: number; window: number }
  | { cmd: 'idle'; port: number; connections: number; offset?: number }
  | { cmd: 'release' };

const SIGNED_PER_CLIENT = 4;

interface LoadClient {
  index: number;
  nick: string;
  socket: net.Socket;
  /** Pre-signed bodies `cmd data pub sig` (the signature covers data only, so any recipient works). */
  bodies: string[];
  /** Text queued for one write at the end of the I/O phase. */
  pending: string;
  inflight: number;
}

function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
  socket.on('error', () => {});
  return once(socket, 'connect').then(() => socket);
}

function handshake(nick: string): string {
  return encodeEnvelope(
    793,
    formatClientHandshake({
      nick,
      location: 'NOT-SERVING-ONION',
      features: { ping: true },
      network: 'signet',
    }),
  );
}

/** Resolves when the socket has received one full line. */
function firstLine(socket: net.Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer): void => {
      seen += d.toString('latin1');
      if (seen.includes('\n')) {
        socket.off('data', onData);
        if (seen.includes('"accepted\\": true')) resolve();
        else reject(new Error('handshake rejected'));
      }
    };
    socket.on('data', onData);
  });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function load(c: Extract<Command, { cmd: 'load' }>): Promise<Record<string, number>> {
  const n = c.clients;
  const ids = Array.from({ length: n }, () => NickIdentity.generate());
  const clients: LoadClient[] = [];
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const bodies: string[] = [];
    for (let k = 0; k < SIGNED_PER_CLIENT; k++) {
      const data = `${k} 500000 ${'ab'.repeat(32)} P${'cd'.repeat(32)} ${'ef'.repeat(33)}`;
      const line = formatSignedPrivmsg(id, 'X', 'fill', data);
      bodies.push(line.slice(line.indexOf('!X!') + 3));
    }
    const socket = await connect(c.port);
    const ok = firstLine(socket);
    socket.write(handshake(id.nick));
    await ok;
    clients.push({ index: i, nick: id.nick, socket, bodies, pending: '', inflight: 0 });
  }
  const byNick = new Map(clients.map((cl) => [cl.nick, cl]));
  // Send times per (sender, receiver) pair: the directory keeps each pair's order (one TCP
  // stream in, one out, one thread), so a FIFO per pair matches sends to receipts.
  const pending = new Map<number, number[]>();
  const latencies: number[] = [];
  let received = 0;
  let sent = 0;
  let measuring = false;
  let running = true;

  const send = (from: LoadClient): void => {
    let to = Math.floor(Math.random() * (n - 1));
    if (to >= from.index) to++;
    const target = clients[to]!;
    const body = from.bodies[sent % SIGNED_PER_CLIENT]!;
    const key = from.index * n + to;
    let q = pending.get(key);
    if (q === undefined) pending.set(key, (q = []));
    q.push(performance.now());
    from.inflight++;
    sent++;
    if (from.pending === '') {
      dirty.push(from);
      if (dirty.length === 1) setImmediate(flush);
    }
    from.pending += encodeEnvelope(685, `${from.nick}!${target.nick}!${body}`);
  };
  const dirty: LoadClient[] = [];
  const flush = (): void => {
    for (const cl of dirty.splice(0)) {
      cl.socket.write(cl.pending);
      cl.pending = '';
    }
  };

  const PREFIX = '{"type": 685, "line": "';
  for (const cl of clients) {
    let buffer = '';
    cl.socket.on('data', (d: Buffer) => {
      buffer += d.toString('latin1');
      let start = 0;
      for (let at = buffer.indexOf('\n', start); at !== -1; at = buffer.indexOf('\n', start)) {
        const line = buffer.slice(start, at);
        start = at + 1;
        if (!line.startsWith(PREFIX)) continue;
        const from = byNick.get(line.slice(PREFIX.length, PREFIX.length + 16))!;
        const t0 = pending.get(from.index * n + cl.index)!.shift()!;
        from.inflight--;
        if (measuring) {
          received++;
          latencies.push(performance.now() - t0);
        }
        if (running && c.rate === 0 && from.inflight < c.window) send(from);
      }
      buffer = buffer.slice(start);
    });
  }

  let timer: NodeJS.Timeout | undefined;
  if (c.rate === 0) {
    for (const cl of clients) for (let k = 0; k < c.window; k++) send(cl);
  } else {
    const tickMs = 1;
    let due = 0;
    let last = performance.now();
    timer = setInterval(() => {
      const now = performance.now();
      due += ((now - last) * c.rate) / 1000;
      last = now;
      for (; due >= 1; due--) send(clients[Math.floor(Math.random() * n)]!);
    }, tickMs);
  }
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  measuring = true;
  process.send!({ mark: 'start' });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, c.seconds * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.send!({ mark: 'end' });
  measuring = false;
  running = false;
  clearInterval(timer);
  await new Promise((r) => setTimeout(r, 300));
  for (const cl of clients) cl.socket.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    relayedPerSec: received / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    samples: sorted.length,
    loadCpu: (cpu.user + cpu.system) / 1e4 / elapsed,
  };
}

let idleSockets: net.Socket[] = [];

async function idle(c: Extract<Command, { cmd: 'idle' }>): Promise<Record<string, number>> {
  const batch = 250;
  let failed = 0;
  for (let i = 0; i < c.connections; i += batch) {
    const size = Math.min(batch, c.connections - i);
    const done = await Promise.allSettled(
      Array.from({ length: size }, async (_, k) => {
        const socket = await connect(c.port);
        idleSockets.push(socket);
        const ok = firstLine(socket);
        socket.write(
          handshake(
            `J5idLe${String((c.offset ?? 0) + i + k)
              .padStart(10, '0')
              .replace(/0/g, 'o')}`,
          ),
        );
        await ok;
      }),
    );
    failed += done.filter((r) => r.status === 'rejected').length;
  }
  return { held: c.connections - failed, failed };
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
process.on('disconnect', () => process.exit(0));
