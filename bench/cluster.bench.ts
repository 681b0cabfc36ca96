/**
 * A directory cluster on NATS against a single directory, in the same run: relayed privmsgs/s and
 * p50/p99 latency with senders and receivers on one single-process directory, and with the
 * senders on one cluster instance and the receivers on another; then memory per idle handshaked
 * connection on a cluster instance beside a single instance. Every directory is its own process
 * (test/directory/cluster-instance.ts) and the load comes from bench/cluster-load-worker.ts.
 * Run: node --import tsx --expose-gc bench/cluster.bench.ts
 * Env: BENCH_SECONDS (per phase, default 4), BENCH_PAIRS (default 100), BENCH_IDLE (idle
 * connections, default 3000), BENCH_WINDOW (in flight per sender at saturation, default 16).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Instance } from '../test/directory/cluster-harness.js';
import { NatsServer } from '../test/helpers/nats-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 100);
const IDLE = Number(process.env.BENCH_IDLE ?? 3_000);
const WINDOW = Number(process.env.BENCH_WINDOW ?? 16);

/** Relay capacity, not the limits: per-connection and per-address budgets lifted. */
const UNLIMITED = {
  rateLimit: 1e6,
  rateBurst: 1e6,
  rateLimitBytes: 1e9,
  rateBurstBytes: 1e9,
  handshakeRate: 1e6,
  handshakeBurst: 1e6,
  maxConnections: 100_000,
};

function ask(worker: ChildProcess, command: Record<string, unknown>): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: {
      mark?: string;
      ok?: boolean;
      result?: Record<string, number>;
      error?: string;
    }): void => {
      if (reply.mark !== undefined) return;
      worker.off('message', onMessage);
      if (reply.ok !== true) reject(new Error(reply.error));
      else resolve(reply.result!);
    };
    worker.on('message', onMessage);
    worker.send(command);
  });
}

function row(cells: Array<string | number>): string {
  return cells.map((c, i) => String(c).padEnd(i === 0 ? 48 : 15)).join('');
}

async function idleMemory(
  worker: ChildProcess,
  instance: Instance,
): Promise<{ rss: number; heap: number; held: number }> {
  await new Promise((r) => setTimeout(r, 300));
  const before = await instance.ask<{ rss: number; heap: number }>('gc');
  const r = await ask(worker, { cmd: 'idle', port: instance.port, connections: IDLE });
  await new Promise((r2) => setTimeout(r2, 1_000));
  const after = await instance.ask<{ rss: number; heap: number }>('gc');
  await ask(worker, { cmd: 'release' });
  return {
    rss: (after.rss - before.rss) / r.held!,
    heap: (after.heap - before.heap) / r.held!,
    held: r.held!,
  };
}

async function main(): Promise<void> {
  const nats = await NatsServer.start();
  const worker = fork(join(import.meta.dirname, 'cluster-load-worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const instances: Instance[] = [];
  try {
    const gcArgs = ['--expose-gc'];
    const single = await Instance.start({ url: nats.url, cluster: false, server: UNLIMITED }, gcArgs);
    const a = await Instance.start({ url: nats.url, name: 'bench', server: UNLIMITED }, gcArgs);
    const b = await Instance.start({ url: nats.url, name: 'bench', server: UNLIMITED }, gcArgs);
    instances.push(single, a, b);

    console.log(`idle: ${IDLE} handshaked connections held by each directory in turn (fresh processes)`);
    const mSingle = await idleMemory(worker, single);
    const mCluster = await idleMemory(worker, a);
    console.log(row(['directory', 'RSS KiB/conn', 'heap KiB/conn', 'held']));
    console.log(
      row([
        'single instance',
        (mSingle.rss / 1024).toFixed(2),
        (mSingle.heap / 1024).toFixed(2),
        mSingle.held,
      ]),
    );
    console.log(
      row([
        'cluster instance',
        (mCluster.rss / 1024).toFixed(2),
        (mCluster.heap / 1024).toFixed(2),
        mCluster.held,
      ]),
    );
    // Departures of the idle nicks reach B; let them settle before the load.
    await new Promise((r) => setTimeout(r, 2_000));

    console.log(
      `\nrelay: ${PAIRS} sender/receiver pairs, signed ~300-byte fill privmsgs, ${SECONDS}s per phase (rate limits off)`,
    );
    console.log(row(['phase', 'relayed/s', 'p50 ms', 'p99 ms', 'samples', 'load CPU %']));
    const phases: Array<[string, number, number]> = [
      ['offered 2,000 msgs/s', 2_000, 0],
      ['offered 5,000 msgs/s', 5_000, 0],
      [`saturation (${WINDOW} in flight/sender)`, 0, WINDOW],
    ];
    const saturation: Record<string, number> = {};
    for (const [setup, from, to] of [
      ['single', single.port, single.port],
      ['cluster A->B', a.port, b.port],
    ] as const) {
      for (const [name, rate, window] of phases) {
        const r = await ask(worker, { cmd: 'load', from, to, pairs: PAIRS, seconds: SECONDS, rate, window });
        console.log(
          row([
            `${setup}: ${name}`,
            Math.round(r.relayedPerSec!),
            r.p50!.toFixed(2),
            r.p99!.toFixed(2),
            r.samples!,
            r.loadCpu!.toFixed(0),
          ]),
        );
        if (window > 0) saturation[setup] = r.relayedPerSec!;
        await new Promise((r2) => setTimeout(r2, 1_500));
      }
    }
    const ratio = saturation['cluster A->B']! / saturation['single']!;
    console.log(
      `\ncross-instance / single-instance relay at saturation: ${ratio.toFixed(2)} (target >= 0.33)`,
    );
    const sa = await a.ask<{ cluster: { sent: Record<string, number> } }>('stats');
    const sb = await b.ask<{ cluster: { received: Record<string, number>; events: Record<string, number> } }>(
      'stats',
    );
    console.log(
      `cluster traffic: A sent ${sa.cluster.sent['privmsg'] ?? 0} privmsgs over NATS, B received ${sb.cluster.received['privmsg'] ?? 0}; B events ${JSON.stringify(sb.cluster.events)}`,
    );
  } finally {
    await Promise.all(instances.map((i) => i.close()));
    worker.disconnect();
    worker.kill();
    await nats.close();
  }
}

await main();
