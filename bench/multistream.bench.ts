/**
 * multistream-select negotiations per second, ours against js-libp2p's
 * (@libp2p/multistream-select) in the same process and harness, plus the physical limit for the
 * repeated-TCP case: a raw socket ping-pong of the same bytes. The dialer proposes one protocol;
 * the listener offers two and matches the second. Then the same inside real js-libp2p nodes (TCP,
 * noise, yamux, echo), stock module against peerway's drop-in, each in its own worker process
 * (the drop-in's through the same resolve hook as npm `overrides`): connection setup (dial,
 * noise, yamux, first stream) and new streams per second on one yamux connection.
 * Run: node --import tsx bench/multistream.bench.ts
 */
import '../test/helpers/libp2p-polyfill.js';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import * as js from '@libp2p/multistream-select';
import { SocketConnection, memoryConnectionPair } from '../test/helpers/libp2p-socket.js';
import { memoryPair } from '../test/multistream/memory-pair.js';
import { handle, select, PROTOCOL_ID } from '../src/multistream/index.js';
import { encodeMessage as encodeBytes } from '../src/multistream/frames.js';

/** One multistream message as a Buffer. */
const encodeMessage = (text: string | Uint8Array): Buffer => Buffer.from(encodeBytes(text));

const SECONDS = Number(process.env.BENCH_SECONDS ?? 0.5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const WANTED = '/a/1.0.0';
const OFFERED = ['/x/1.0.0', WANTED];

/** CPU time (user + system, this process) per operation of the last {@link rate} run, in µs. */
let lastCpuPerOp = 0;

/**
 * Runs `step` back to back for SECONDS (after a short warm-up); returns operations per second.
 * Every 100 steps it lets the event loop turn: an in-memory pair hands bytes over in microtasks,
 * and a loop that never leaves them would starve `process.nextTick`, whose queue (Node's streams
 * schedule a tick per chunk) then grows by a stream per step until the GC dominates.
 */
async function rate(step: () => Promise<unknown>): Promise<number> {
  const warmUntil = performance.now() + 100;
  while (performance.now() < warmUntil) await step();
  let n = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + SECONDS * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) await step();
    n += 100;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  lastCpuPerOp = (used.user + used.system) / n;
  return n / (wall / 1000);
}

/** `run`, also keeping the CPU per operation of each of its runs in `into` (by round). */
function withCpu(run: () => Promise<number>, into: number[]): () => Promise<number> {
  return async () => {
    const perSecond = await run();
    into.push(lastCpuPerOp);
    return perSecond;
  };
}

async function server(onSocket: (s: net.Socket) => void): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer({ noDelay: true }, (s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.once('close', () => sockets.delete(s));
    onSocket(s);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    close: () => {
      for (const s of sockets) s.destroy();
      srv.close();
    },
  };
}

async function connect(port: number): Promise<net.Socket> {
  const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}

// ---- in-memory pair, fresh pair per negotiation
function oursMemory(): Promise<unknown> {
  const [a, b] = memoryPair();
  return Promise.all([select(a, WANTED), handle(b, OFFERED)]);
}

function jsMemory(): Promise<unknown> {
  const [a, b] = memoryConnectionPair();
  return Promise.all([js.select(a, WANTED), js.handle(b, OFFERED)]);
}

// ---- one TCP connection, repeated negotiations
async function oursRepeated(): Promise<number> {
  const srv = await server((s) => {
    const loop = (): void => {
      handle(s, OFFERED).then(loop, () => {});
    };
    loop();
  });
  const s = await connect(srv.port);
  try {
    return await rate(() => select(s, WANTED));
  } finally {
    s.destroy();
    srv.close();
  }
}

async function jsRepeated(): Promise<number> {
  const srv = await server((s) => {
    const conn = new SocketConnection(s, 'inbound');
    const loop = (): void => {
      js.handle(conn, OFFERED).then(loop, () => {});
    };
    loop();
  });
  const s = await connect(srv.port);
  const conn = new SocketConnection(s, 'outbound');
  try {
    return await rate(() => js.select(conn, WANTED));
  } finally {
    s.destroy();
    srv.close();
  }
}

async function rawRepeated(): Promise<number> {
  const request = Buffer.concat([encodeMessage(PROTOCOL_ID), encodeMessage(WANTED)]);
  const reply = Buffer.from(request);
  const srv = await server((s) => {
    let got = 0;
    s.on('data', (d: Buffer) => {
      got += d.length;
      while (got >= request.length) {
        got -= request.length;
        s.write(reply);
      }
    });
  });
  const s = await connect(srv.port);
  let got = 0;
  let wake: (() => void) | undefined;
  s.on('data', (d: Buffer) => {
    got += d.length;
    if (got >= reply.length) {
      got -= reply.length;
      wake?.();
    }
  });
  try {
    return await rate(
      () =>
        new Promise<void>((resolve) => {
          wake = resolve;
          s.write(request);
        }),
    );
  } finally {
    s.destroy();
    srv.close();
  }
}

// ---- a new TCP connection per negotiation
async function oursFresh(): Promise<number> {
  const srv = await server((s) => {
    handle(s, OFFERED).then(
      () => s.destroy(),
      () => {},
    );
  });
  try {
    return await rate(async () => {
      const s = await connect(srv.port);
      await select(s, WANTED);
      s.destroy();
    });
  } finally {
    srv.close();
  }
}

async function jsFresh(): Promise<number> {
  const srv = await server((s) => {
    js.handle(new SocketConnection(s, 'inbound'), OFFERED).then(
      () => s.destroy(),
      () => {},
    );
  });
  try {
    return await rate(async () => {
      const s = await connect(srv.port);
      await js.select(new SocketConnection(s, 'outbound'), WANTED);
      s.destroy();
    });
  } finally {
    srv.close();
  }
}

const fmt = (n: number): string =>
  (n >= 1000 ? `${(n / 1000).toFixed(1)} k/s` : `${n.toFixed(0)} /s`).padStart(10);
const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/**
 * Runs each contender ROUNDS times, interleaved so load drift on a shared box hits all alike, and
 * in reverse order every other round so neither side always inherits the other's garbage or cache
 * state. Returns each contender's per-round rates (index = round).
 */
async function compare(cases: Array<() => Promise<number>>): Promise<number[][]> {
  const results: number[][] = cases.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    const order = cases.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) results[i]![r] = await cases[i]!();
  }
  return results;
}

/**
 * Prints medians of the rates and the median of the per-round ratios: the two rates of one round
 * were measured seconds apart, so their ratio cancels the load drift that independent medians
 * keep (on a shared box those can pair one side's quiet second with the other's busy one).
 */
function row(name: string, ours: number[], theirs: number[], label: string): void {
  const ratio = median(ours.map((x, i) => x / theirs[i]!));
  console.log(
    `${name.padEnd(32)} ours ${fmt(median(ours))}   ${label.padEnd(13)} ${fmt(median(theirs))}   ratio ${ratio.toFixed(2)}x`,
  );
}

console.log(
  `multistream-select negotiations per second: median of ${ROUNDS} interleaved rounds of ${SECONDS} s, ratio = median of per-round ratios (node ${process.version})`,
);
const [memOurs, memJs] = await compare([() => rate(oursMemory), () => rate(jsMemory)]);
row('in-memory pair, fresh each', memOurs!, memJs!, 'js-libp2p');
// Ours next to raw in every round (forward: ours, raw, js; reversed: js, raw, ours).
const cpuOurs: number[] = [];
const cpuRaw: number[] = [];
const [repOurs, repRaw, repJs] = await compare([
  withCpu(oursRepeated, cpuOurs),
  withCpu(rawRepeated, cpuRaw),
  jsRepeated,
]);
row('TCP, one connection, repeated', repOurs!, repJs!, 'js-libp2p');
row('TCP, one connection, repeated', repOurs!, repRaw!, 'raw ping-pong');
// Both ends run in this process, so CPU per negotiation is the cost of the whole exchange; it
// drifts less than wall time with other load on the machine. Ratio: raw's CPU over ours.
const us = (x: number): string => `${x.toFixed(1)} µs`.padStart(10);
console.log(
  `${'  the same, CPU per negotiation'.padEnd(32)} ours ${us(median(cpuOurs))}   ${'raw ping-pong'.padEnd(13)} ${us(median(cpuRaw))}   ratio ${median(cpuOurs.map((x, i) => cpuRaw[i]! / x)).toFixed(2)}x`,
);
const [freshOurs, freshJs] = await compare([oursFresh, jsFresh]);
row('TCP, new connection each', freshOurs!, freshJs!, 'js-libp2p');

// ---- inside js-libp2p: stock module vs the drop-in, each worker its own process
const WORKER = fileURLToPath(new URL('./multistream-libp2p-worker.ts', import.meta.url));
const ALIAS = fileURLToPath(new URL('../test/helpers/libp2p-alias.ts', import.meta.url));
const NODE_SECONDS = Number(process.env.BENCH_NODE_SECONDS ?? 1);
const NODE_ROUNDS = Number(process.env.BENCH_NODE_ROUNDS ?? 5);

interface Worker {
  ask(cmd: string): Promise<{ rate: number; calls: { select: number; handle: number } | null }>;
  stop(): void;
}

function startWorker(aliased: boolean): Worker {
  const args = ['--import', 'tsx', ...(aliased ? ['--import', ALIAS] : []), WORKER];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async ask(cmd) {
      child.stdin.write(`${JSON.stringify({ cmd, seconds: NODE_SECONDS })}\n`);
      const line = await lines.next();
      if (line.done === true) throw new Error('libp2p worker exited');
      return JSON.parse(line.value) as Awaited<ReturnType<Worker['ask']>>;
    },
    stop() {
      child.stdin.end(`${JSON.stringify({ cmd: 'stop' })}\n`);
    },
  };
}

const stockWorker = startWorker(false);
const dropInWorker = startWorker(true);
const seen: { calls: { select: number; handle: number } | null } = { calls: null };
const node = (worker: Worker, cmd: string) => async (): Promise<number> => {
  const answer = await worker.ask(cmd);
  if (worker === dropInWorker) seen.calls = answer.calls;
  return answer.rate;
};
try {
  const rounds = ROUNDS;
  // compare() uses ROUNDS; the node rounds are longer, so fewer of them.
  const nodeCompare = async (cases: Array<() => Promise<number>>): Promise<number[][]> => {
    const results: number[][] = cases.map(() => []);
    for (let r = 0; r < Math.min(rounds, NODE_ROUNDS); r++) {
      const order = cases.map((_, i) => i);
      if (r % 2 === 1) order.reverse();
      for (const i of order) results[i]![r] = await cases[i]!();
    }
    return results;
  };
  const [setupDropIn, setupStock] = await nodeCompare([
    node(dropInWorker, 'setup'),
    node(stockWorker, 'setup'),
  ]);
  const [streamsDropIn, streamsStock] = await nodeCompare([
    node(dropInWorker, 'streams'),
    node(stockWorker, 'streams'),
  ]);
  console.log(
    `js-libp2p nodes (tcp, noise, yamux, echo), median of ${Math.min(rounds, NODE_ROUNDS)} interleaved rounds of ${NODE_SECONDS} s; "ours" is the node with the drop-in`,
  );
  row('libp2p connection setup', setupDropIn!, setupStock!, 'stock mss');
  row('libp2p new streams, one conn', streamsDropIn!, streamsStock!, 'stock mss');
  const calls = seen.calls;
  if (calls === null || calls.select === 0 || calls.handle === 0) {
    throw new Error('the drop-in worker did not negotiate through the drop-in');
  }
  console.log(`drop-in worker negotiations: select ${calls.select}, handle ${calls.handle}`);
} finally {
  stockWorker.stop();
  dropInWorker.stop();
}
