// One CLI style: every command takes the common flags, a bad value fails with one line naming the
// flag (its stack only under --debug), failures exit non-zero with their reason, and a data
// directory that cannot be made is refused at once. Runs the real CLI in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readableLine } from '../../src/cli/logging.js';
import { onionFromPublicKey } from '../../src/transport/index.js';
import { runCli, startCli, finished } from './run-cli.js';

const COMMUNITY = 'ab'.repeat(20);
/** A well-formed v3 onion name (its checksum holds). */
const ONION = onionFromPublicKey(new Uint8Array(32).fill(7));

/** Every command that does something (not a command group). */
const COMMANDS = [
  ['node'],
  ['directory', 'serve'],
  ['discovery', 'crawl'],
  ['discovery', 'serve'],
  ['overlay', 'join'],
  ['orderbook'],
];

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-style-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Asserts a failed run: exit `code`, nothing on stdout, and exactly one line on stderr. */
function assertOneLine(
  result: { code: number | null; stdout: string; stderr: string },
  code: number,
): string {
  assert.equal(result.code, code, `exit code (stderr: ${result.stderr})`);
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.ok(lines[0]!.startsWith('peerway: '), `prefixed: ${lines[0]}`);
  assert.ok(!/\bat .*\.ts:\d+/.test(result.stderr), `no stack without --debug: ${result.stderr}`);
  return lines[0]!;
}

test('style: every command has --data-dir, --log-level, --json and --debug', async () => {
  for (const command of COMMANDS) {
    const help = await runCli([...command, '--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const flag of ['--data-dir', '--log-level', '--json', '--debug']) {
      assert.ok(help.stdout.includes(flag), `${command.join(' ')} --help mentions ${flag}`);
    }
    assert.ok(!help.stdout.includes('--socks'), `${command.join(' ')}: the proxy flag is --proxy`);
    assert.ok(
      !/--(host|tcp-port) /.test(help.stdout),
      `${command.join(' ')}: addresses are --listen host:port`,
    );
  }
  const serve = await runCli(['directory', 'serve', '--help']);
  assert.match(
    serve.stdout,
    /--stats-interval <seconds>\s+log the counters every this many seconds[^]*?\(default: 60\)/,
  );
  const crawl = await runCli(['discovery', 'crawl', '--help']);
  assert.match(crawl.stdout, /--timeout <seconds>\s+connect and per-request timeout \(default: 10\)/);
  assert.match(crawl.stdout, /--proxy <host:port\|auto>/);
});

const BAD_VALUES: Array<[string[], RegExp]> = [
  [['discovery', 'crawl', '--seed', '127.0.0.1:1', '--max', 'abc'], /invalid option: --max: .*"abc"/],
  [
    ['discovery', 'crawl', '--seed', '127.0.0.1:1', '--timeout', 'soon'],
    /invalid option: --timeout: expected a number of seconds/,
  ],
  [
    ['overlay', 'join', '--community', COMMUNITY, '--walk', 'bogus'],
    /invalid option: --walk: expected one of random, edge, received "bogus"/,
  ],
  [['directory', 'serve', '--listen', '127.0.0.1:70000'], /invalid option: --listen: .*port out of range/],
  [
    ['directory', 'serve', '--network', 'moonnet'],
    /invalid option: --network: expected one of mainnet, testnet, signet, regtest/,
  ],
  [
    ['orderbook', '--directory', '127.0.0.1:5222', '--network', 'moonnet'],
    /invalid option: --network: expected one of/,
  ],
  [['node', '--log-level', 'loud'], /invalid option: --log-level: expected one of trace, debug/],
  [['overlay', 'join'], /required option '--community <hex>' not specified/],
];

for (const [args, message] of BAD_VALUES) {
  test(`style: \`${args.join(' ')}\` fails with one line and exit 2`, async () => {
    const line = assertOneLine(await runCli(args), 2);
    assert.match(line, message);
  });
}

test('style: checks of values fail with one line and exit 1, naming the flag', async (t) => {
  const dir = tempDir(t);
  const cases: Array<[string[], RegExp]> = [
    [
      ['overlay', 'join', '--community', 'xyz', '--data-dir', dir],
      /invalid option: --community: expected 40 hex digits/,
    ],
    [['discovery', 'crawl'], /invalid option: --seed: give at least one server/],
    [['discovery', 'crawl', '--seed', ':::'], /invalid option: --seed: bad seed ":::"/],
    [
      ['discovery', 'crawl', '--seed', `${ONION}:50001`],
      /--seed: .*\.onion is an onion address: it needs --proxy/,
    ],
    [['orderbook', '--directory', `${ONION}:5222`], /--directory: .*onion.*needs --proxy/],
    [
      ['overlay', 'join', '--community', COMMUNITY, '--bootstrap', 'nosuch.invalid:8090', '--data-dir', dir],
      /invalid option: --bootstrap: cannot resolve nosuch\.invalid \(ENOTFOUND|EAI_AGAIN/,
    ],
  ];
  for (const [args, message] of cases) {
    const line = assertOneLine(await runCli(args), 1);
    assert.match(line, message, args.join(' '));
  }
});

test('style: --debug adds the stack after the one line', async () => {
  const result = await runCli(['discovery', 'crawl', '--seed', ':::', '--debug']);
  assert.equal(result.code, 1);
  const [first, ...rest] = result.stderr.trimEnd().split('\n');
  assert.match(first!, /^peerway: invalid option: --seed: bad seed/);
  assert.ok(
    rest.some((l) => /^\s+at /.test(l)),
    `a stack follows: ${result.stderr}`,
  );
});

function refusingPort(t: { after(fn: () => void): void }): Promise<number> {
  // A port that was just free and is closed again: connecting to it is refused.
  return new Promise((resolve) => {
    const server: Server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    t.after(() => server.close());
  });
}

test('style: a crawl where every seed fails exits 1 and keeps the reason (errno)', async (t) => {
  const port = await refusingPort(t);
  const result = await runCli(['discovery', 'crawl', '--seed', `127.0.0.1:${port}`, '--timeout', '5']);
  assert.equal(result.code, 1, result.stderr);
  const last = result.stderr.trimEnd().split('\n').at(-1)!;
  assert.match(last, /^peerway: crawl failed: no server answered \(127\.0\.0\.1: .*ECONNREFUSED/);
  // The table still went to stdout, the logs to stderr as JSON (stderr is a pipe here).
  assert.match(result.stdout, /^HOST\s+PORTS/);
  const logs = result.stderr.trimEnd().split('\n').slice(0, -1);
  assert.ok(logs.length > 0, 'progress was logged');
  for (const line of logs) assert.equal(typeof (JSON.parse(line) as { msg: unknown }).msg, 'string', line);
});

test('style: a data directory that cannot be created is refused at once', { timeout: 30_000 }, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  const cases: Array<[string[], RegExp]> = [
    [
      ['node', '--data-dir', '/proc/nope', '--http-port', '0'],
      /unusable data directory \/proc\/nope: cannot create \/proc\/nope \(ENOENT\)/,
    ],
    [
      ['node', '--data-dir', join(file, 'sub'), '--http-port', '0'],
      /unusable data directory .*a-file\/sub: cannot create .* \(ENOTDIR\)/,
    ],
    [
      ['directory', 'serve', '--data-dir', file, '--listen', '127.0.0.1:0'],
      /unusable data directory .*a-file: not a directory/,
    ],
    [
      ['overlay', 'join', '--community', COMMUNITY, '--data-dir', '/proc/nope/deeper'],
      /cannot create \/proc\/nope /,
    ],
  ];
  for (const [args, message] of cases) {
    const started = Date.now();
    const result = await runCli(args, { env: { PEERWAY_DATA_DIR: dir } });
    const line = assertOneLine(result, 1);
    assert.match(line, message);
    assert.ok(Date.now() - started < 20_000, `refused at once, took ${Date.now() - started} ms`);
  }
});

test(
  'style: the data directory defaults to the user data directory (XDG_DATA_HOME)',
  { timeout: 30_000 },
  async (t) => {
    const home = tempDir(t);
    const child = startCli(
      ['directory', 'serve', '--listen', '127.0.0.1:0', '--network', 'regtest', '--json', '--no-http'],
      {
        env: { XDG_DATA_HOME: home },
      },
    );
    t.after(() => child.kill('SIGKILL'));
    const done = finished(child);
    const first = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0]!);
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
    });
    const info = JSON.parse(first) as { nick: string; network: string; health: null };
    assert.equal(info.network, 'regtest');
    assert.equal(info.health, null);
    child.kill('SIGTERM');
    const result = await done;
    assert.equal(result.code, 0, result.stderr);
    const { readdirSync } = await import('node:fs');
    assert.ok(
      readdirSync(join(home, 'peerway')).includes('peerway.sqlite'),
      'the database is in $XDG_DATA_HOME/peerway',
    );
  },
);

test('style: readable log lines on a terminal carry the same record as the JSON', () => {
  const json = JSON.stringify({
    level: 'warn',
    time: Date.UTC(2026, 0, 2, 3, 4, 5),
    pid: 1,
    hostname: 'h',
    service: 'directory',
    msg: 'peer dropped',
    nick: 'J5abc',
    reason: 'too many lines',
    n: 3,
  });
  assert.equal(
    readableLine(json),
    '03:04:05 WARN  [directory] peer dropped nick=J5abc reason="too many lines" n=3\n',
  );
  assert.equal(readableLine('not json\n'), 'not json\n');
});
