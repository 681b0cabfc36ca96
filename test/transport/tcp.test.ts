import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type net from 'node:net';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { dialTcp, listenTcp } from '../../src/transport/tcp.js';
import { freePort } from '../helpers/free-port.js';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isPeerwayError(err), `expected a PeerwayError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return;
  }
  assert.fail(`expected ${code}`);
}

function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap' || r === 'TCPSocketWrap')
    .length;
}

test('tcp: listen on port 0, dial, exchange, close', async () => {
  const before = tcpHandles();
  const listener = await listenTcp((socket) => socket.pipe(socket), { port: 0 });
  assert.equal(listener.host, '127.0.0.1');
  assert.ok(listener.port > 0);
  const socket = await dialTcp('127.0.0.1', listener.port, { timeout: 2000 });
  socket.write('echo');
  const [data] = (await once(socket, 'data')) as [Buffer];
  assert.equal(data.toString(), 'echo');
  const closed = once(socket, 'close');
  await listener.close();
  await closed; // close() destroyed the accepted side, so ours closes too
  assert.equal(tcpHandles(), before);
});

test('tcp: close() is idempotent and returns the same promise', async () => {
  const listener = await listenTcp(() => {});
  const first = listener.close();
  assert.equal(listener.close(), first);
  await first;
  assert.equal(listener.server.listening, false);
  {
    await using disposable = await listenTcp(() => {});
    assert.ok(disposable.server.listening);
  }
});

test('tcp: a closed port gives ERR_CONNECT_FAILED with the address', async () => {
  const port = await freePort();
  try {
    await dialTcp('127.0.0.1', port);
    assert.fail('connected to a closed port');
  } catch (err) {
    assert.ok(isPeerwayError(err, ErrorCodes.CONNECT_FAILED));
    assert.deepEqual(err.details, { host: '127.0.0.1', port });
    assert.equal((err.cause as { code?: string }).code, 'ECONNREFUSED');
  }
});

test('tcp: an aborted or timed-out signal stops the dial', async () => {
  const listener = await listenTcp((s: net.Socket) => s.destroy());
  try {
    await rejectsWith(
      dialTcp('127.0.0.1', listener.port, { signal: AbortSignal.abort() }),
      ErrorCodes.ABORTED,
    );
    const timedOut = AbortSignal.abort(new DOMException('deadline', 'TimeoutError'));
    await rejectsWith(dialTcp('127.0.0.1', listener.port, { signal: timedOut }), ErrorCodes.TIMEOUT);
  } finally {
    await listener.close();
  }
});

test('tcp: a port in use gives ERR_LISTEN_FAILED', async () => {
  await using first = await listenTcp(() => {});
  await rejectsWith(
    listenTcp(() => {}, { port: first.port }),
    ErrorCodes.LISTEN_FAILED,
  );
});

test('tcp: IPv6 loopback when the machine has it', async (t) => {
  let listener;
  try {
    listener = await listenTcp((s) => s.end('six'), { host: '::1' });
  } catch {
    t.skip('no IPv6 loopback on this machine');
    return;
  }
  try {
    const socket = await dialTcp('::1', listener.port);
    const [data] = (await once(socket, 'data')) as [Buffer];
    assert.equal(data.toString(), 'six');
    socket.destroy();
  } finally {
    await listener.close();
  }
});

test('tcp: a bad port is a typed argument error', async () => {
  await rejectsWith(dialTcp('127.0.0.1', 0), ErrorCodes.INVALID_ARGUMENT);
  await rejectsWith(dialTcp('127.0.0.1', 65536), ErrorCodes.INVALID_ARGUMENT);
  await rejectsWith(dialTcp('127.0.0.1', 1.5), ErrorCodes.INVALID_ARGUMENT);
});
