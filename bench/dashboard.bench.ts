/**
 * The dashboard in Chromium (Debian's, through playwright-core), against a node in its own
 * process running the demo network:
 * - the orderbook panel renders 10,000 offers (table, filters, depth chart) and then 20 changes of
 *   500 offers each, timed to the next painted frame; anchor: the same panel with 100 offers;
 * - the overlay panel draws a community of 1,000 peers (graph and layout); anchor: 30 peers;
 * - the node's CPU time with 50 event streams open for 20 s, against the same node with none.
 * Targets (issue 13): 10,000 offers under 1 s; 1,000 overlay peers shown; 50 pages under 5 % of a core.
 */
import { request } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { launchChromium } from '../test/browser/browser.js';
import { ask, forkWorker } from './child-worker.js';

interface Cpu {
  cpu: NodeJS.CpuUsage;
  streams: number;
}

const worker = forkWorker('dashboard-node-worker.ts');
const { url } = await new Promise<{ url: string }>((resolve) =>
  worker.once('message', (m) => resolve(m as { url: string })),
);
const { context, close } = await launchChromium();
const page = await context.newPage();
await page.setViewportSize({ width: 1400, height: 900 });
// The page without its own event stream: the bench feeds the panels itself.
await page.goto(`${url}/?events=off`);
await page.waitForFunction('"peerwayDashboard" in window');

/** Renders a section in the page and resolves with the milliseconds until the next painted frame. */
function timeRender(section: string, maker: string, arg: number): Promise<number> {
  return page.evaluate(
    async ([section, maker, arg]) => {
      // This runs in the page (the project's types have no DOM, hence the shape given here).
      const w = globalThis as unknown as {
        peerwayDashboard: { render(s: string, d: unknown): void };
        benchData: Record<string, (n: number) => unknown>;
        requestAnimationFrame(callback: () => void): void;
      };
      const data = w.benchData[maker]!(arg);
      const t0 = performance.now();
      w.peerwayDashboard.render(section, data);
      await new Promise((r) => w.requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    },
    [section, maker, arg] as const,
  );
}

const OFFERS = `function (n) {
  const types = ['sw0reloffer','sw0absoffer','swreloffer','swabsoffer','reloffer','absoffer'];
  const offers = [];
  for (let i = 0; i < n; i++) {
    const t = types[i % 6];
    const min = 27300 + (i * 7919) % 500000;
    offers.push({ counterparty: 'J5' + (i % 2000).toString(36).padStart(14, 'x'), oid: Math.floor(i / 2000),
      ordertype: t, minsize: min, maxsize: min + (i * 104729) % 500000000, txfee: i % 1000,
      cjfee: t.includes('rel') ? (0.00001 + (i % 300) / 1e6).toFixed(6) : (i * 31) % 3000,
      fidelity_bond_value: i % 7 === 0 ? i * 1000 : 0 });
  }
  window.__offers = offers;
  return { offers, fidelitybonds: [] };}`;

const CHANGE = `function (n) {
  const offers = window.__offers.slice();
  for (let k = 0; k < 500; k++) {
    const i = (n * 500 + k * 13) % offers.length;
    offers[i] = { ...offers[i], txfee: offers[i].txfee + 1 };
  }
  window.__offers = offers;
  return { offers, fidelitybonds: [] };}`;

const GRAPH = `function (n) {
  const nodes = [{ id: 'self', kind: 'self', address: '127.0.0.1:1' }];
  const edges = [];
  for (let i = 0; i < n; i++) {
    const id = 'p' + i;
    nodes.push({ id, kind: i % 3 === 0 ? 'walkable' : 'verified', address: '10.0.' + (i >> 8) + '.' + (i & 255) + ':8090' });
    edges.push(i % 3 === 0 ? { from: 'p' + (i - 1 < 0 ? 1 : i - 1), to: id, kind: 'introduced' } : { from: 'self', to: id, kind: 'peer' });
  }
  return { listen: '127.0.0.1:1', communities: [{ id: 'bench' + n, peers: n, walkable: 0, ticks: 0, sent: 0, received: 0, graph: { nodes, edges } }] };}`;

// The data makers live in the page, so building the data is not part of what is timed.
await page.addScriptTag({
  content: `window.benchData = { offers: ${OFFERS}, change: ${CHANGE}, graph: ${GRAPH} };`,
});

const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

// Warm up the JIT and the charts once.
await timeRender('orderbook', 'offers', 100);
const small = await timeRender('orderbook', 'offers', 100);
const big = await timeRender('orderbook', 'offers', 10_000);
const rows = await page.locator('#orderbook-table tr[data-maker]').count();
const changes: number[] = [];
for (let i = 0; i < 20; i++) changes.push(await timeRender('orderbook', 'change', i));
console.log(
  `orderbook panel: 10,000 offers ${big.toFixed(0)} ms to a painted frame (${rows} table rows drawn, the rest virtual; anchor 100 offers ${small.toFixed(0)} ms, ratio ${(big / small).toFixed(1)}x); target < 1000 ms`,
);
console.log(
  `orderbook panel: 20 changes of 500 offers in a book of 10,000: p50 ${p50(changes).toFixed(0)} ms, max ${Math.max(...changes).toFixed(0)} ms per update`,
);

const graphSmall = await timeRender('overlay', 'graph', 30);
const graphBig = await timeRender('overlay', 'graph', 1000);
const drawn = await page.locator('.community[data-community="bench1000"]').getAttribute('data-nodes');
console.log(
  `overlay panel: 1,000 peers ${graphBig.toFixed(0)} ms to a painted frame, ${drawn} nodes drawn (anchor 30 peers ${graphSmall.toFixed(0)} ms)`,
);
await close();

// The node's CPU with no stream, then with 50, over the same window (the demo runs throughout).
const WINDOW_MS = 20_000;
await delay(5000);
async function cpuOver(ms: number): Promise<number> {
  const a = await ask<Cpu>(worker, { cmd: 'cpu' });
  await delay(ms);
  const b = await ask<Cpu>(worker, { cmd: 'cpu' });
  return (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000 / ms;
}
const idle = await cpuOver(WINDOW_MS);
const streams: Array<() => void> = [];
let bytes = 0;
for (let i = 0; i < 50; i++) {
  const req = request(`${url}/api/events`, { agent: false }, (res) =>
    res.on('data', (c: Buffer) => (bytes += c.length)),
  );
  req.on('error', () => {});
  req.end();
  streams.push(() => req.destroy());
}
await delay(2000);
const open = (await ask<Cpu>(worker, { cmd: 'cpu' })).streams;
const busy = await cpuOver(WINDOW_MS);
for (const s of streams) s();
console.log(
  `event streams: node CPU ${(idle * 100).toFixed(1)} % of a core with none, ${(busy * 100).toFixed(1)} % with ${open} open; the streams cost ${((busy - idle) * 100).toFixed(1)} % of a core (${(bytes / 1e6).toFixed(1)} MB sent); target < 5 %`,
);
await ask(worker, { cmd: 'stop' }).catch(() => {});
worker.kill();
