/**
 * The directory under attack (issue 12, findings 6, 7 and 9): for each attack, the healthy
 * pair's latency and losses with and without it, the server's RSS before, at peak and after, and
 * what the server dropped. The server runs in a child process (bench/hostile-directory-worker.ts)
 * so its RSS is its own; the attackers run in another (test/adversarial/directory-attacker.ts);
 * the honest pair runs here.
 *
 * Run: node --import tsx --expose-gc bench/hostile-directory.bench.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DirectoryClient, NickIdentity, type DirectoryServerInit } from '../src/directory/index.js';
import { startAttacker, type AttackCommand } from '../test/adversarial/directory-attacker.js';

const ROUNDS = 150;
const GAP_MS = 20;

function ask<T>(worker: ChildProcess, command: unknown): Promise<T> {
  return new Promise((resolve) => {
    worker.once('message', (m) => resolve(m as T));
    worker.send(command as object);
  });
}

interface Exchange {
  p50: number;
  p99: number;
  lost: number;
  sent: number;
}

/** Two honest clients trading a privmsg and a pubmsg every GAP_MS; latencies from send to receipt. */
async function honest(port: number): Promise<{ run: () => Promise<Exchange>; close: () => Promise<void> }> {
  const make = (): DirectoryClient =>
    new DirectoryClient({ host: '127.0.0.1', port, identity: NickIdentity.generate(), network: 'signet' });
  const a = make();
  const b = make();
  await a.connect();
  await b.connect();
  const latencies: number[] = [];
  const seen = new Set<string>();
  const take = (id: string | undefined, at: string | undefined): void => {
    if (id === undefined || !id.startsWith('h-') || seen.has(id)) return;
    seen.add(id);
    latencies.push(performance.now() - Number(at));
  };
  b.on('privmsg', (m) => take(...(m.data.split(' ') as [string, string])));
  a.on('pubmsg', (m) => take(...(m.body.split(' ').slice(1) as [string, string])));
  return {
    async run() {
      latencies.length = 0;
      seen.clear();
      let sent = 0;
      for (let i = 0; i < ROUNDS; i++) {
        try {
          a.sendPrivmsg(b.nick, 'honest', `h-p${i} ${performance.now()}`);
          b.sendPubmsg(`honest h-q${i} ${performance.now()}`);
        } catch {
          // A client the server closed: its messages count as lost.
        }
        sent += 2;
        await new Promise((r) => setTimeout(r, GAP_MS));
      }
      const end = Date.now() + 3000;
      while (seen.size < sent && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      const sorted = [...latencies].sort((x, y) => x - y);
      const at = (q: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
      return { p50: at(0.5), p99: at(0.99), lost: sent - seen.size, sent };
    },
    async close() {
      await a.stop();
      await b.stop();
    },
  };
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
const ms = (x: number): string => x.toFixed(1);

async function measure(
  name: string,
  init: DirectoryServerInit,
  attack: (port: number) => AttackCommand,
  settleMs: number,
): Promise<void> {
  const worker = fork(join(import.meta.dirname, 'hostile-directory-worker.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await ask<{ port: number }>(worker, { cmd: 'start', init });
    const pair = await honest(port);
    const calm = await pair.run();
    const before = await ask<{ rss: number }>(worker, { cmd: 'rss' });
    const attacker = await startAttacker(attack(port));
    const hit = await pair.run();
    await attacker.done;
    await new Promise((r) => setTimeout(r, settleMs));
    const during = await ask<{ rss: number; peak: number }>(worker, { cmd: 'rss' });
    await attacker.stop();
    await new Promise((r) => setTimeout(r, 1000));
    const after = await ask<{ rss: number; peak: number }>(worker, { cmd: 'rss' });
    const { stats } = await ask<{
      stats: { dropped: Record<string, number>; evicted: Record<string, number> };
    }>(worker, {
      cmd: 'stats',
    });
    await pair.close();
    const reasons = [
      ...Object.entries(stats.evicted).map(([k, v]) => `evicted ${k} ${v}`),
      ...Object.entries(stats.dropped).map(([k, v]) => `dropped ${k} ${v}`),
    ].join(', ');
    console.log(
      `DirectoryServer | ${name} | honest p50 ${ms(hit.p50)} ms p99 ${ms(hit.p99)} ms lost ${hit.lost}/${hit.sent} | ` +
        `no attack: p50 ${ms(calm.p50)} ms p99 ${ms(calm.p99)} ms lost ${calm.lost}/${calm.sent} | ` +
        `server RSS MB before ${mb(before.rss)} peak ${mb(Math.max(during.peak, after.peak))} after ${mb(after.rss)} | ` +
        `attacker dropped ${reasons === '' ? 'nothing' : reasons}`,
    );
  } finally {
    await ask(worker, { cmd: 'stop' });
  }
}

async function main(): Promise<void> {
  // Many attacker connections come from 127.0.0.1; only the handshake flood keeps the default limit.
  const manyFromOneHost = { handshakeBurst: 5_000 };
  await measure(
    '39 KB pubmsgs at 500/s for 2 s + 100 peers that never read',
    manyFromOneHost,
    (port) => ({ attack: 'flood', port, readers: 100, rate: 500, seconds: 2 }),
    500,
  );
  await measure(
    '3,000 handshakes from one address in about 3 s',
    {},
    (port) => ({ attack: 'handshakes', port, count: 3000, perBatch: 50, gapMs: 20 }),
    500,
  );
  await measure(
    '1,000 peers holding a 39,996-byte partial line (bound 3 s here, 60 s by default)',
    { ...manyFromOneHost, partialLineTimeout: 3000, sweepInterval: 200 },
    (port) => ({ attack: 'partial', port, holders: 1000, bytes: 39_996 }),
    4000,
  );
  await measure(
    '2,000 peers holding a 39,996-byte partial line (60 s bound; the 32 MiB budget for all)',
    manyFromOneHost,
    (port) => ({ attack: 'partial', port, holders: 2000, bytes: 39_996 }),
    2000,
  );
}

await main();
