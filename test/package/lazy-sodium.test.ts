import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `code` as an ES module in a fresh node with tsx, so the module cache starts empty. */
async function fresh(code: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    timeout: 30_000,
  });
  return stdout.trim();
}

const LOADED = `Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('sodium-native'))`;

test('importing the package does not load the libsodium binding; the first overlay key does', async () => {
  const out = await fresh(`
    import { createRequire } from 'node:module';
    const peerway = await import('./src/index.ts');
    const overlay = await import('./src/overlay/index.ts');
    const before = ${LOADED};
    const name = overlay.ed25519Implementation();
    const after = ${LOADED};
    console.log(JSON.stringify({ before, name, after, exports: Object.keys(peerway).length > 0 }));
  `);
  assert.deepEqual(JSON.parse(out), { before: false, name: 'libsodium', after: true, exports: true });
});
