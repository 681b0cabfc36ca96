import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { UdpEndpoint, bindUdp, type UdpSource } from '../../src/transport/udp.js';

function nextMessage(endpoint: UdpEndpoint): Promise<[Buffer, UdpSource]> {
  return once(endpoint, 'message') as Promise<[Buffer, UdpSource]>;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition not reached');
}

async function ipv6Loopback(): Promise<string | false> {
  const socket = dgram.createSocket('udp6');
  socket.on('error', () => {});
  try {
    socket.bind(0, '::1');
    await once(socket, 'listening');
    return false;
  } catch {
    return 'no IPv6 loopback on this machine';
  } finally {
    socket.close();
  }
}

test('udp: two IPv4 endpoints exchange datagrams and see each other as source', async () => {
  await using a = await bindUdp();
  await using b = await bindUdp({ host: '127.0.0.1', port: 0 });
  assert.notEqual(a.address.port, 0);
  const arrived = nextMessage(b);
  assert.equal(a.send(Buffer.from('ping'), '127.0.0.1', b.address.port), true);
  const [data, from] = await arrived;
  assert.equal(data.toString(), 'ping');
  assert.deepEqual(from, { host: '127.0.0.1', port: a.address.port, family: 'IPv4' });
  const back = nextMessage(a);
  b.send(Buffer.from('pong'), from.host, from.port);
  assert.equal((await back)[0].toString(), 'pong');
  await until(() => a.stats.sent === 1 && b.stats.sent === 1);
  assert.equal(b.stats.received, 1);
  assert.equal(b.stats.bytesReceived, 4);
});

test('udp: IPv6 endpoints', { skip: await ipv6Loopback() }, async () => {
  await using a = await bindUdp({ host: '::1' });
  await using b = await bindUdp({ host: '::1' });
  const arrived = nextMessage(b);
  a.send(Buffer.from('six'), '::1', b.address.port);
  const [data, from] = await arrived;
  assert.equal(data.toString(), 'six');
  assert.deepEqual(from, { host: '::1', port: a.address.port, family: 'IPv6' });
  assert.equal(a.address.family, 'IPv6');
});

test('udp: oversize datagrams are dropped inbound and refused outbound', async () => {
  await using small = await bindUdp({ maxDatagramSize: 100 });
  await using big = await bindUdp();
  big.send(Buffer.alloc(101), '127.0.0.1', small.address.port);
  const arrived = nextMessage(small);
  big.send(Buffer.alloc(100, 7), '127.0.0.1', small.address.port);
  const [data] = await arrived;
  assert.equal(data.length, 100);
  // Loopback keeps order, so the oversize one was seen first and dropped.
  assert.equal(small.stats.droppedOversize, 1);
  assert.equal(small.stats.received, 1);
  assert.throws(
    () => small.send(Buffer.alloc(101), '127.0.0.1', big.address.port),
    (err) => isPeerwayError(err, ErrorCodes.DATAGRAM_TOO_LARGE) && err.details?.limit === 100,
  );
});

test('udp: send failures are counted, not thrown', async () => {
  await using endpoint = await bindUdp({ maxDatagramSize: 70_000 });
  // The OS refuses a UDP payload over 65507 bytes, and an IPv6 target on an IPv4 socket.
  assert.equal(endpoint.send(Buffer.alloc(66_000), '127.0.0.1', 9), true);
  assert.equal(endpoint.send(Buffer.alloc(1), '::1', 9), true);
  // dgram rejects a bad port synchronously.
  assert.equal(endpoint.send(Buffer.alloc(1), '127.0.0.1', 0), false);
  await until(() => endpoint.stats.sendErrors === 3);
  assert.equal(endpoint.stats.sent, 0);
});

test('udp: a throwing message listener is counted and the endpoint keeps working', async () => {
  await using a = await bindUdp();
  await using b = await bindUdp();
  let calls = 0;
  b.on('message', () => {
    calls++;
    if (calls === 1) throw new Error('handler bug');
  });
  a.send(Buffer.from('1'), '127.0.0.1', b.address.port);
  a.send(Buffer.from('2'), '127.0.0.1', b.address.port);
  await until(() => calls === 2);
  assert.equal(b.stats.handlerErrors, 1);
});

function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

test('udp: stop() is idempotent, closes the socket and drops later sends', async () => {
  const before = udpHandles();
  const endpoint = new UdpEndpoint();
  endpoint.on('message', () => {});
  await endpoint.start();
  const port = endpoint.address.port;
  const first = endpoint.stop();
  assert.equal(endpoint.stop(), first);
  await first;
  // libuv lets go of a closed handle a little after the close callback.
  await until(() => udpHandles() <= before);
  assert.equal(endpoint.listenerCount('message'), 0);
  assert.equal(endpoint.send(Buffer.from('x'), '127.0.0.1', 9), false);
  assert.equal(endpoint.stats.sendErrors, 1);
  assert.throws(() => endpoint.address, { code: ErrorCodes.CLOSED });
  await assert.rejects(endpoint.start(), { code: ErrorCodes.CLOSED });
  // The port is free again.
  await using again = await bindUdp({ port });
  assert.equal(again.address.port, port);
});

test('udp: binding a port in use gives ERR_LISTEN_FAILED', async () => {
  await using a = await bindUdp();
  await assert.rejects(bindUdp({ port: a.address.port }), { code: ErrorCodes.LISTEN_FAILED });
  const stopped = new UdpEndpoint();
  await stopped.stop();
});
