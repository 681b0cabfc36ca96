// `npm start`: compile to dist/ when it is missing or older than any source, then run
// `peerway node` with the defaults (extra arguments are passed on: `npm start -- --http-port 9000`).
// The CLI runs in this process, so SIGINT/SIGTERM reach the node directly with nothing to forward.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { copyAssets } from './copy-assets.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const entry = join(root, 'dist', 'cli', 'main.js');

/** The newest modification time among the sources and the files that steer the build. */
function newestInput() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  visit(join(root, 'src'));
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }
  return newest;
}

if (!existsSync(entry) || statSync(entry).mtimeMs < newestInput()) {
  console.log('peerway: building dist/ (tsc -p tsconfig.build.json)');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error('peerway: build failed');
    process.exit(build.status ?? 1);
  }
  copyAssets();
}

process.argv = [process.execPath, entry, 'node', ...process.argv.slice(2)];
await import(pathToFileURL(entry).href);
