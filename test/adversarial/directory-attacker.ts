/**
 * The attackers of test/adversarial/directory.test.ts and bench/hostile-directory.bench.ts, run
 * in a process of their own (fork with tsx) so that their work does not slow the honest side
 * down: an attacker is another machine. The parent sends one {@link AttackCommand}; the worker
 * answers `ready` once its connections are set up, `done` when the attack is over (with counts),
 * and closes everything and exits on `stop`.
 */
import net from 'node:net';
import { once } from 'node:events';
import { fork, type ChildProcess } from 'node:child_process';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatClientHandshake } from '../../src/directory/wire/handshake.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';

/** What the parent asks for. */
export type AttackCommand =
  /** `readers` peers that never read, and one peer sending 39 KB pubmsgs at `rate`/s for `seconds`. */
  | { attack: 'flood'; port: number; readers: number; rate: number; seconds: number }
  /** `count` handshakes with fresh nicks, `perBatch` at a time every `gapMs`, each closed 20 ms later. */
  | { attack: 'handshakes'; port: number; count: number; perBatch: number; gapMs: number }
  /** `holders` registered peers each holding a partial line of `bytes` bytes. */
  | { attack: 'partial'; port: number; holders: number; bytes: number };

/** What the worker reports. */
export type AttackReport =
  | { kind: 'ready' }
  | { kind: 'done'; sent: number; closedByServer: number }
  | { kind: 'error'; message: string };

/** A 793 for `nick`. */
export function handshakeLine(nick: string): string {
  return encodeEnvelope(
    793,
    formatClientHandshake({ nick, location: 'NOT-SERVING-ONION', features: {}, network: 'signet' }),
  );
}

async function join(port: number, nick: string, read: boolean): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(handshakeLine(nick));
  await once(socket, 'data');
  if (!read) socket.pause();
  else socket.on('data', () => {});
  return socket;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function run(cmd: AttackCommand, held: net.Socket[], report: (r: AttackReport) => void): Promise<void> {
  const closed = (): number => held.filter((s) => s.destroyed || s.readableEnded).length;
  const watch = (s: net.Socket): net.Socket => {
    s.on('close', () => s.destroy());
    held.push(s);
    return s;
  };
  if (cmd.attack === 'flood') {
    for (let i = 0; i < cmd.readers; i++) watch(await join(cmd.port, NickIdentity.generate().nick, false));
    const nick = NickIdentity.generate().nick;
    const flooder = watch(await join(cmd.port, nick, true));
    report({ kind: 'ready' });
    const line = encodeEnvelope(687, `${nick}!PUBLIC!${'x'.repeat(39_000)}`);
    const tick = 10;
    const perTick = Math.max(1, Math.round((cmd.rate * tick) / 1000));
    let sent = 0;
    const end = Date.now() + cmd.seconds * 1000;
    while (Date.now() < end && !flooder.destroyed) {
      for (let i = 0; i < perTick; i++) flooder.write(line);
      sent += perTick;
      await sleep(tick);
    }
    report({ kind: 'done', sent, closedByServer: closed() });
    return;
  }
  if (cmd.attack === 'handshakes') {
    report({ kind: 'ready' });
    let sent = 0;
    let refused = 0;
    while (sent < cmd.count) {
      const batch: Promise<void>[] = [];
      for (let i = 0; i < cmd.perBatch && sent < cmd.count; i++, sent++) {
        batch.push(
          (async () => {
            const socket = net.connect({ host: '127.0.0.1', port: cmd.port });
            socket.on('error', () => {});
            socket.on('close', () => undefined);
            await once(socket, 'connect').catch(() => undefined);
            socket.write(handshakeLine(NickIdentity.generate().nick));
            await sleep(20);
            if (socket.destroyed || socket.readableEnded) refused++;
            socket.destroy();
          })(),
        );
      }
      await Promise.all(batch);
      await sleep(cmd.gapMs);
    }
    report({ kind: 'done', sent, closedByServer: refused });
    return;
  }
  const body = '{"type": 687, "line": "';
  for (let i = 0; i < cmd.holders; i++) {
    const s = watch(await join(cmd.port, NickIdentity.generate().nick, true));
    s.write(body + 'y'.repeat(cmd.bytes - body.length));
  }
  report({ kind: 'ready' });
  report({ kind: 'done', sent: cmd.holders, closedByServer: closed() });
}

/** Starts an attacker process; resolves once its connections are set up. */
export async function startAttacker(cmd: AttackCommand): Promise<{
  /** Resolves when the attack itself is over. */
  done: Promise<{ sent: number; closedByServer: number }>;
  /** Closes the attacker's connections and ends its process. */
  stop: () => Promise<void>;
}> {
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ['--worker'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let resolveDone: (r: { sent: number; closedByServer: number }) => void = () => undefined;
  const done = new Promise<{ sent: number; closedByServer: number }>((r) => (resolveDone = r));
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: AttackReport) => {
      if (m.kind === 'ready') resolve();
      else if (m.kind === 'done') resolveDone({ sent: m.sent, closedByServer: m.closedByServer });
      else reject(new Error(m.message));
    });
    child.once('exit', () => reject(new Error('attacker exited early')));
  });
  child.send(cmd);
  await ready;
  return {
    done,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.send('stop');
      await exited;
    },
  };
}

if (process.argv.includes('--worker')) {
  const held: net.Socket[] = [];
  const report = (r: AttackReport): void => void process.send?.(r);
  process.on('message', (m: AttackCommand | 'stop') => {
    if (m === 'stop') {
      for (const s of held) s.destroy();
      process.exit(0);
    }
    run(m, held, report).catch((err: unknown) => report({ kind: 'error', message: String(err) }));
  });
}
