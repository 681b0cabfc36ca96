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

test(
  'the published declarations compile in a strict consumer without skipLibCheck',
  { timeout: 90_000 },
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
  },
);
