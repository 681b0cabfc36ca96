/**
 * The README's TypeScript blocks and every file in examples/ must compile and run as written.
 * Each README block is type-checked with the project's compiler (strict settings from the root
 * tsconfig, `peerway` and `peerway/<area>` mapped onto src/), then run as a child process against
 * real servers on loopback; addresses reach the blocks through the environment variables the
 * README documents. Every file in examples/ needs a runner below, so a new example that nobody
 * runs fails this test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort } from './helpers/free-port.js';
import { startStaticNetwork } from './discovery/static-network.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tscBin = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  args: string[],
  env: Record<string, string> = {},
  timeout = 45_000,
  onStdout?: (chunk: string) => void,
): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: root, env: { ...process.env, ...env }, timeout, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (onStdout) child.stdout?.on('data', (c: Buffer | string) => onStdout(String(c)));
  });
}

function readmeBlocks(): string[] {
  const text = readFileSync(path.join(root, 'README.md'), 'utf8');
  return [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** Rewrites `peerway` imports to the source files, so a block runs under tsx without a build. */
function runnable(block: string): string {
  return block.replace(/from '(peerway(?:\/[a-z0-9/]+)?)'/g, (_all, spec: string) => {
    const sub = spec === 'peerway' ? 'index.ts' : `${spec.slice('peerway/'.length)}/index.ts`;
    return `from '${pathToFileURL(path.join(root, 'src', sub)).href}'`;
  });
}

function expectOk(r: Run, what: string): void {
  assert.equal(r.code, 0, `${what} exited ${String(r.code)}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'peerway-examples-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('README TypeScript blocks type-check under the strict project settings', async () => {
  const blocks = readmeBlocks();
  assert.ok(blocks.length >= 3, `expected the README's library blocks, found ${blocks.length}`);
  const dir = path.join(tmp, 'typecheck');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  blocks.forEach((b, i) => writeFileSync(path.join(dir, `block${i + 1}.ts`), b));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  const paths: Record<string, string[]> = { peerway: [path.join(root, 'src', 'index.ts')] };
  paths['peerway/*'] = [path.join(root, 'src', '*', 'index.ts')];
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(root, 'tsconfig.json'),
      compilerOptions: { baseUrl: '.', paths, typeRoots: [path.join(root, 'node_modules', '@types')] },
      include: ['*.ts'],
    }),
  );
  const r = await run([tscBin, '-p', path.join(dir, 'tsconfig.json')], {}, 120_000);
  expectOk(r, 'tsc on the README blocks');
});

type BlockRunner = (file: string) => Promise<void>;

/** One runner per README block, chosen by the peerway module the block imports. */
const blockRunners: Record<string, BlockRunner> = {
  'peerway/directory': async (file) => {
    const r = await run(['--import', 'tsx', file], { PEERWAY_DIRECTORY_PORT: '0' });
    expectOk(r, 'the directory block');
  },
  'peerway/discovery': async (file) => {
    const network = await startStaticNetwork(3, (i) => [(i + 1) % 3]);
    try {
      const seeds = network.ports.map((p) => `127.0.0.1:${p}`).join(',');
      const r = await run(['--import', 'tsx', file], { PEERWAY_ELECTRUM_SEEDS: seeds });
      expectOk(r, 'the discovery block');
      assert.match(r.stdout, /^127\.0\.0\.1 1\.4\.2 true$/m, `crawl output: ${r.stdout}`);
    } finally {
      await network.close();
    }
  },
  'peerway/overlay': async (file) => {
    const [a, b] = [await freePort(), await freePort()];
    const env = (me: number, other: number): Record<string, string> => ({
      PEERWAY_OVERLAY_PORT: String(me),
      PEERWAY_OVERLAY_PEER: `127.0.0.1:${other}`,
      // Long enough for a second bootstrap walk (30 s after the first): on a loaded machine the
      // first one can reach the other process before it has bound its port, and is lost.
      PEERWAY_SECONDS: '36',
    });
    const [ra, rb] = await Promise.all([
      run(['--import', 'tsx', file], env(a, b), 90_000),
      run(['--import', 'tsx', file], env(b, a), 90_000),
    ]);
    expectOk(ra, 'overlay block A');
    expectOk(rb, 'overlay block B');
    assert.match(ra.stdout + rb.stdout, /^found /m, `no peer found: ${ra.stdout} | ${rb.stdout}`);
  },
};

test('every README block runs as written against real servers on loopback', async () => {
  const blocks = readmeBlocks();
  for (const [i, block] of blocks.entries()) {
    const spec = /from '(peerway[^']*)'/.exec(block)?.[1];
    assert.ok(spec !== undefined, `README block ${i + 1} imports nothing from peerway`);
    const runner = blockRunners[spec];
    assert.ok(runner !== undefined, `README block ${i + 1} (${spec}) has no runner in this test`);
    const file = path.join(tmp, `run-block${i + 1}.mts`);
    writeFileSync(file, runnable(block));
    await runner(file);
  }
});

/** One runner per file in examples/; a file without one fails the test below. */
const exampleRunners: Record<string, BlockRunner> = {
  'overlay-chat.ts': async (file) => {
    const port = await freePort();
    // The dialer starts once the listener's socket is bound, so its first introduction is heard.
    let seen = '';
    let bound!: () => void;
    const listening = new Promise<void>((r) => (bound = r));
    const listener = run(
      ['--import', 'tsx', file, '--listen', `127.0.0.1:${port}`, '--seconds', '20'],
      {},
      45_000,
      (chunk) => {
        seen += chunk;
        if (seen.includes('"listening"')) bound();
      },
    );
    await Promise.race([listening, listener]);
    const dialer = run(['--import', 'tsx', file, '--peer', `127.0.0.1:${port}`, '--seconds', '12']);
    const [ra, rb] = await Promise.all([listener, dialer]);
    expectOk(ra, 'overlay-chat listener');
    expectOk(rb, 'overlay-chat dialer');
    for (const [who, r] of [
      ['listener', ra],
      ['dialer', rb],
    ] as const) {
      const events = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { ev: string });
      for (const ev of ['peer', 'chat', 'ack']) {
        assert.ok(
          events.some((e) => e.ev === ev),
          `${who} printed no ${ev} event: ${r.stdout}\n${r.stderr}`,
        );
      }
    }
  },
};

test('every file in examples/ runs against real peers on loopback', async () => {
  const files = readdirSync(path.join(root, 'examples')).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 0, 'examples/ holds no TypeScript files');
  for (const f of files) {
    const runner = exampleRunners[f];
    assert.ok(runner !== undefined, `examples/${f} has no runner in test/examples.test.ts`);
    await runner(path.join(root, 'examples', f));
  }
});
