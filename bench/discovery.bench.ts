// Discovery benchmarks: server.peers.subscribe against a 10,000-peer database, and a crawl of
// 1,000 discovery servers on loopback. Prints one readable line per figure.
import { openStore } from '../src/store/index.js';
import { createSqlitePeerStore } from '../src/discovery/sqlite-peer-store.js';
import { newPeerRecord } from '../src/discovery/peer-store.js';
import { DiscoveryNode } from '../src/discovery/discovery-node.js';
import { ElectrumClient } from '../src/discovery/electrum-client.js';
import { crawl } from '../src/discovery/crawler.js';
import { PeersReply } from '../src/discovery/peers-reply.js';
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { startStaticNetwork } from '../test/discovery/static-network.js';

const GENESIS = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';

// A load generator in its own thread (plain JS over raw sockets), so the server's thread does
// only server work: `conns` connections, each sending peers.subscribe back to back for `ms`.
const LOAD_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const net = require('node:net');
const { port, conns, ms } = workerData;
const latencies = [];
let open = conns;
const until = performance.now() + ms;
for (let c = 0; c < conns; c++) {
  const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
  let buf = '';
  let sent = 0;
  let id = 0;
  const ask = () => {
    sent = performance.now();
    s.write(JSON.stringify({ jsonrpc: '2.0', method: 'server.peers.subscribe', params: [], id: ++id }) + '\\n');
  };
  s.on('connect', () => s.write(JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['bench', '1.4'], id: 0 }) + '\\n'));
  s.on('data', (chunk) => {
    buf += chunk;
    let at;
    while ((at = buf.indexOf('\\n')) !== -1) {
      const line = buf.slice(0, at);
      buf = buf.slice(at + 1);
      if (JSON.parse(line).id !== 0) latencies.push(performance.now() - sent);
      if (performance.now() < until) ask();
      else {
        s.end();
        if (--open === 0) parentPort.postMessage(latencies);
      }
    }
  });
}
`;

function loadFromWorker(port: number, conns: number, ms: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, { eval: true, workerData: { port, conns, ms } });
    worker.once('message', (l: number[]) => {
      resolve(l);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function benchPeersSubscribe(): Promise<void> {
  const store = openStore(':memory:');
  const peers = createSqlitePeerStore(store);
  const now = Date.now();
  store.db.transaction(() => {
    for (let i = 0; i < 10_000; i++) {
      // Public addresses spread over many /16 buckets, several peers per bucket.
      const ip = `${11 + (i % 90)}.${(i >> 3) % 250}.${i % 250}.${1 + (i % 200)}`;
      peers.put(
        newPeerRecord(`peer${i}.example`, 'peer', now, {
          ipAddr: ip,
          tcpPort: 50001,
          sslPort: 50002,
          protocolMax: '1.4.2',
          lastGood: now - (i % 3600) * 1000,
          nextCheck: now + 3_600_000,
        }),
      );
    }
  })();
  const node = new DiscoveryNode({ store: peers, genesisHash: GENESIS, schedule: { tickMs: 600_000 } });
  await node.start();
  try {
    for (const conns of [1, 4]) {
      const clients = await Promise.all(
        Array.from({ length: conns }, () =>
          ElectrumClient.connect({ host: '127.0.0.1', port: node.tcpPort!, transport: 'tcp' }),
        ),
      );
      try {
        for (const c of clients) await c.version();
        const coldStart = performance.now();
        const first = (await clients[0]!.peers()) as unknown[];
        const cold = performance.now() - coldStart;
        const latencies: number[] = [];
        const until = performance.now() + 2500;
        await Promise.all(
          clients.map(async (c) => {
            while (performance.now() < until) {
              const t = performance.now();
              await c.peers();
              latencies.push(performance.now() - t);
            }
          }),
        );
        latencies.sort((a, b) => a - b);
        console.log(
          `peers.subscribe over TCP, 10,000 peers in the database, ${conns} connection(s): ` +
            `${(latencies.length / 2.5).toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
            `p99 ${percentile(latencies, 99).toFixed(2)} ms (target p99 < 5 ms); reply ${first.length} entries` +
            (conns === 1 ? `; first request ${cold.toFixed(1)} ms` : ''),
        );
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    }
    for (const conns of [1, 4]) {
      const latencies = (await loadFromWorker(node.tcpPort!, conns, 2500)).sort((a, b) => a - b);
      console.log(
        `peers.subscribe over TCP from a separate load thread, ${conns} connection(s): ` +
          `${(latencies.length / 2.5).toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
          `p99 ${percentile(latencies, 99).toFixed(2)} ms (target p99 < 5 ms)`,
      );
    }
    // The server's own share: choosing and serialising one reply, without sockets or the client.
    const reply = new PeersReply({ store: peers, cacheMs: 60_000 });
    reply.select();
    const own: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t = performance.now();
      JSON.stringify({ jsonrpc: '2.0', result: reply.select(), id: i });
      own.push(performance.now() - t);
    }
    own.sort((a, b) => a - b);
    console.log(
      `peers.subscribe server-side work (select + serialise 200 entries from 10,000): ` +
        `p50 ${percentile(own, 50).toFixed(3)} ms, p99 ${percentile(own, 99).toFixed(3)} ms`,
    );
  } finally {
    await node.stop();
    store.close();
  }
}

async function benchCrawl(): Promise<void> {
  const N = 1000;
  const setupStart = performance.now();
  // Each server lists the next two and three pseudo-random others.
  const network = await startStaticNetwork(N, (i) => [
    i + 1,
    i + 2,
    (i * 37 + 11) % N,
    (i * 101 + 7) % N,
    (i * 13 + 3) % N,
  ]);
  const setup = performance.now() - setupStart;
  globalThis.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  try {
    const t = performance.now();
    const results = await crawl({
      seeds: [`127.0.0.1:${network.ports[0]}`],
      keyByPort: true,
      max: N,
      concurrency: 32,
    });
    const took = performance.now() - t;
    const verified = results.filter((r) => r.verified).length;
    console.log(
      `crawl of ${N} discovery servers on loopback (same process, concurrency 32): ${(took / 1000).toFixed(2)} s ` +
        `(target < 60 s), ${results.length} visited, ${verified} verified; ` +
        `peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB (+${((peakRss - base.rss) / 2 ** 20).toFixed(0)} MiB over the idle servers), ` +
        `peak heap ${(peakHeap / 2 ** 20).toFixed(0)} MiB; starting the servers took ${(setup / 1000).toFixed(2)} s`,
    );
  } finally {
    clearInterval(sampler);
    await network.close();
  }
}

console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (2 cores, shared)`,
);
await benchPeersSubscribe();
await benchCrawl();
