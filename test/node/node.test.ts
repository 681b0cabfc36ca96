import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { ErrorCodes, isPeerwayError, silentLogger } from '../../src/core/index.js';
import {
  loadConfig,
  PeerwayNode,
  type ServiceContext,
  type ServiceDefinition,
} from '../../src/node/index.js';
import { ServiceHost } from '../../src/node/service-host.js';
import { getJson, httpGet } from './http-get.js';
import {
  configuredDefinition,
  CountingService,
  FailingService,
  type ConfiguredOptions,
} from './test-services.js';

const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
  version: string;
};

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-node-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('node: /health, /metrics, /api/services and 404 over real HTTP', async (t) => {
  const dataDir = tempDir(t);
  const counting = new CountingService();
  const broken = new FailingService();
  const node = new PeerwayNode({
    config: loadConfig({ set: [`dataDir=${dataDir}`, 'http.port=0'] }),
    services: [counting, broken],
  });
  const changes: string[] = [];
  node.on('service', (status) => changes.push(`${status.name}:${status.state}`));
  t.after(() => node.stop());
  await node.start();
  assert.match(node.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(existsSync(join(dataDir, 'peerway.sqlite')));

  // A failed service makes the node unhealthy: 503, with the reason in the JSON.
  const health = await getJson(`${node.url}/health`);
  assert.equal(health.status, 503);
  assert.equal(health.json.version, pkg.version);
  assert.equal(health.json.status, 'degraded');
  assert.ok(health.json.uptime >= 0);
  assert.deepEqual(health.json.services.counting, { state: 'running', info: { listening: '127.0.0.1:1' } });
  assert.equal(health.json.services.broken.state, 'failed');
  assert.match(health.json.services.broken.error, /port already taken/);

  const metrics = await httpGet(`${node.url}/metrics`);
  assert.equal(metrics.status, 200);
  assert.match(String(metrics.headers['content-type']), /^text\/plain/);
  assert.match(metrics.body, /^process_cpu_user_seconds_total \d/m);
  assert.match(metrics.body, /^nodejs_heap_size_used_bytes \d/m);
  assert.match(metrics.body, /^peerway_counting_accepted_total 3$/m);
  assert.match(metrics.body, /^peerway_counting_received_bytes_total 1024$/m);
  assert.match(metrics.body, /^peerway_counting_dropped_total\{key="oversize"\} 2$/m);
  assert.match(metrics.body, /^peerway_counting_dropped_total\{key="spoofed"\} 0$/m);
  assert.match(metrics.body, /^peerway_broken_attempts_total 1$/m);
  assert.match(metrics.body, /^peerway_service_up\{service="counting"\} 1$/m);
  assert.match(metrics.body, /^peerway_service_up\{service="broken"\} 0$/m);
  assert.match(metrics.body, /^peerway_http_requests_total \d+$/m);
  // Rendered at most once a second: a scrape within the second gets the same text, a later one
  // reads the stats afresh.
  counting.stats.accepted = 7;
  assert.match((await httpGet(`${node.url}/metrics`)).body, /^peerway_counting_accepted_total 3$/m);
  await delay(1100);
  assert.match((await httpGet(`${node.url}/metrics`)).body, /^peerway_counting_accepted_total 7$/m);

  const api = await getJson(`${node.url}/api/services`);
  assert.equal(api.status, 200);
  assert.deepEqual(api.json.services.counting.stats, counting.stats);
  assert.equal(api.json.services.broken.state, 'failed');

  const missing = await getJson(`${node.url}/nope?x=1`);
  assert.equal(missing.status, 404);
  assert.deepEqual(missing.json, { error: 'not found', path: '/nope' });
  const post = await httpGet(`${node.url}/health`, 'POST');
  assert.equal(post.status, 405);
  const head = await httpGet(`${node.url}/health`, 'HEAD');
  assert.equal(head.status, 503);
  assert.equal(head.body, '');

  const stopping = node.stop();
  assert.equal(node.stop(), stopping, 'stop() returns the same promise');
  await stopping;
  assert.equal(counting.stopped, 1);
  assert.equal(broken.stopped, 1, 'a failed service is still asked to release what it opened');
  assert.deepEqual(
    changes.filter((c) => c.startsWith('counting:')),
    ['counting:starting', 'counting:running', 'counting:stopping', 'counting:stopped'],
  );
  assert.deepEqual(
    changes.filter((c) => c.startsWith('broken:')),
    ['broken:starting', 'broken:failed'],
  );
  assert.equal(node.services().find((s) => s.name === 'counting')?.state, 'stopped');
  assert.equal(node.services().find((s) => s.name === 'broken')?.state, 'failed');
  await assert.rejects(httpGet(`${node.url}/health`));
  assert.throws(
    () => node.store,
    (err) => isPeerwayError(err, ErrorCodes.CLOSED),
  );
  await assert.rejects(node.start(), (err) => isPeerwayError(err, ErrorCodes.CLOSED));
});

test('node: definitions start when enabled, get their config and context, and a failing create is contained', async (t) => {
  const dataDir = tempDir(t);
  const created: Array<{ config: ConfiguredOptions; context: ServiceContext }> = [];
  const exploding: ServiceDefinition = {
    name: 'exploding',
    schema: configuredDefinition('x', []).schema,
    create() {
      throw new Error('cannot create');
    },
  };
  const definitions = [
    configuredDefinition('alpha', created),
    configuredDefinition('beta', created),
    exploding,
  ];
  const config = loadConfig({
    definitions,
    set: [
      `dataDir=${dataDir}`,
      'http.port=0',
      'services.alpha.enabled=true',
      'services.alpha.greeting=hi',
      'services.exploding.enabled=true',
    ],
  });
  await using node = new PeerwayNode({ config, definitions });
  await node.start();
  assert.deepEqual(
    node.services().map((s) => [s.name, s.state]),
    [
      ['alpha', 'running'],
      ['exploding', 'failed'],
    ],
  );
  assert.equal(created.length, 1);
  assert.deepEqual(created[0]!.config, { enabled: true, greeting: 'hi' });
  assert.equal(created[0]!.context.dataDir, dataDir);
  assert.equal(created[0]!.context.store, node.store);
  const health = await getJson(`${node.url}/health`);
  assert.match(health.json.services.exploding.error, /cannot create/);
});

test('node: a port in use fails start() with ERR_LISTEN_FAILED and closes the store', async (t) => {
  const first = new PeerwayNode({ config: loadConfig({ set: [`dataDir=${tempDir(t)}`, 'http.port=0'] }) });
  t.after(() => first.stop());
  await first.start();
  const port = Number(new URL(first.url!).port);
  const second = new PeerwayNode({
    config: loadConfig({ set: [`dataDir=${tempDir(t)}`, `http.port=${port}`] }),
  });
  t.after(() => second.stop());
  await assert.rejects(second.start(), (err) => isPeerwayError(err, ErrorCodes.LISTEN_FAILED));
  assert.throws(
    () => second.store,
    (err) => isPeerwayError(err, ErrorCodes.CLOSED),
  );
});

test('node: a service that never finishes stopping is given up on, not waited for forever', async () => {
  const hanging = new CountingService('hanging');
  hanging.stop = () => new Promise<void>(() => {});
  const host = new ServiceHost('hanging', () => hanging, silentLogger, 50);
  await host.start();
  assert.equal(host.state, 'running');
  await host.stop();
  assert.equal(host.state, 'failed');
  assert.match(host.status().error!, /did not stop in 50 ms/);
});

test('node: service names must be valid and unique', () => {
  const config = loadConfig();
  for (const services of [
    [new CountingService('Bad-Name')],
    [new CountingService('a'), new CountingService('a')],
  ]) {
    assert.throws(
      () => new PeerwayNode({ config, services }),
      (err) => isPeerwayError(err, ErrorCodes.INVALID_ARGUMENT),
    );
  }
});

test('node: a corrupt database is moved aside and the node starts on a fresh one', async (t) => {
  const dataDir = tempDir(t);
  writeFileSync(join(dataDir, 'peerway.sqlite'), 'not a database '.repeat(300));
  const node = new PeerwayNode({ config: loadConfig({ set: [`dataDir=${dataDir}`, 'http.port=0'] }) });
  t.after(() => node.stop());
  await node.start();
  assert.equal(node.store.version('anything'), 0);
  assert.equal(readdirSync(dataDir).filter((n) => n.startsWith('peerway.sqlite.corrupt-')).length, 1);
});

test('node: concurrent starts share one start, stop returns one promise, and http.enabled=false serves no HTTP', async (t) => {
  const counting = new CountingService();
  const node = new PeerwayNode({
    config: loadConfig({ set: [`dataDir=${tempDir(t)}`, 'http.enabled=false'] }),
    services: [counting],
  });
  const a = node.start();
  assert.equal(node.start(), a);
  await a;
  assert.equal(counting.started, 1);
  assert.equal(node.url, undefined);
  assert.deepEqual(node.stats(), { counting: counting.stats });
  const stopping = node.stop();
  assert.equal(node.stop(), stopping);
  assert.equal(node[Symbol.asyncDispose](), stopping);
  await stopping;
  assert.equal(counting.stopped, 1);
});
