/**
 * A discovery node under attack (issue 12, findings 11 to 14): for each attack, the honest
 * client's latency and losses beside the same client with no attack, the server's RSS before,
 * at peak and after (the server runs alone in bench/discovery-hostile-worker.ts), and what the
 * server dropped, from its own stats. Loopback only; each attack is bounded in count and time.
 *
 * Run: node --import tsx --expose-gc bench/hostile-discovery.bench.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { LineClient } from '../test/discovery/harness.js';
import {
  floodWithoutReading,
  holdIdle,
  honestFor,
  percentile,
  type ProbeResult,
} from '../test/adversarial/discovery-attacks.js';

type Reply = { port?: number; rss?: number; peak?: number; stats?: Record<string, Record<string, number>> };

const HONEST = '127.0.0.1';
/** How long the honest client is measured, with and without each attack. */
const HONEST_MS = 3000;

function ask(worker: ChildProcess, command: object): Promise<Reply> {
  return new Promise((resolve) => {
    worker.once('message', (m: Reply) => resolve(m));
    worker.send(command);
  });
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

function honestText(r: ProbeResult): string {
  return `p50 ${percentile(r.latencies, 50).toFixed(1)} ms p99 ${percentile(r.latencies, 99).toFixed(1)} ms lost ${r.lost}/${r.sent}`;
}

/** Counters that grew between two stats snapshots, as `group.key +n`. */
function grew(before: Reply['stats'], after: Reply['stats'], keys: string[]): string {
  return keys
    .map((k) => {
      const [group, key] = k.split('.') as [string, string];
      const n = (after?.[group]?.[key] ?? 0) - (before?.[group]?.[key] ?? 0);
      return `${key} ${n}`;
    })
    .join(', ');
}

interface Attack {
  name: string;
  /** Starts the attack; resolves once it is in place, with a function that ends it. */
  run: (port: number) => Promise<() => Promise<void> | void>;
  /** Counters that say what the server dropped. */
  counters: string[];
}

const attacks: Attack[] = [
  {
    name: 'lock-out: 1,000 idle connections from one address',
    run: async (port) => {
      const idle = await holdIdle(port, 1000, ['127.0.0.2']);
      return () => idle.close();
    },
    counters: ['sessions.refusedPerSource'],
  },
  {
    name: 'silent sessions: 500 idle from 50 addresses, never server.version',
    run: async (port) => {
      const idle = await holdIdle(
        port,
        500,
        Array.from({ length: 50 }, (_, i) => `127.0.1.${i + 1}`),
      );
      return async () => {
        // The hello timeout (10 s) closes them; wait for it, bounded.
        const deadline = Date.now() + 15_000;
        while (idle.open() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        idle.close();
      };
    },
    counters: ['rpc.helloTimeouts'],
  },
  {
    name: 'non-reading: 5 line floods + 5 batch floods, 4 s',
    run: (port) => {
      const done = Promise.all([
        floodWithoutReading(port, '127.0.0.3', 5, 4000),
        floodWithoutReading(port, '127.0.0.4', 5, 4000, 64),
      ]);
      return Promise.resolve(async () => void (await done));
    },
    counters: ['rpc.backpressure', 'rpc.outputOverflow'],
  },
  {
    name: 'add_peer: 200 loopback-resolving names from 200 addresses',
    run: (port) => {
      const done = (async () => {
        for (let i = 0; i < 200; i++) {
          const client = await LineClient.connect(port, '127.0.0.1', `127.0.2.${i + 1}`);
          await client.call('server.version', ['evil', '1.4']);
          const features = { hosts: { 'sneaky.example.com': { tcp_port: port, ssl_port: null } } };
          await client.call('server.add_peer', [features], 2);
          client.close();
        }
      })();
      return Promise.resolve(async () => void (await done));
    },
    counters: ['addPeer.notPublic', 'addPeer.rateLimited'],
  },
];

async function main(): Promise<void> {
  const worker = fork(join(import.meta.dirname, 'discovery-hostile-worker.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await new Promise<Reply>((resolve) => worker.once('message', resolve));
    console.log('server | attack | honest under attack | no attack | server RSS | attacker dropped');
    for (const attack of attacks) {
      const quiet = await honestFor(port!, HONEST, HONEST_MS);
      const before = await ask(worker, { cmd: 'rss', settle: true });
      const statsBefore = (await ask(worker, { cmd: 'stats' })).stats;
      await ask(worker, { cmd: 'mark' });
      const end = await attack.run(port!);
      const honest = await honestFor(port!, HONEST, HONEST_MS);
      await end();
      const peak = await ask(worker, { cmd: 'rss', settle: false });
      const statsAfter = (await ask(worker, { cmd: 'stats' })).stats;
      await new Promise((r) => setTimeout(r, 500));
      const after = await ask(worker, { cmd: 'rss', settle: true });
      console.log(
        `discovery | ${attack.name} | honest ${honestText(honest)} | no attack: ${honestText(quiet)} | ` +
          `server RSS MB before ${mb(before.rss!)} peak ${mb(peak.peak!)} after ${mb(after.rss!)} | ` +
          `attacker dropped ${grew(statsBefore, statsAfter, attack.counters)}`,
      );
    }
  } finally {
    await ask(worker, { cmd: 'stop' });
  }
}

await main();
