/**
 * Cluster test pieces: directory instances as child processes (test/directory/cluster-instance.ts)
 * joined through a real nats-server, and raw-peer helpers that read what the instances send.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ClusterView } from '../../src/directory/server/index.js';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import type { RawPeer } from './raw-peer.js';

const SCRIPT = fileURLToPath(new URL('./cluster-instance.ts', import.meta.url));

/** One directory process of a cluster. */
export class Instance {
  #next = 0;
  readonly #pending = new Map<number, (v: unknown) => void>();

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly id: string,
  ) {
    child.on('message', (m: { id?: number; result?: unknown }) => {
      if (m.id === undefined) return;
      const done = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      done?.(m.result);
    });
  }

  /** Forks an instance with `config` (see cluster-instance.ts) and waits until it listens. */
  static async start(config: Record<string, unknown>, execArgv: string[] = []): Promise<Instance> {
    const child = fork(SCRIPT, [JSON.stringify(config)], {
      execArgv: ['--import', 'tsx', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [msg] = (await Promise.race([
      once(child, 'message'),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('instance did not start in 30 s')), 30_000),
      ),
    ])) as [{ ready: boolean; port: number; instance: string; error?: string }];
    if (!msg.ready) throw new Error(`instance failed: ${msg.error}`);
    return new Instance(child, msg.port, msg.instance);
  }

  /** Asks the instance something over IPC (`view`, `stats`, `gc`, `stop`). */
  ask<T>(cmd: string, ms = 10_000): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`no answer to ${cmd}`));
      }, ms);
      this.#pending.set(id, (v) => {
        clearTimeout(timer);
        resolve(v as T);
      });
      this.child.send({ cmd, id });
    });
  }

  /** The instance's cluster view. */
  view(): Promise<ClusterView> {
    return this.ask<ClusterView>('view');
  }

  /** Kills it with `signal` (default SIGKILL) and waits for the exit when it is a kill. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await exited;
  }

  /** Stops it cleanly, or kills it when it does not answer. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGCONT');
    try {
      await this.ask('stop', 5_000);
    } catch {
      // not answering: kill below
    }
    await this.kill('SIGKILL');
  }
}

/** A 791 (getpeerlist) envelope. */
export const GETPEERLIST = encodeEnvelope(791, '');

/** Parsed `{type, line}` of an envelope line. */
export function envelope(line: string): { type: number; line: string } {
  return JSON.parse(line) as { type: number; line: string };
}

/** Reads lines until one satisfies `match`; returns it (the others read on the way are returned too). */
export async function readUntil(
  peer: RawPeer,
  match: (env: { type: number; line: string }, raw: string) => boolean,
  ms = 10_000,
): Promise<{ hit: string; skipped: string[] }> {
  const end = Date.now() + ms;
  const skipped: string[] = [];
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) throw new Error(`no matching line within ${ms} ms; saw ${JSON.stringify(skipped)}`);
    const raw = await peer.next(left);
    if (match(envelope(raw), raw)) return { hit: raw, skipped };
    skipped.push(raw);
  }
}

/** Asks for the peerlist and collects the nicks of its entries (not departures), as a sorted list with repeats. */
export async function peerlistNicks(peer: RawPeer, expectAtLeast: number, ms = 10_000): Promise<string[]> {
  peer.send(GETPEERLIST);
  const nicks: string[] = [];
  const end = Date.now() + ms;
  // Entries come in one or more 789 lines; an empty list is one empty 789.
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) break;
    let raw: string;
    try {
      raw = await peer.next(Math.min(left, nicks.length >= expectAtLeast ? 300 : left));
    } catch {
      break;
    }
    const env = envelope(raw);
    if (env.type !== 789) continue;
    if (env.line === '') break;
    for (const entry of env.line.split(',')) {
      const parts = entry.split(';');
      if (parts[2] !== 'D') nicks.push(parts[0]!);
    }
  }
  return nicks.sort();
}

/** Polls `check` until it returns true or `ms` pass; returns whether it did. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 15_000,
  every = 200,
): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, every));
  }
  return false;
}
