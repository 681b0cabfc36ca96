/**
 * The dashboard bench's node, in a process of its own so that its CPU time is the node's alone:
 * the local preset with the demo network on free ports. Answers `cpu` with process.cpuUsage().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, PeerwayNode, presetLayer } from '../src/node/index.js';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

const dataDir = mkdtempSync(join(tmpdir(), 'peerway-bench-dashboard-'));
const [own, a, b] = [await freePort(), await freePort(), await freePort()];
const node = new PeerwayNode({
  config: loadConfig({
    base: [presetLayer('local')],
    set: [
      `dataDir=${dataDir}`,
      'http.port=0',
      'log.level=silent',
      `services.directory.listen="127.0.0.1:${own}"`,
      `demo.directoryPorts=[${a},${b}]`,
      `services.orderbook.directories=["127.0.0.1:${own}","127.0.0.1:${a}","127.0.0.1:${b}"]`,
    ],
  }),
});
await node.start();
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'cpu') process.send!({ cpu: process.cpuUsage(), streams: node.eventStats?.streams ?? 0 });
  if (m.cmd === 'stop') {
    void node.stop().then(() => {
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    });
  }
});
process.send!({ url: node.url });
