/** Starts Debian's ngircd on a free loopback port with a throwaway configuration, for IRC tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** A running ngircd. */
export interface Ngircd {
  port: number;
  stop(): Promise<void>;
}

/** Starts ngircd (path from requireBinary) and waits until it accepts connections. */
export async function startNgircd(binary: string): Promise<Ngircd> {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-ngircd-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const conf = join(dir, 'ngircd.conf');
  writeFileSync(
    conf,
    [
      '[Global]',
      'Name = irc.peerway.test',
      'Info = peerway test network',
      'Listen = 127.0.0.1',
      `Ports = ${port}`,
      'MotdPhrase = test',
      '[Limits]',
      'PingTimeout = 120',
      'MaxNickLength = 30',
      '[Options]',
      'Ident = no',
      'DNS = no',
      'PAM = no',
      `IncludeDir = ${join(dir, 'none')}`,
      '',
    ].join('\n'),
  );
  chmodSync(conf, 0o644);
  const child: ChildProcess = spawn(binary, ['-n', '-f', conf], { stdio: 'ignore' });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error('ngircd did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(kill);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
