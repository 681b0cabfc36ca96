import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

/** The package's entry points, as a consumer imports them. */
function entryPoints(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  return Object.keys(pkg.exports).map((key) => (key === '.' ? 'peerway' : `peerway/${key.slice(2)}`));
}

/** `node_modules` with `names` linked from ours: what a consumer's install would hold. */
function linkModules(dir: string, names: readonly string[]): void {
  for (const name of names) {
    const target = join(dir, 'node_modules', name);
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), target, 'dir');
  }
}

/** Runs the built CLI; resolves to its exit code and output (never rejects). */
function cli(entry: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [entry, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

test(
  'the published declarations compile in a strict consumer without skipLibCheck, and the built CLI keeps the one style',
  { timeout: 240_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'peerway-consumer-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // The package as npm would unpack it: package.json, dist, and only its runtime dependencies.
    const pkgDir = join(dir, 'package');
    mkdirSync(pkgDir);
    copyFileSync(join(root, 'package.json'), join(pkgDir, 'package.json'));
    await run(
      process.execPath,
      [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkgDir, 'dist')],
      {
        cwd: root,
      },
    );
    // What `npm run build` adds after tsc: the dashboard's files and the presets.
    await run(process.execPath, [join(root, 'scripts', 'copy-assets.mjs'), join(pkgDir, 'dist')], {
      cwd: root,
    });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    linkModules(pkgDir, Object.keys(pkg.dependencies));

    const consumer = join(dir, 'consumer');
    mkdirSync(join(consumer, 'node_modules'), { recursive: true });
    symlinkSync(pkgDir, join(consumer, 'node_modules', 'peerway'), 'dir');
    linkModules(consumer, ['@types/node']);
    writeFileSync(
      join(consumer, 'package.json'),
      JSON.stringify({ name: 'consumer', type: 'module', private: true }),
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          types: ['node'],
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
        },
        files: ['index.ts'],
      }),
    );
    const entries = entryPoints();
    writeFileSync(
      join(consumer, 'index.ts'),
      entries
        .map((e, i) => `import * as entry${i} from '${e}';\nconsole.log(Object.keys(entry${i}).length);\n`)
        .join(''),
    );
    assert.ok(entries.length >= 6, entries.join(' '));
    try {
      await run(process.execPath, [tsc, '-p', consumer], { cwd: consumer });
    } catch (err) {
      const { stdout } = err as { stdout: string };
      assert.fail(`the consumer did not compile:\n${stdout}`);
    }

    // The built CLI, as `npx peerway` runs it from the package: one-line errors, usage errors exit
    // 2, other failures 1, and an unusable data directory refused at once.
    const bin = join(pkgDir, 'dist', 'cli', 'main.js');
    const version = await cli(bin, ['--version']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/, 'the version');
    for (const args of [
      ['discovery', 'crawl', '--max', 'abc'],
      ['directory', 'serve', '--network', 'moonnet'],
    ]) {
      const bad = await cli(bin, args);
      assert.equal(bad.code, 2, `${args.join(' ')}: usage error (${bad.stderr})`);
      assert.match(bad.stderr, /^peerway: [^\n]+\n$/, `${args.join(' ')}: one line`);
    }
    const started = Date.now();
    const proc = await cli(bin, ['node', '--data-dir', '/proc/nope/deeper', '--no-demo']);
    assert.equal(proc.code, 1, `an unusable data directory fails (${proc.stderr})`);
    assert.match(proc.stderr, /^peerway: unusable data directory \/proc\/nope\/deeper: [^\n]+\n$/);
    assert.ok(Date.now() - started < 30_000, 'refused at once, not after spinning');
  },
);
