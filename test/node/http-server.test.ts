// The node's HTTP server under load it did not ask for: refused bodies, connection caps, idle
// connections, and connection caps that add up past the open-file limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { silentLogger, type Logger } from '../../src/core/index.js';
import { loadConfig, PeerwayNode } from '../../src/node/index.js';
import { HttpServer } from '../../src/node/http-server.js';
import { openFileLimit, parseOpenFileLimit } from '../../src/node/file-limit.js';
import { getJson } from './http-get.js';
import { configuredDefinition } from './test-services.js';

/** A per-address budget no test client comes near, for tests of the other limits. */
const NO_BUDGET = { connectionsPerSecond: 1e6, requestsPerSecond: 1e6, maxAddresses: 16 };

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-http-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Opens a TCP connection and resolves once it is established. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Resolves when the server has closed the socket (or after `ms`, with false). */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

test('http: a request with a body it will not read is answered and its connection closed, not drained', async (t) => {
  const node = new PeerwayNode({ config: loadConfig({ set: [`dataDir=${tempDir(t)}`, 'http.port=0'] }) });
  t.after(() => node.stop());
  await node.start();
  const port = Number(new URL(node.url!).port);
  const socket = await open(port);
  socket.on('error', () => {});
  let reply = '';
  socket.setEncoding('utf8').on('data', (c: string) => (reply += c));
  const total = 100 * 1024 * 1024;
  socket.write(`POST /health HTTP/1.1\r\nhost: x\r\ncontent-length: ${total}\r\n\r\n`);
  // Push the body as fast as the server takes it, for at most 3 s.
  const chunk = Buffer.alloc(256 * 1024, 0x61);
  let sent = 0;
  const deadline = Date.now() + 3000;
  while (!socket.destroyed && sent < total && Date.now() < deadline) {
    if (!socket.write(chunk)) {
      await Promise.race([
        new Promise((r) => socket.once('drain', r)),
        new Promise((r) => socket.once('close', r)),
        delay(200),
      ]);
    }
    sent += chunk.length;
  }
  assert.ok(await closedWithin(socket, 3000), 'the server closed the connection');
  assert.match(reply, /^HTTP\/1\.1 405 /);
  assert.match(reply, /\r\nconnection: close\r\n/i);
  // The kernel's buffers take a few MB at most; draining would have taken all 100 MB.
  assert.ok(sent < 32 * 1024 * 1024, `sent ${sent} bytes before the close`);
  assert.equal(node.httpStats!.bodiesRefused, 1);
  // The server still answers.
  assert.equal((await getJson(`${node.url}/health`)).status, 200);
});

test('http: at the cap a new connection takes the place of the oldest idle one; busy ones are kept', async (t) => {
  const never = new Promise<never>(() => {});
  const server = new HttpServer(
    { '/ok': () => ({ json: { ok: true } }), '/slow': () => never },
    silentLogger,
    {
      maxConnections: 4,
      idleTimeoutMs: 60_000,
      maxPipelined: 16,
      perAddress: NO_BUDGET,
    },
  );
  t.after(() => server.close());
  const { port } = await server.listen('127.0.0.1', 0);
  const sockets: Socket[] = [];
  t.after(() => sockets.forEach((s) => s.destroy()));
  // Ten idle connections against a cap of four: the six oldest make room for newer ones.
  for (let i = 0; i < 10; i++) {
    const s = await open(port);
    s.on('error', () => {});
    sockets.push(s);
    await delay(5);
  }
  await delay(50);
  assert.equal(server.stats.evicted, 6);
  assert.equal(sockets.filter((s) => !s.destroyed).length, 4);
  // A fresh client is served although the cap is full of idle connections.
  const reply = await getJson(`http://127.0.0.1:${port}/ok`);
  assert.equal(reply.status, 200);

  // Four connections with a request in flight fill the cap; a fifth is refused, not served by evicting them.
  const busy: Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const s = await open(port);
    s.on('error', () => {});
    s.write('GET /slow HTTP/1.1\r\nhost: x\r\n\r\n');
    busy.push(s);
  }
  sockets.push(...busy);
  await delay(50);
  const extra = await open(port);
  extra.on('error', () => {});
  sockets.push(extra);
  assert.ok(await closedWithin(extra, 2000), 'the fifth connection is closed');
  assert.equal(server.stats.refused, 1);
  assert.ok(
    busy.every((s) => !s.destroyed),
    'requests in flight keep their connections',
  );
});

test('http: a connection pipelining past the cap of unanswered requests is closed', async (t) => {
  let served = 0;
  const server = new HttpServer(
    {
      '/ok': () => {
        served++;
        return { json: { ok: true } };
      },
    },
    silentLogger,
    { maxConnections: 10, idleTimeoutMs: 60_000, maxPipelined: 5, perAddress: NO_BUDGET },
  );
  t.after(() => server.close());
  const { port } = await server.listen('127.0.0.1', 0);
  const request = 'GET /ok HTTP/1.1\r\nhost: x\r\n\r\n';
  // Within the cap, pipelining works: five requests, five answers.
  const polite = await open(port);
  let answers = '';
  polite.setEncoding('utf8').on('data', (c: string) => (answers += c));
  polite.write(request.repeat(5));
  for (let i = 0; i < 100 && (answers.match(/HTTP\/1\.1 200 /g)?.length ?? 0) < 5; i++) await delay(10);
  assert.equal(answers.match(/HTTP\/1\.1 200 /g)?.length, 5);
  polite.destroy();
  // Fifty at once: the sixth closes the connection, and no more than five were routed.
  served = 0;
  const socket = await open(port);
  socket.on('error', () => {});
  socket.resume();
  socket.write(request.repeat(50));
  assert.ok(await closedWithin(socket, 2000), 'the connection is closed');
  assert.ok(served <= 5, `routed ${served}`);
  assert.equal(server.stats.requestsDropped, 1);
});

test('http: a silent connection is closed after the idle timeout', async (t) => {
  const server = new HttpServer({}, silentLogger, {
    maxConnections: 10,
    idleTimeoutMs: 150,
    maxPipelined: 16,
    perAddress: NO_BUDGET,
  });
  t.after(() => server.close());
  const { port } = await server.listen('127.0.0.1', 0);
  const socket = await open(port);
  socket.on('error', () => {});
  assert.ok(await closedWithin(socket, 2000));
  assert.equal(server.stats.timedOut, 1);
});

/** A logger that keeps warnings. */
function recordingLogger(warnings: Array<Record<string, unknown>>): Logger {
  const logger: Logger = {
    ...silentLogger,
    warn: (first: string | Record<string, unknown>, msg?: string) => {
      if (typeof first !== 'string') warnings.push({ ...first, msg });
    },
    child: () => logger,
  };
  return logger;
}

test('node: connection caps that add up past the open-file limit are reported at start', async (t) => {
  const dataDir = tempDir(t);
  const big = { ...configuredDefinition('big', []), connectionCap: () => 900 };
  const config = loadConfig({
    definitions: [big],
    set: [`dataDir=${dataDir}`, 'http.port=0', 'http.maxConnections=100', 'services.big.enabled=true'],
  });
  const warnings: Array<Record<string, unknown>> = [];
  const node = new PeerwayNode({
    config,
    definitions: [big],
    fileLimit: 1024,
    logger: recordingLogger(warnings),
  });
  t.after(() => node.stop());
  await node.start();
  const warning = warnings.find((w) => String(w.msg).startsWith('connection caps exceed'));
  assert.ok(warning, JSON.stringify(warnings));
  assert.deepEqual(warning.caps, { big: 900, http: 100 });
  assert.equal(warning.limit, 1024);
  await node.stop();

  // Within the limit: no warning.
  const quiet: Array<Record<string, unknown>> = [];
  const small = new PeerwayNode({
    config,
    definitions: [big],
    fileLimit: 4096,
    logger: recordingLogger(quiet),
  });
  await small.start();
  await small.stop();
  assert.deepEqual(
    quiet.filter((w) => String(w.msg).startsWith('connection caps')),
    [],
  );
});

test('file limit: read from the OS as `ulimit -n` reports it', () => {
  assert.equal(
    parseOpenFileLimit('Max open files            1024                 4096                 files\n'),
    1024,
  );
  assert.equal(
    parseOpenFileLimit('Max open files            unlimited            unlimited            files\n'),
    undefined,
  );
  assert.equal(parseOpenFileLimit('nothing here'), undefined);
  const shell = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  assert.equal(String(openFileLimit()), shell);
});

test('http: an address past its budget of new connections is closed at accept; another address is still served', async (t) => {
  const server = new HttpServer({ '/ok': () => ({ json: { ok: true } }) }, silentLogger, {
    maxConnections: 100,
    idleTimeoutMs: 60_000,
    maxPipelined: 16,
    perAddress: { connectionsPerSecond: 3, requestsPerSecond: 1000, maxAddresses: 16 },
  });
  t.after(() => server.close());
  const { port } = await server.listen('127.0.0.1', 0);
  // All of 127.0.0.0/8 is loopback on Linux: 127.0.0.2 stands for a second host.
  const sockets: Socket[] = [];
  t.after(() => sockets.forEach((s) => s.destroy()));
  for (let i = 0; i < 5; i++) {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' }, () => resolve(s));
      s.on('error', reject);
    });
    socket.on('error', () => {});
    sockets.push(socket);
  }
  await delay(50);
  assert.equal(sockets.filter((s) => s.destroyed).length, 2, 'the fourth and fifth are closed');
  assert.equal(server.stats.overBudget, 2);
  assert.equal((await getJson(`http://127.0.0.1:${port}/ok`)).status, 200);
});

test('http: an address past its budget of requests is closed on its next request and refused new connections until it has paid back every request it sent', async (t) => {
  let served = 0;
  const server = new HttpServer(
    {
      '/ok': () => {
        served++;
        return { json: { ok: true } };
      },
    },
    silentLogger,
    {
      maxConnections: 100,
      idleTimeoutMs: 60_000,
      maxPipelined: 16,
      perAddress: { connectionsPerSecond: 100, requestsPerSecond: 4, maxAddresses: 16 },
    },
  );
  t.after(() => server.close());
  const { port } = await server.listen('127.0.0.1', 0);
  const socket = await open(port);
  socket.on('error', () => {});
  socket.resume();
  socket.write('GET /ok HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(10));
  assert.ok(await closedWithin(socket, 2000), 'the connection is closed');
  assert.equal(served, 4);
  const next = await open(port).catch(() => undefined);
  assert.ok(next === undefined || (await closedWithin(next, 2000)), 'a new connection is refused');
  assert.equal(server.stats.overBudget, 2);
  // The six requests past the budget were parsed all the same and are owed: 300 ms refills about
  // one request, not enough to pay them back, so the address is still refused.
  await delay(300);
  const later = await open(port).catch(() => undefined);
  assert.ok(later === undefined || (await closedWithin(later, 2000)), 'still refused while in debt');
  assert.equal(server.stats.overBudget, 3);
});
