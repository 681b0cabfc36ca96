import { onionFromPublicKey } from '../../src/transport/index.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type DirectoryClient } from '../../src/directory/client/client.js';
import { tcpDialer, type Dialer } from '../../src/directory/client/dialer.js';
import { DirectoryClientPool } from '../../src/directory/client/pool.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { freePort } from '../helpers/free-port.js';
import { until } from './net.js';

class RecordingPool extends DirectoryClientPool {
  connected: string[] = [];
  disconnected: string[] = [];
  failHooks = false;
  protected override onDirectoryConnected(nodeId: string, _client: DirectoryClient): void {
    this.connected.push(nodeId);
  }
  protected override onDirectoryDisconnected(nodeId: string, _client: DirectoryClient): void {
    this.disconnected.push(nodeId);
    if (this.failHooks) throw new Error('hook failure must be logged, not thrown');
  }
}

function pool(
  servers: string[],
  extra: Partial<ConstructorParameters<typeof DirectoryClientPool>[0]> = {},
): RecordingPool {
  return new RecordingPool({
    directoryServers: servers,
    identity: NickIdentity.generate(),
    network: 'signet',
    connectionTimeout: 2000,
    ...extra,
  });
}

test('pool: node ids are canonical, unparseable servers are skipped, parallel connect counts', async () => {
  await using a = new DirectoryServer({ port: 0, network: 'signet' });
  await a.start();
  const deadPort = await freePort();
  // Listed only, never dialled (tests stay on loopback).
  // An onion is canonical in lowercase; one whose v3 checksum fails is unparseable like a bad port.
  const onion = onionFromPublicKey(new Uint8Array(32).fill(7));
  const listed = pool([onion.toUpperCase(), 'example.onion', '[::1]', 'host:99999', '127.0.0.1:7']);
  assert.deepEqual(listed.listDisconnected(), [
    [onion.toUpperCase(), `${onion}:5222`],
    ['[::1]', '[::1]:5222'],
    ['127.0.0.1:7', '127.0.0.1:7'],
  ]);
  const p = pool([`127.0.0.1:${a.address.port}`, `127.0.0.1:${deadPort}`, 'not an address!']);
  try {
    assert.deepEqual(
      p.listDisconnected().map(([, id]) => id),
      [`127.0.0.1:${a.address.port}`, `127.0.0.1:${deadPort}`],
    );
    assert.equal(await p.connectAllParallel(), 1);
    assert.deepEqual([...p.clients.keys()], [`127.0.0.1:${a.address.port}`]);
    assert.deepEqual(p.connected, [`127.0.0.1:${a.address.port}`]);
    assert.equal(await p.connectToDirectory('bad address!'), undefined);
  } finally {
    await p.closeAll();
  }
  assert.equal(p.clients.size, 0);
  assert.deepEqual(p.disconnected, [`127.0.0.1:${a.address.port}`]);
});

test('pool: the retry loop waits for directories that come up late', async () => {
  const port1 = await freePort();
  const port2 = await freePort();
  const p = pool([`127.0.0.1:${port1}`, `127.0.0.1:${port2}`]);
  const late = new DirectoryServer({ port: port2, network: 'signet' });
  try {
    const started = Date.now();
    const timer = setTimeout(() => void late.start(), 400);
    const n = await p.connectAllWithRetry({ timeout: 5000, initialDelay: 100, maxDelay: 200, backoff: 1.5 });
    clearTimeout(timer);
    assert.equal(n, 1);
    assert.ok(Date.now() - started >= 350, 'returned only once one was up');
    assert.deepEqual([...p.clients.keys()], [`127.0.0.1:${port2}`]);
  } finally {
    await p.closeAll();
    await late.stop();
  }
});

test('pool: the retry loop gives up at its deadline and returns 0', async () => {
  const p = pool([`127.0.0.1:${await freePort()}`]);
  const started = Date.now();
  assert.equal(await p.connectAllWithRetry({ timeout: 300, initialDelay: 50 }), 0);
  const took = Date.now() - started;
  assert.ok(took >= 280 && took < 2000, `took ${took} ms`);
  await p.closeAll();
});

test('pool: a directory restarted under its clients is reconnected', async () => {
  const port = await freePort();
  let server = new DirectoryServer({ port, network: 'signet' });
  await server.start();
  const p = pool([`127.0.0.1:${port}`]);
  try {
    assert.equal(await p.connectAllParallel(), 1);
    await server.stop();
    await until(() => p.clients.size === 0, 2000, 'loss noticed');
    assert.deepEqual(p.disconnected, [`127.0.0.1:${port}`]);
    assert.deepEqual(p.listDisconnected(), [[`127.0.0.1:${port}`, `127.0.0.1:${port}`]]);
    assert.deepEqual(await p.reconnectDisconnected(), []);
    server = new DirectoryServer({ port, network: 'signet' });
    await server.start();
    const again = await p.reconnectDisconnected();
    assert.equal(again.length, 1);
    assert.equal(again[0]![0], `127.0.0.1:${port}`);
    assert.ok(again[0]![1].connected);
    assert.deepEqual(p.connected, [`127.0.0.1:${port}`, `127.0.0.1:${port}`]);
    assert.equal(server.stats.peers, 1);
    // Again, with the periodic reconnect doing the work.
    p.startPeriodicReconnect(50);
    await server.stop();
    await until(() => p.clients.size === 0, 2000, 'second loss noticed');
    server = new DirectoryServer({ port, network: 'signet' });
    await server.start();
    await until(() => p.clients.size === 1, 3000, 'periodic reconnect');
    assert.equal(p.connected.length, 3);
  } finally {
    await p.stop();
    await server.stop();
  }
});

test('pool: closeAll logs hook and close errors instead of throwing; stream isolation picks the directory category', async () => {
  await using server = new DirectoryServer({ port: 0, network: 'signet' });
  await server.start();
  const categories: string[] = [];
  const dialer: Dialer = (host, port, o) => {
    categories.push(o.category);
    return tcpDialer(host, port, o);
  };
  const warnings: string[] = [];
  const logger = {
    trace() {},
    debug() {},
    info() {},
    warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? ''),
    error() {},
    child() {
      return logger;
    },
  };
  const p = pool([`127.0.0.1:${server.address.port}`], { dialer, streamIsolation: true, logger });
  p.failHooks = true;
  assert.equal(await p.connectAllParallel(), 1);
  await p.closeAll();
  assert.deepEqual(categories, ['directory']);
  assert.ok(warnings.includes('directory pool hook failed'));
  const plain = pool([`127.0.0.1:${server.address.port}`], { dialer });
  await plain.connectAllParallel();
  await plain.stop();
  assert.deepEqual(categories, ['directory', 'default']);
});
