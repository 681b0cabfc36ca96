/**
 * The node's directory service with `services.directory.cluster`: the config section, two
 * services on one real nats-server acting as one directory, the cluster in `info()` and `stats`,
 * and `peerway directory serve --cluster`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { silentLogger } from '../../src/core/index.js';
import type { ClusterView } from '../../src/directory/server/index.js';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatSignedPrivmsg } from '../../src/directory/wire/message-line.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import {
  clusterOptions,
  directoryConfigSchema,
  directoryServiceDefinition,
} from '../../src/node/directory-service.js';
import { openStore } from '../../src/store/index.js';
import { spawnDirectoryCli } from '../helpers/directory-cli.js';
import { freePort } from '../helpers/free-port.js';
import { natsBinary, NatsServer } from '../helpers/nats-server.js';
import { eventually, readUntil } from './cluster-harness.js';
import { rawJoin } from './net.js';

const skip = natsBinary.skip;

test('directory service: the cluster section is optional, checked, and becomes NATS client options', () => {
  assert.equal(directoryConfigSchema.parse({}).cluster, undefined, 'no cluster unless configured');
  assert.throws(
    () => directoryConfigSchema.parse({ cluster: { url: 'http://x:1' } }),
    'a non-NATS URL is refused',
  );
  assert.throws(
    () => directoryConfigSchema.parse({ cluster: { url: 'nats://x:1', name: 'a b' } }),
    'a bad name is refused',
  );
  const parsed = directoryConfigSchema.parse({
    cluster: {
      url: 'nats://10.0.0.1:4222, tls://10.0.0.2:4222',
      user: 'dir',
      pass: 'secret',
      credsFile: 'dir.creds',
      tls: { caFile: '/etc/nats/ca.pem', certFile: 'client.pem', keyFile: 'client.key' },
    },
  });
  const opts = clusterOptions(parsed.cluster!, '/data');
  assert.deepEqual(opts.servers, ['nats://10.0.0.1:4222', 'tls://10.0.0.2:4222'], 'several servers');
  assert.equal(opts.name, 'peerway', 'default cluster name');
  assert.equal(opts.user, 'dir', 'user');
  assert.equal(opts.pass, 'secret', 'password');
  assert.equal(opts.credsFile, join('/data', 'dir.creds'), 'creds file relative to the data dir');
  assert.deepEqual(
    opts.tls,
    {
      caFile: '/etc/nats/ca.pem',
      certFile: join('/data', 'client.pem'),
      keyFile: join('/data', 'client.key'),
    },
    'TLS files',
  );
  assert.equal(opts.heartbeatInterval, 1_000, 'default heartbeat');
  assert.equal(opts.deadAfter, 5_000, 'default dead-after');
});

test(
  'directory service: two services on one NATS server are one directory; info() shows the cluster',
  { skip, timeout: 60_000 },
  async (t) => {
    const nats = await NatsServer.start();
    t.after(() => nats.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'peerway-dircluster-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const store = openStore(':memory:');
    t.after(() => store.close());
    const make = (key: string) =>
      directoryServiceDefinition.create(
        directoryConfigSchema.parse({
          enabled: true,
          listen: '127.0.0.1:0',
          network: 'signet',
          nickKeyFile: `${key}.key`,
          cluster: { url: nats.url, name: 'svc' },
        }),
        { logger: silentLogger, dataDir, store },
      );
    const one = make('one');
    const two = make('two');
    await one.start();
    await two.start();
    try {
      const port = (s: typeof one): number => Number(String(s.info!()['location']).split(':')[1]);
      const alice = NickIdentity.generate();
      const bob = NickIdentity.generate();
      const pa = await rawJoin(port(one), alice.nick);
      const pb = await rawJoin(port(two), bob.nick);
      try {
        const cluster = (s: typeof one): ClusterView => s.info!()['cluster'] as ClusterView;
        assert.ok(
          await eventually(() => {
            const v = cluster(one);
            return (
              v.instances.length === 2 && v.instances.some((i) => !i.self && i.clients.includes(bob.nick))
            );
          }),
          'info().cluster on one lists the other instance with bob',
        );
        const text = encodeEnvelope(685, formatSignedPrivmsg(alice, bob.nick, 'hello', 'there'));
        pa.send(text);
        await readUntil(pb, (_e, raw) => raw === text);
        const v = cluster(one);
        assert.deepEqual(v.instances[0]?.clients, [alice.nick], 'this instance first, with its client');
        assert.equal(v.traffic.sent['privmsg'], 1, 'one privmsg crossed');
        assert.equal(
          (one.stats['clusterSent'] as Record<string, number>)['privmsg'],
          1,
          'stats carry the counters',
        );
        assert.equal(one.stats['clusterInstances'], 2, 'stats count the instances');
        assert.equal(two.stats['clusterRemotePeers'], 1, 'and the nicks elsewhere');
      } finally {
        pa.close();
        pb.close();
      }
    } finally {
      await one.stop();
      await two.stop();
    }
  },
);

test(
  'peerway directory serve --cluster: joins the cluster and says so',
  { skip, timeout: 60_000 },
  async (t) => {
    const nats = await NatsServer.start();
    t.after(() => nats.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'peerway-dirclustercli-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const child = spawnDirectoryCli([
      'serve',
      '--listen',
      `127.0.0.1:${port}`,
      '--network',
      'signet',
      '--data-dir',
      dataDir,
      '--no-http',
      '--cluster',
      nats.url,
      '--cluster-name',
      'cli',
    ]);
    t.after(() => child.kill('SIGKILL'));
    const lines = createInterface({ input: child.stdout });
    const seen: string[] = [];
    lines.on('line', (l) => seen.push(l));
    assert.ok(
      await eventually(() =>
        seen.some((l) => /^cluster instance [0-9a-f]{16} \(1 instances seen\)$/.test(l)),
      ),
      `the instance line was printed (saw ${JSON.stringify(seen)})`,
    );
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, 'exits cleanly');
  },
);
