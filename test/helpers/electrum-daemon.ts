/**
 * Debian's `electrum` wallet run as a regtest daemon against one server, for the interop tests:
 * a private HOME and data directory, commands run against it, and a stop that always ends the
 * process (a polite `electrum stop`, then SIGKILL after 10 s) and removes its files.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What an `electrum` command printed. */
export interface ElectrumCommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A running regtest daemon. */
export interface ElectrumDaemon {
  /** Runs `electrum <args> --regtest -D <its data dir>` (30 s at most). */
  command(args: readonly string[]): ElectrumCommandResult;
  /**
   * Polls `getinfo` every 1.5 s until `done` holds for an answer or `timeoutMs` passes; resolves
   * to the last answer (undefined when the daemon never answered).
   */
  waitForInfo(
    done: (info: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<Record<string, unknown> | undefined>;
}

/** Runs a regtest daemon pointed at `server` (`host:port:t` or `host:port:s`) until `fn` settles. */
export async function withElectrumDaemon<T>(
  server: string,
  fn: (daemon: ElectrumDaemon) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-electrum-'));
  const env = { ...process.env, HOME: join(dir, 'home') };
  const dataDir = join(dir, 'edir');
  const command = (args: readonly string[]): ElectrumCommandResult => {
    const r = spawnSync('electrum', [...args, '--regtest', '-D', dataDir], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const waitForInfo: ElectrumDaemon['waitForInfo'] = async (done, timeoutMs) => {
    let last: Record<string, unknown> | undefined;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1500));
      const i = command(['getinfo']);
      if (i.status !== 0) continue;
      last = JSON.parse(i.stdout) as Record<string, unknown>;
      if (done(last)) break;
    }
    return last;
  };
  const daemon = spawn(
    'electrum',
    ['daemon', '--regtest', '-D', dataDir, '--oneserver', '--server', server],
    {
      env,
      stdio: 'ignore',
    },
  );
  try {
    return await fn({ command, waitForInfo });
  } finally {
    if (daemon.exitCode === null) {
      command(['stop']);
      const exited = new Promise((r) => daemon.once('exit', r));
      const kill = setTimeout(() => daemon.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(kill);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
