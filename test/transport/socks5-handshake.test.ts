import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { listenTcp, type TcpListener } from '../../src/transport/tcp.js';
import { dialSocks5, encodeConnect } from '../../src/transport/socks5.js';

// The SOCKS5 client against scripted proxies: reply parsing, leftover bytes, broken proxies.

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isPeerwayError(err), `expected a PeerwayError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

/** A scripted proxy: answers each handshake step with the given bytes in one write. */
async function scriptedProxy(reply: Buffer, extra: Buffer = Buffer.alloc(0)): Promise<TcpListener> {
  return listenTcp((socket) => {
    socket.on('error', () => {});
    let step = 0;
    socket.on('data', () => {
      step++;
      if (step === 1) socket.write(Buffer.from([5, 0]));
      else if (step === 2) socket.write(Buffer.concat([reply, extra]));
    });
  });
}

test('socks5: bytes after the reply stay on the socket, whatever the bound address', async () => {
  const boundAddress = fc.oneof(
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => Buffer.from([1, ...a])),
    fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from([4, ...a])),
    fc.uint8Array({ minLength: 1, maxLength: 255 }).map((a) => Buffer.from([3, a.length, ...a])),
  );
  await fc.assert(
    fc.asyncProperty(boundAddress, fc.uint8Array({ minLength: 1, maxLength: 300 }), async (addr, extra) => {
      const reply = Buffer.concat([Buffer.from([5, 0, 0]), addr, Buffer.from([0x12, 0x34])]);
      const fake = await scriptedProxy(reply, Buffer.from(extra));
      try {
        const socket = await dialSocks5('peer.example', 1234, {
          proxy: { host: '127.0.0.1', port: fake.port },
        });
        const got: Buffer[] = [];
        let size = 0;
        for await (const chunk of socket) {
          got.push(chunk as Buffer);
          size += (chunk as Buffer).length;
          if (size >= extra.length) break;
        }
        socket.destroy();
        assert.deepEqual(Buffer.concat(got), Buffer.from(extra));
      } finally {
        await fake.close();
      }
    }),
    { numRuns: 25 },
  );
});

test('socks5: a proxy that breaks the protocol or hangs', async (t) => {
  await t.test('wrong version byte', async () => {
    const fake = await listenTcp((s) => s.end(Buffer.from([4, 0])));
    try {
      await rejectsWith(
        dialSocks5('a.example', 1, { proxy: { host: '127.0.0.1', port: fake.port } }),
        ErrorCodes.SOCKS_PROXY_FAILED,
      );
    } finally {
      await fake.close();
    }
  });
  await t.test('closes mid-reply', async () => {
    const fake = await scriptedProxy(Buffer.from([5, 0, 0, 1, 127]));
    fake.server.on('connection', (s) => s.on('data', () => setImmediate(() => s.end())));
    try {
      await rejectsWith(
        dialSocks5('a.example', 1, { proxy: { host: '127.0.0.1', port: fake.port } }),
        ErrorCodes.SOCKS_PROXY_FAILED,
      );
    } finally {
      await fake.close();
    }
  });
  await t.test('no acceptable method', async () => {
    const fake = await listenTcp((s) => s.end(Buffer.from([5, 0xff])));
    try {
      await rejectsWith(
        dialSocks5('a.example', 1, { proxy: { host: '127.0.0.1', port: fake.port } }),
        ErrorCodes.SOCKS_AUTH_FAILED,
      );
    } finally {
      await fake.close();
    }
  });
  await t.test('silence ends in ERR_TIMEOUT, an abort in ERR_ABORTED', async () => {
    const sockets: net.Socket[] = [];
    const fake = await listenTcp((s) => sockets.push(s));
    try {
      const proxy = { host: '127.0.0.1', port: fake.port };
      await rejectsWith(dialSocks5('a.example', 1, { proxy, timeout: 100 }), ErrorCodes.TIMEOUT);
      const controller = new AbortController();
      const pending = dialSocks5('a.example', 1, { proxy, signal: controller.signal });
      while (sockets.length < 2) await once(fake.server, 'connection');
      controller.abort();
      await rejectsWith(pending, ErrorCodes.ABORTED);
    } finally {
      await fake.close();
    }
  });
});

test('socks5: CONNECT request encoding', () => {
  assert.deepEqual(encodeConnect('10.1.2.3', 0x1f90), Buffer.from([5, 1, 0, 1, 10, 1, 2, 3, 0x1f, 0x90]));
  const v6 = encodeConnect('[::1]', 80);
  assert.deepEqual(v6.subarray(0, 4), Buffer.from([5, 1, 0, 4]));
  assert.equal(v6.length, 4 + 16 + 2);
  assert.equal(v6[19], 1);
  const onion = 'a'.repeat(56) + '.onion';
  assert.deepEqual(encodeConnect(onion, 5222).subarray(0, 5), Buffer.from([5, 1, 0, 3, 62]));
  assert.throws(() => encodeConnect('x'.repeat(256), 1), { code: ErrorCodes.INVALID_ARGUMENT });
  assert.throws(() => encodeConnect('a.example', 0), { code: ErrorCodes.INVALID_ARGUMENT });
  assert.throws(() => encodeConnect('a.example', 65536), { code: ErrorCodes.INVALID_ARGUMENT });
});
