/**
 * The node's HTTP server under the attacks of issue 12 (finding 15), each beside an honest
 * /health poller: a pipelined /metrics flood, huge bodies to a refused route, and idle
 * connections past the cap. For each attack one line: the poller's latency and losses with and
 * without the attack, the server's RSS (a child process: bench/hostile-node-worker.ts) before, at
 * peak and after, and what the server dropped. The attacker runs in a third process
 * (bench/hostile-node-attacker.ts), so neither its CPU nor its memory blurs the figures.
 *
 *   node --import tsx --expose-gc bench/hostile-node.bench.ts [<substring of an attack name>]
 *
 * WORKER_NODE_ARGS adds node flags to the server process, e.g. to profile it:
 *   WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" node --import tsx --expose-gc bench/hostile-node.bench.ts back
 */
import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { HttpStats } from '../src/node/http-connections.js';

/** How long each phase (no attack, attack) polls. */
const PHASE_MS = 3000;
/** Pause between probes of the honest poller. */
const POLL_GAP_MS = 5;

interface Reply {
  ready?: boolean;
  port?: number;
  rss?: number;
  peak?: number;
  stats?: HttpStats;
  stopped?: boolean;
}

function ask(worker: ChildProcess, cmd: string): Promise<Reply> {
  return new Promise((resolve) => {
    worker.once('message', (m: Reply) => resolve(m));
    worker.send({ cmd });
  });
}

function probe(port: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/health', agent: false, signal: AbortSignal.timeout(2000) },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface Honest {
  p50: number;
  p99: number;
  lost: number;
  n: number;
}

async function poll(port: number, ms: number): Promise<Honest> {
  const latencies: number[] = [];
  let lost = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    try {
      latencies.push(await probe(port));
    } catch {
      lost++;
    }
    await delay(POLL_GAP_MS);
  }
  latencies.sort((a, b) => a - b);
  const at = (p: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), lost, n: latencies.length + lost };
}

/** The attacks bench/hostile-node-attacker.ts runs, by name, and the server counters each moves. */
const attacks: Array<{ name: string; counters: Array<keyof HttpStats> }> = [
  { name: 'pipelined /metrics, 500 every 500 ms', counters: ['requestsDropped', 'overBudget'] },
  { name: 'pipelined /metrics, 20 conns x 100 back to back', counters: ['requestsDropped', 'overBudget'] },
  { name: '100 MB bodies to a 405, 4 at once', counters: ['bodiesRefused'] },
  { name: '1,100 idle connections (cap 256)', counters: ['evicted', 'refused', 'timedOut', 'overBudget'] },
];

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const ms = (x: number): string => x.toFixed(1);

async function main(): Promise<void> {
  const worker = fork(join(import.meta.dirname, 'hostile-node-worker.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.WORKER_NODE_ARGS?.split(' ') ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Reply>((resolve) => worker.once('message', (m: Reply) => resolve(m)));
  const port = ready.port!;
  try {
    // Warm both sides up (JIT, the first /metrics render) before measuring.
    await poll(port, 500);
    const only = process.argv[2];
    for (const attack of attacks.filter((a) => only === undefined || a.name.includes(only))) {
      const quiet = await poll(port, PHASE_MS);
      const before = await ask(worker, 'mark');
      const attacker = fork(
        join(import.meta.dirname, 'hostile-node-attacker.ts'),
        [attack.name, String(port)],
        {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        },
      );
      await new Promise((r) => attacker.once('message', r));
      const honest = await poll(port, PHASE_MS);
      attacker.send({ cmd: 'stop' });
      await new Promise((r) => attacker.once('exit', r));
      await delay(1000);
      const after = await ask(worker, 'peak');
      const dropped = attack.counters.map((c) => `${c} ${after.stats![c] - before.stats![c]}`).join(', ');
      console.log(
        `node http | ${attack.name} | honest p50 ${ms(honest.p50)} ms p99 ${ms(honest.p99)} ms lost ${honest.lost}/${honest.n}` +
          ` | no attack: p50 ${ms(quiet.p50)} ms p99 ${ms(quiet.p99)} ms lost ${quiet.lost}/${quiet.n}` +
          ` | server RSS MB before ${mb(before.rss!)} peak ${mb(after.peak!)} after ${mb(after.rss!)}` +
          ` | attacker dropped ${dropped}`,
      );
    }
  } finally {
    await ask(worker, 'stop');
  }
}

await main();
