/**
 * The server side of bench/hostile-node.bench.ts, in a process of its own (fork with tsx) so the
 * RSS it reports is the node's alone: one PeerwayNode with its HTTP server on a free loopback port.
 * Talks to the parent over IPC.
 *
 *   (on start)          -> { ready, port }
 *   { cmd: 'mark' }     -> { rss, stats }   RSS now (after a GC); the peak is reset
 *   { cmd: 'peak' }     -> { rss, peak, stats }   RSS after a GC and the peak since the last mark
 *   { cmd: 'stop' }     -> { stopped }
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, PeerwayNode } from '../src/node/index.js';

type Command = { cmd: 'mark' } | { cmd: 'peak' } | { cmd: 'stop' };

/** How often the peak RSS is sampled. */
const SAMPLE_MS = 20;

const dataDir = mkdtempSync(join(tmpdir(), 'peerway-hostile-node-'));
const node = new PeerwayNode({ config: loadConfig({ set: [`dataDir=${dataDir}`, 'http.port=0'] }) });
await node.start();

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, SAMPLE_MS);

function settledRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

process.on('message', (msg: Command) => {
  const stats = { ...node.httpStats! };
  if (msg.cmd === 'mark') {
    const rss = settledRss();
    peak = rss;
    process.send!({ rss, stats });
  } else if (msg.cmd === 'peak') {
    process.send!({ rss: settledRss(), peak, stats });
  } else {
    clearInterval(sampler);
    void node.stop().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.send!({ stopped: true });
      process.disconnect();
    });
  }
});
process.send!({ ready: true, port: Number(new URL(node.url!).port) });
