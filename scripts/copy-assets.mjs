// Copies the files the compiled node reads at run time (the dashboard's HTML, CSS and ES modules,
// and the preset data) from src/node/ to dist/node/, since tsc copies only what it compiles.
// Run by `npm run build` (and so before `npm pack`) and by `npm start` after it builds;
// `node scripts/copy-assets.mjs <dist>` copies into another output folder.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** The folders copied, relative to src/ and dist/. */
export const ASSET_FOLDERS = ['node/dashboard', 'node/presets'];

export function copyAssets(dist = join(root, 'dist')) {
  for (const folder of ASSET_FOLDERS) {
    const to = join(dist, folder);
    rmSync(to, { recursive: true, force: true });
    cpSync(join(root, 'src', folder), to, { recursive: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) copyAssets(process.argv[2]);
