import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { getJson, httpGet } from '../node/http-get.js';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

type Child = ChildProcessByStdio<null, Readable, Readable>;

function start(args: string[], env: Record<string, string> = {}): Child {
  // The PEERWAY_* variables of whoever runs the tests must not leak into the child.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PEERWAY_')));
  return spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function finished(child: Child): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

function run(args: string[], env?: Record<string, string>): Promise<Finished> {
  return finished(start(args, env));
}

/** Resolves with the health URL the node prints once it is up. */
function healthUrl(child: Child): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const match = /health\s+(http:\/\/\S+)/.exec(seen);
      if (match !== null) {
        child.stdout.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`node exited with ${code} before serving: ${seen}`)));
  });
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('cli: --version prints the package version', async () => {
  const { code, stdout } = await run(['--version']);
  assert.equal(code, 0);
  assert.equal(stdout, `${pkg.version}\n`);
});

test('cli: --help lists the commands, node --help its flags', async () => {
  const top = await run(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /^Usage: peerway /);
  assert.match(top.stdout, /^\s+node \[options\]/m);
  const node = await run(['node', '--help']);
  assert.equal(node.code, 0);
  for (const flag of ['--config', '--data-dir', '--http-port', '--http-host', '--log-level', '--set']) {
    assert.ok(node.stdout.includes(flag), `node --help mentions ${flag}`);
  }
});

test('cli: an invalid config names the field and exits 1 without starting', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'peerway.json');
  writeFileSync(file, JSON.stringify({ http: { port: 'eighty' } }));
  const result = await run(['node', '--config', file, '--data-dir', dir]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^peerway: invalid config: http\.port: expected number, received string \(from .*peerway\.json\)$/m,
  );
  assert.equal(result.stdout, '');
  const env = await run(['node', '--data-dir', dir], { PEERWAY_LOG_LEVEL: 'loud' });
  assert.equal(env.code, 1);
  assert.match(env.stderr, /log\.level: .* \(from PEERWAY_LOG_LEVEL\)/);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`cli: peerway node serves HTTP and exits 0 on ${signal}`, async (t) => {
    const dir = tempDir(t);
    // Flags beat the environment (port 1 would fail) and --set beats flags (127.0.0.2 is not printed).
    const args = [
      'node',
      '--http-port',
      '0',
      '--data-dir',
      dir,
      '--http-host',
      '127.0.0.2',
      '--set',
      'http.host=127.0.0.1',
    ];
    const child = start(args, { PEERWAY_LOG_LEVEL: 'info', PEERWAY_HTTP_PORT: '1', PEERWAY_HTTP_PROT: '80' });
    t.after(() => child.kill('SIGKILL'));
    const done = finished(child);
    const url = await healthUrl(child);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/health$/);
    const health = await getJson(url);
    assert.equal(health.status, 200);
    assert.equal(health.json.version, pkg.version);
    const metrics = await httpGet(url.replace(/health$/, 'metrics'));
    assert.match(metrics.body, /^process_resident_memory_bytes \d/m);

    child.kill(signal);
    const result = await done;
    assert.equal(result.signal, null, 'exited by itself, not killed');
    assert.equal(result.code, 0, result.stderr);
    // pino's JSON lines went to stderr, ending with the stop.
    const lines = result.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    assert.equal(lines.at(-1)?.msg, 'node stopped');
    assert.ok(
      lines.some(
        (l) => l.msg.includes('PEERWAY_HTTP_PROT') && l.msg.includes('did you mean PEERWAY_HTTP_PORT'),
      ),
      `a misspelt variable is named with its correction: ${result.stderr.slice(0, 2000)}`,
    );
    await assert.rejects(httpGet(url));
  });
}
