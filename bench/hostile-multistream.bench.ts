/**
 * A multistream listener under attack (issue 12, finding 10), in a child process of its own: an
 * honest dialer (here) negotiates `/echo/1.0.0` on a fresh connection and echoes one message, over
 * and over, first alone and then while an attacker process floods the listener. For each attack:
 * the honest p50/p99 and losses beside the same client with no attack, the listener's RSS before,
 * at peak and after, and what the listener dropped by reason.
 *
 * Run: node --import tsx --expose-gc bench/hostile-multistream.bench.ts
 */
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { select } from '../src/multistream/index.js';
import type { MultiselectStats } from '../src/multistream/index.js';
import { ask as askWorker, forkWorker } from './child-worker.js';
import type { AttackKind, Command } from './multistream-hostile-worker.js';

const HONEST_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1000);
const ATTACK_MS = 6000;
/** Concurrent attacking connections, and the most each attack opens in all. */
const ATTACK_LOOPS = 8;
const MAX_ATTACK_CONNECTIONS = 4000;

function ask<T>(worker: ChildProcess, command: Command): Promise<T> {
  return askWorker<T>(worker, command);
}

async function honestRound(port: number): Promise<number> {
  const start = performance.now();
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  socket.on('error', () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    await select(socket, ['/missing/1.0.0', '/echo/1.0.0'], { timeout: 5000 });
    socket.write('ping');
    await new Promise<void>((resolve, reject) => {
      socket.once('data', () => resolve());
      socket.once('close', () => reject(new Error('closed')));
    });
  } finally {
    socket.destroy();
  }
  return performance.now() - start;
}

interface HonestResult {
  p50: number;
  p99: number;
  lost: number;
  n: number;
}

/** Honest rounds back to back: at least `rounds`, and for as long as `during` is pending. */
async function honest(port: number, rounds: number, during?: Promise<unknown>): Promise<HonestResult> {
  let pending = during !== undefined;
  void during?.finally(() => (pending = false));
  const times: number[] = [];
  let lost = 0;
  for (let i = 0; i < rounds || pending; i++) {
    try {
      times.push(await honestRound(port));
    } catch {
      lost++;
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number): number => times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? NaN;
  return { p50: at(0.5), p99: at(0.99), lost, n: times.length + lost };
}

function failedDelta(before: MultiselectStats, after: MultiselectStats): string {
  const parts: string[] = [];
  for (const [code, n] of Object.entries(after.failed)) {
    const d = n - (before.failed[code] ?? 0);
    if (d > 0) parts.push(`${code} ${d}`);
  }
  return parts.length === 0 ? 'none' : parts.join(', ');
}

const ms = (x: number): string => x.toFixed(2);
const mb = (x: number): string => x.toFixed(0);

const listener = forkWorker('multistream-hostile-worker.ts');
const attacker = forkWorker('multistream-hostile-worker.ts');
try {
  const { port } = await ask<{ port: number }>(listener, { cmd: 'listen' });
  await honest(port, 200); // warm-up
  // [kind, per connection, concurrent connections, label]
  const attacks: Array<[AttackKind, number, number, string]> = [
    ['ls-flood', 150_000, 1, 'the finding: 150,000 ls (600 KB) per connection, never read'],
    ['ls-flood', 1500, ATTACK_LOOPS, `ls flood, ${ATTACK_LOOPS} connections at a time, never read`],
    ['na-rounds', 2000, ATTACK_LOOPS, `2000 unknown proposals per connection, ${ATTACK_LOOPS} at a time`],
  ];
  for (const [kind, perConnection, loops, label] of attacks) {
    const calm = await honest(port, HONEST_ROUNDS);
    const before = await ask<{ rss: number; stats: MultiselectStats }>(listener, { cmd: 'mark' });
    const attackDone = ask<{ sent: number; closed: number }>(attacker, {
      cmd: 'attack',
      kind,
      perConnection,
      port,
      ms: ATTACK_MS,
      loops,
      maxConnections: MAX_ATTACK_CONNECTIONS,
    });
    const underAttack = await honest(port, HONEST_ROUNDS, attackDone);
    const { sent, closed } = await attackDone;
    const after = await ask<{ rss: number; peak: number; stats: MultiselectStats }>(listener, {
      cmd: 'sample',
    });
    console.log(
      `multistream listener | ${label} | honest p50 ${ms(underAttack.p50)} ms p99 ${ms(underAttack.p99)} ms lost ${underAttack.lost}/${underAttack.n}` +
        ` | no attack: p50 ${ms(calm.p50)} ms p99 ${ms(calm.p99)} ms lost ${calm.lost}/${calm.n}` +
        ` | server RSS MB before ${mb(before.rss)} peak ${mb(after.peak)} after ${mb(after.rss)}` +
        ` | attacker dropped ${closed}/${sent} connections: ${failedDelta(before.stats, after.stats)}`,
    );
  }
} finally {
  listener.disconnect();
  attacker.disconnect();
}
