/**
 * One directory instance of a cluster, run as a child process by the cluster tests and bench
 * (`fork` with tsx). Its config arrives as argv[2] (JSON); it answers `{ port, instance }` once
 * listening, and `view` / `stats` / `stop` messages over IPC.
 */
import { NatsDirectoryCluster } from '../../src/directory/cluster/index.js';
import { DirectoryServer } from '../../src/directory/server/index.js';

interface InstanceConfig {
  url: string;
  name?: string;
  nickAuthId?: string;
  heartbeatInterval?: number;
  deadAfter?: number;
  /** false: a single-process directory (no cluster), for comparisons. */
  cluster?: boolean;
  pingAfterIdle?: number;
  rateLimit?: number;
  rateBurst?: number;
  /** Further server options (the bench lifts the limits). */
  server?: Record<string, unknown>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as InstanceConfig;
const cluster =
  config.cluster === false
    ? undefined
    : new NatsDirectoryCluster({
        servers: config.url,
        ...(config.name === undefined ? {} : { name: config.name }),
        ...(config.heartbeatInterval === undefined ? {} : { heartbeatInterval: config.heartbeatInterval }),
        ...(config.deadAfter === undefined ? {} : { deadAfter: config.deadAfter }),
      });
const server = new DirectoryServer({
  port: 0,
  network: 'signet',
  peerlistChunkSpacing: 0,
  ...(cluster === undefined ? {} : { cluster }),
  ...(config.nickAuthId === undefined ? {} : { nickAuthId: config.nickAuthId }),
  ...(config.pingAfterIdle === undefined ? {} : { pingAfterIdle: config.pingAfterIdle }),
  ...(config.rateLimit === undefined ? {} : { rateLimit: config.rateLimit }),
  ...(config.rateBurst === undefined ? {} : { rateBurst: config.rateBurst }),
  ...config.server,
});

process.on('message', (msg: { cmd: string; id: number }) => {
  const reply = (result: unknown): void => {
    process.send?.({ id: msg.id, result });
  };
  if (msg.cmd === 'view') reply(server.clusterView() ?? null);
  else if (msg.cmd === 'stats')
    reply({ server: server.stats, cluster: cluster?.stats ?? null, rss: process.memoryUsage().rss });
  else if (msg.cmd === 'gc') {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g !== undefined) for (let i = 0; i < 3; i++) g();
    reply({ rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
  } else if (msg.cmd === 'stop') {
    void server.stop().then(() => {
      reply(true);
      process.disconnect();
    });
  }
});

server.start().then(
  () => process.send?.({ ready: true, port: server.address.port, instance: cluster?.id ?? '' }),
  (err: unknown) => {
    process.send?.({ ready: false, error: String(err) });
    process.exit(1);
  },
);
