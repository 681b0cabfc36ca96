// Regenerates docs/dashboard.png: builds if needed, starts `peerway node` with the demo network on
// free ports, waits for every panel to fill, and screenshots the page in Debian's chromium.
// Usage: node scripts/dashboard-screenshot.mjs [out.png]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = process.argv[2] ?? join(root, 'docs', 'dashboard.png');

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise((r) => s.close(r));
  return port;
}

const build = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) process.exit(1);
spawnSync(process.execPath, [join(root, 'scripts', 'copy-assets.mjs')], { stdio: 'inherit' });

const dataDir = mkdtempSync(join(tmpdir(), 'peerway-screenshot-'));
const [own, a, b] = [await freePort(), await freePort(), await freePort()];
const node = spawn(
  process.execPath,
  [
    join(root, 'dist', 'cli', 'main.js'),
    'node',
    '--http-port',
    '0',
    '--data-dir',
    dataDir,
    '--log-level',
    'error',
    '--set',
    `services.directory.listen="127.0.0.1:${own}"`,
    '--set',
    `demo.directoryPorts=[${a},${b}]`,
    '--set',
    `services.orderbook.directories=["127.0.0.1:${own}","127.0.0.1:${a}","127.0.0.1:${b}"]`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise((resolve, reject) => {
  let text = '';
  node.stdout.on('data', (c) => {
    text += c;
    const m = /dashboard (http:\/\/\S+?)\/?\s/.exec(text);
    if (m) resolve(m[1]);
  });
  node.on('exit', () => reject(new Error('the node exited')));
});
const profile = mkdtempSync(join(tmpdir(), 'peerway-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`${url}/`);
  await page.waitForFunction(
    "document.querySelectorAll('#orderbook-table tr[data-maker]').length >= 10",
    null,
    { timeout: 60_000 },
  );
  await page.waitForFunction("document.querySelectorAll('#discovery-servers tbody tr').length >= 5", null, {
    timeout: 60_000,
  });
  await page.waitForTimeout(5000);
  await page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  node.kill('SIGTERM');
  await new Promise((r) => node.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
