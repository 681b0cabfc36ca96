// The dashboard in a real browser (Debian's chromium through playwright-core) against a node
// running the demo network: every panel fills from the demo, an offer a maker announces appears
// and leaves when it is withdrawn, and a failed service shows its reason. A screenshot of each
// panel is saved under <tmpdir>/peerway-test-output/dashboard/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MakerClient, NickIdentity, parseOffer } from '../../src/directory/index.js';
import { loadConfig, PeerwayNode, presetLayer } from '../../src/node/index.js';
import { freePorts, launchChromium, screenshotDir } from './browser.js';

const PANELS = ['overview', 'orderbook', 'directory', 'discovery', 'overlay', 'multistream'];

test('dashboard: every panel fills from the demo network, offers come and go, a failure shows its reason', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerway-dashboard-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const [own, demoA, demoB] = await freePorts(3);
  // The multistream service's port is held, so that service fails and says why.
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => blocker.close(() => r())));
  const blocked = (blocker.address() as { port: number }).port;
  const node = new PeerwayNode({
    config: loadConfig({
      base: [presetLayer('local')],
      set: [
        `dataDir=${dataDir}`,
        'http.port=0',
        'log.level=silent',
        `services.directory.listen="127.0.0.1:${own}"`,
        `demo.directoryPorts=[${demoA},${demoB}]`,
        `services.orderbook.directories=["127.0.0.1:${own}","127.0.0.1:${demoA}","127.0.0.1:${demoB}"]`,
        `services.multistream.port=${blocked}`,
      ],
    }),
  });
  t.after(() => node.stop());
  await node.start();
  const failed = node.services().find((s) => s.name === 'multistream');
  assert.equal(failed?.state, 'failed', 'the multistream service could not bind its port');

  const { context, close } = await launchChromium();
  t.after(close);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${node.url}/`);

  // Overview: every service with its state; the failed one with its reason.
  await page.locator('#connection.live').waitFor({ timeout: 30_000 });
  const reason = page.locator('#services-table tr[data-service="multistream"] .reason');
  await reason.filter({ hasText: /EADDRINUSE|in use/ }).waitFor({ timeout: 30_000 });
  assert.match(
    (await page.locator('[data-status="multistream"]').textContent()) ?? '',
    /failed: .*(EADDRINUSE|in use)/,
    'the multistream panel says why its service failed',
  );
  await page.locator('#demo-banner').filter({ hasText: 'DEMO' }).waitFor({ timeout: 30_000 });

  // Directory: the demo's makers; discovery: the demo's servers; overlay: the demo's peers.
  await page.waitForFunction("document.querySelectorAll('#directory-peers tbody tr').length >= 12", null, {
    timeout: 45_000,
  });
  await page.waitForFunction("document.querySelectorAll('#discovery-servers tbody tr').length >= 5", null, {
    timeout: 45_000,
  });
  await page.waitForFunction(
    "Number(document.querySelector('.community')?.getAttribute('data-nodes') ?? 0) >= 20",
    null,
    { timeout: 45_000 },
  );
  // Orderbook: the demo makers' offers.
  await page.waitForFunction(
    "document.querySelectorAll('#orderbook-table tr[data-maker]').length >= 6",
    null,
    {
      timeout: 45_000,
    },
  );

  // An offer a maker announces appears; withdrawn, it leaves.
  const maker = new MakerClient({
    directoryServers: [`127.0.0.1:${own}`],
    identity: NickIdentity.generate(),
    network: 'signet',
    offers: [parseOffer('sw0absoffer 7 123456 7654321 0 4321')],
    serve: { host: '127.0.0.1', port: 0 },
  });
  t.after(() => maker.stop());
  await maker.start();
  // The table draws only the rows in view: filter it down to this maker, as a user would.
  await page.fill('#orderbook-filters input[name="maker"]', maker.nick);
  const row = page.locator(`#orderbook-table tr[data-maker="${maker.nick}"][data-oid="7"]`);
  await row.waitFor({ state: 'attached', timeout: 45_000 });
  assert.match((await row.textContent()) ?? '', /4321/, 'the row shows the offer');
  await maker.stop();
  await row.waitFor({ state: 'detached', timeout: 45_000 });

  // A screenshot of each panel from this run.
  const dir = screenshotDir('dashboard');
  mkdirSync(dir, { recursive: true });
  for (const panel of PANELS) {
    await page.locator(`#panel-${panel}`).screenshot({ path: join(dir, `${panel}.png`) });
  }
  assert.deepEqual(errors, [], 'the page threw nothing');
});
