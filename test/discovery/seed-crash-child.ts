// Child process for seeds.test.ts: opens a node database, prints "seeding" and starts a discovery
// node with many seeds. The parent kills it with SIGKILL while the seeds are being written.
import { openStore } from '../../src/store/index.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';
import { DiscoveryNode } from '../../src/discovery/discovery-node.js';
import { REGTEST_GENESIS } from './harness.js';

const [path, count] = process.argv.slice(2);
if (path === undefined || count === undefined) throw new Error('usage: seed-crash-child <db path> <seeds>');

const seeds = Array.from({ length: Number(count) }, (_, i) => `seed${i}.example.com t50001`);
const store = createSqlitePeerStore(openStore(path));
const node = new DiscoveryNode({
  store,
  genesisHash: REGTEST_GENESIS,
  seeds,
  // Nothing is dialled: every seed resolves to a private address and is refused at once.
  resolve: () => Promise.resolve(['10.0.0.1']),
});
process.stdout.write('seeding\n');
await node.start();
// Stop on our own if the parent never kills us (it failed), so no child outlives the test run.
setTimeout(() => void node.stop(), 20_000);
