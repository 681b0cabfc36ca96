/**
 * Starts a real tor daemon for control-port tests: offline (DisableNetwork 1), no SOCKS port, a
 * control port on 127.0.0.1 picked by tor and written to a file, cookie authentication and
 * optionally a control password. Everything lives in a temp folder removed by stop().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** A running tor. */
export interface TorDaemon {
  readonly controlHost: string;
  readonly controlPort: number;
  /** Path of the auth cookie file. */
  readonly cookieFile: string;
  /** The temp folder (DataDirectory inside). */
  readonly dir: string;
  /** Kills tor and removes the temp folder; idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options for {@link startTor}. */
export interface StartTorOptions {
  /** Path of the tor binary. */
  binary: string;
  /** Also accept this control password (HashedControlPassword). */
  password?: string;
  /** Give up after this many ms. @default 30000 */
  timeout?: number;
}

/** Hashes a control password with `tor --hash-password`. */
export function hashPassword(binary: string, password: string): string {
  const out = spawnSync(binary, ['--quiet', '--hash-password', password], { encoding: 'utf8' });
  const hash = out.stdout
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('16:'));
  if (hash === undefined) throw new Error(`tor --hash-password failed: ${out.stderr}`);
  return hash;
}

/** Starts tor and waits until its control port is written and accepting. */
export async function startTor(options: StartTorOptions): Promise<TorDaemon> {
  const dir = await mkdtemp(join(tmpdir(), 'peerway-tor-'));
  const dataDir = join(dir, 'data');
  const portFile = join(dir, 'control-port');
  const lines = [
    `DataDirectory ${dataDir}`,
    'DisableNetwork 1',
    'SocksPort 0',
    'ControlPort auto',
    `ControlPortWriteToFile ${portFile}`,
    'CookieAuthentication 1',
    `Log notice file ${join(dir, 'tor.log')}`,
    'AvoidDiskWrites 1',
  ];
  if (options.password !== undefined)
    lines.push(`HashedControlPassword ${hashPassword(options.binary, options.password)}`);
  const torrc = join(dir, 'torrc');
  await writeFile(torrc, `${lines.join('\n')}\n`);
  const child = spawn(options.binary, ['-f', torrc, '--defaults-torrc', join(dir, 'none')], {
    stdio: 'ignore',
  });
  const exited = once(child, 'exit');
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= kill(child, exited).then(() => rm(dir, { recursive: true, force: true })));
  try {
    const deadline = Date.now() + (options.timeout ?? 30_000);
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const log = await readFile(join(dir, 'tor.log'), 'utf8').catch(() => '');
        throw new Error(`tor exited early:\n${log}`);
      }
      const text = await readFile(portFile, 'utf8').catch(() => '');
      const match = /PORT=([\d.]+):(\d+)/.exec(text);
      if (match !== null) {
        return {
          controlHost: match[1]!,
          controlPort: Number(match[2]),
          cookieFile: join(dataDir, 'control_auth_cookie'),
          dir,
          stop,
          [Symbol.asyncDispose]: stop,
        };
      }
      if (Date.now() > deadline) throw new Error('tor did not write its control port in time');
      await delay(50);
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

async function kill(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}
