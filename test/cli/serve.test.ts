// The one-service commands: their flags become a one-service node config, and `directory serve`
// runs as a node (HTTP, logs, signals) end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../src/node/index.js';
import { directoryLayers, registerDirectoryCommands } from '../../src/cli/commands/directory.js';
import { joinLayers, registerOverlayCommands, type JoinFlags } from '../../src/cli/commands/overlay.js';
import { getJson } from '../node/http-get.js';

const root = join(import.meta.dirname, '..', '..');
const main = join(root, 'src', 'cli', 'main.ts');
const COMMUNITY = 'ab'.repeat(20);

/** Parses argv with the command's real flags, capturing what its action would receive. */
function parseFlags<T>(register: (program: Command) => void, argv: string[]): T {
  const program = new Command('peerway').exitOverride();
  register(program);
  const group = program.commands.find((c) => c.name() === argv[0])!;
  const command = group.commands.find((c) => c.name() === argv[1])!;
  let flags: T | undefined;
  command.action((f: T) => {
    flags = f;
  });
  program.parse(argv, { from: 'user' });
  return flags!;
}

test('serve flags: `directory serve --nick-auth` runs the directory alone with nick authentication', () => {
  const flags = parseFlags<Parameters<typeof directoryLayers>[0]>(registerDirectoryCommands, [
    'directory',
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--nick-auth',
    'dir1.example',
    '--network',
    'regtest',
    '--data-dir',
    '/srv/dir',
  ]);
  const config = loadConfig({ layers: directoryLayers(flags) });
  assert.equal(config.services.directory!.enabled, true);
  assert.equal(config.services.directory!.nickAuthId, 'dir1.example');
  assert.equal(config.services.directory!.network, 'regtest');
  assert.equal(config.services.discovery!.enabled, false);
  assert.equal(config.services.overlay!.enabled, false);
  assert.equal(config.dataDir, '/srv/dir');
  // A free HTTP port by default: never the node's 8480.
  assert.deepEqual(config.http, { enabled: true, maxConnections: 256, host: '127.0.0.1', port: 0 });
  assert.throws(
    () =>
      loadConfig({
        layers: directoryLayers({ ...flags, nickAuth: 'Not Valid' }),
      }),
    /services\.directory\.nickAuthId: .*\(from --nick-auth\)/,
  );
});

test('serve flags: `overlay join --churn/--no-churn` sets the overlay churn switch; absent, the default applies', () => {
  const argv = ['overlay', 'join', '--community', COMMUNITY, '--listen', '127.0.0.1:0', '--no-http'];
  const churn = (extra: string[]): unknown[] => {
    const flags = parseFlags<JoinFlags>(registerOverlayCommands, [...argv, ...extra]);
    const layers = joinLayers(flags);
    const config = loadConfig({ layers });
    assert.equal(config.http.enabled, false);
    const section = layers.find((l) => l.source.endsWith('churn'))?.values.services as
      { overlay: { churn: boolean } } | undefined;
    const community = (config.services.overlay!.communities as Array<{ churn?: boolean }>)[0]!;
    return [section?.overlay.churn, community.churn];
  };
  assert.deepEqual(churn(['--churn']), [true, true]);
  assert.deepEqual(churn(['--no-churn']), [false, false]);
  const defaults = churn([]);
  assert.equal(defaults[0], undefined, 'no flag, no layer: the service default stands');
});

test('serve flags: `overlay join --verify-thread` turns the verification thread on; absent, it stays off', () => {
  const argv = ['overlay', 'join', '--community', COMMUNITY, '--listen', '127.0.0.1:0', '--no-http'];
  const verifyThread = (extra: string[]): boolean => {
    const flags = parseFlags<JoinFlags>(registerOverlayCommands, [...argv, ...extra]);
    return loadConfig({ layers: joinLayers(flags) }).services.overlay!.verifyThread as boolean;
  };
  assert.equal(verifyThread(['--verify-thread']), true);
  assert.equal(verifyThread([]), false);
});

function occupiedPort(t: { after(fn: () => void): void }): Promise<number> {
  return new Promise((resolve) => {
    const server: Server = createServer().listen(0, '127.0.0.1', () => {
      t.after(() => server.close());
      resolve((server.address() as { port: number }).port);
    });
  });
}

function runCli(args: string[]): {
  child: ReturnType<typeof spawn>;
  out: () => string;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PEERWAY_')));
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: clean,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, out: () => stdout, done };
}

test(
  'directory serve: a one-service node with /health, JSON logs, and exit 0 on SIGINT',
  { timeout: 30_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'peerway-serve-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const run = runCli([
      'directory',
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      dir,
      '--network',
      'regtest',
    ]);
    t.after(() => run.child.kill('SIGKILL'));
    let url = '';
    for (let i = 0; i < 300 && url === ''; i++) {
      url = /^health (\S+)$/m.exec(run.out())?.[1] ?? '';
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(run.out(), /^directory J5\w+ at 127\.0\.0\.1:\d+ \(network regtest\)$/m);
    const health = await getJson(url);
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(health.json.services), ['directory']);
    assert.equal(health.json.services.directory.state, 'running');
    run.child.kill('SIGINT');
    const { code, stderr } = await run.done;
    assert.equal(code, 0, stderr);
    const last = JSON.parse(stderr.trim().split('\n').at(-1)!) as { msg: string };
    assert.equal(last.msg, 'node stopped');
  },
);

test(
  'directory serve: a directory that cannot listen fails the command with exit 1',
  { timeout: 30_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'peerway-serve-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const port = await occupiedPort(t);
    const run = runCli([
      'directory',
      'serve',
      '--listen',
      `127.0.0.1:${port}`,
      '--data-dir',
      dir,
      '--no-http',
    ]);
    const { code, stderr } = await run.done;
    assert.equal(code, 1);
    assert.match(stderr, /^peerway: directory: .*EADDRINUSE/m);
    assert.equal(run.out(), '');
  },
);
