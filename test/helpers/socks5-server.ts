/**
 * Starts a real SOCKS5 server (Debian's microsocks) on 127.0.0.1 for a test, and stops it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from './free-port.js';

/** A running microsocks. */
export interface Socks5Server {
  readonly host: string;
  readonly port: number;
  /** Kills the server and waits for it to exit; idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options for {@link startSocks5Server}. */
export interface Socks5ServerOptions {
  /** Path of the microsocks binary. */
  binary: string;
  /** Require this username (with `password`). */
  username?: string;
  password?: string;
}

/** Starts microsocks on a free loopback port and waits until it accepts connections. */
export async function startSocks5Server(options: Socks5ServerOptions): Promise<Socks5Server> {
  const host = '127.0.0.1';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = ['-i', host, '-p', String(port)];
    if (options.username !== undefined) args.push('-u', options.username, '-P', options.password ?? '');
    const child = spawn(options.binary, args, { stdio: 'ignore' });
    const exited = once(child, 'exit').then(() => true);
    if (await waitListening(host, port, exited)) {
      let stopping: Promise<void> | undefined;
      const stop = (): Promise<void> => (stopping ??= kill(child, exited));
      return { host, port, stop, [Symbol.asyncDispose]: stop };
    }
    await kill(child, exited);
  }
  throw new Error('microsocks did not start');
}

async function waitListening(host: string, port: number, exited: Promise<boolean>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 100 && !gone; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return !gone;
    await delay(20);
  }
  return false;
}

async function kill(child: ChildProcess, exited: Promise<boolean>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}
