/**
 * The server side of bench/hostile-discovery.bench.ts, run as a separate process (fork with tsx
 * and --expose-gc) so its RSS is the server's alone: a DiscoveryNode with default limits on an
 * in-memory database holding 200 good public peers (a peers.subscribe reply of about 15 KB),
 * whose resolver maps `sneaky.example.com` to 127.0.0.1. Talks to the parent over IPC.
 */
import { openStore } from '../src/store/index.js';
import { createSqlitePeerStore } from '../src/discovery/sqlite-peer-store.js';
import { DiscoveryNode } from '../src/discovery/discovery-node.js';
import { fillWithPublicPeers } from '../test/adversarial/discovery-attacks.js';
import { REGTEST_GENESIS } from '../test/discovery/harness.js';

type Command = { cmd: 'rss'; settle: boolean } | { cmd: 'mark' } | { cmd: 'stats' } | { cmd: 'stop' };

const store = createSqlitePeerStore(openStore(':memory:'));
fillWithPublicPeers(store, 200);
const node = new DiscoveryNode({
  store,
  genesisHash: REGTEST_GENESIS,
  resolve: (host) => Promise.resolve(host === 'sneaky.example.com' ? ['127.0.0.1'] : []),
  schedule: { tickMs: 3_600_000, recheckGoodMs: 3_600_000 },
});
await node.start();

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    global.gc?.();
    await new Promise((r) => setTimeout(r, 100));
  }
}

process.on('message', (message: Command) => {
  void (async () => {
    switch (message.cmd) {
      case 'rss':
        if (message.settle) await settle();
        process.send!({ rss: process.memoryUsage().rss, peak });
        return;
      case 'mark':
        peak = process.memoryUsage().rss;
        process.send!({});
        return;
      case 'stats':
        process.send!({ stats: node.stats });
        return;
      case 'stop':
        clearInterval(sampler);
        await node.stop();
        process.send!({}, () => process.exit(0));
    }
  })();
});
process.send!({ port: node.tcpPort });
