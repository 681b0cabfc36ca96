import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { listenTcp, type TcpListener } from '../../src/transport/tcp.js';
import { dialSocks5 } from '../../src/transport/socks5.js';
import { createSocksDialer, isolationCredentials } from '../../src/transport/socks-dialer.js';
import { requireBinary } from '../helpers/binaries.js';
import { freePort } from '../helpers/free-port.js';
import { startSocks5Server, type Socks5Server } from '../helpers/socks5-server.js';

const microsocks = requireBinary('microsocks');

/** A target that sends a banner and echoes everything. */
async function echoServer(): Promise<TcpListener> {
  return listenTcp((socket) => {
    socket.on('error', () => {});
    socket.write('hello\n');
    socket.pipe(socket);
  });
}

async function readText(socket: net.Socket, length: number): Promise<string> {
  let text = '';
  for await (const chunk of socket) {
    text += (chunk as Buffer).toString();
    if (text.length >= length) break;
  }
  return text;
}

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

test('socks5 through microsocks', { skip: microsocks.skip }, async (t) => {
  const proxy: Socks5Server = await startSocks5Server({ binary: microsocks.path! });
  t.after(() => proxy.stop());
  const authProxy = await startSocks5Server({
    binary: microsocks.path!,
    username: 'alice',
    password: 's3cret',
  });
  t.after(() => authProxy.stop());
  const target = await echoServer();
  t.after(() => target.close());

  await t.test('plain dial reaches the target and carries data both ways', async () => {
    const socket = await dialSocks5('127.0.0.1', target.port, {
      proxy: { host: proxy.host, port: proxy.port },
    });
    try {
      socket.write('ping\n');
      assert.equal(await readText(socket, 11), 'hello\nping\n');
    } finally {
      socket.destroy();
    }
  });

  await t.test('the proxy resolves a host name (localhost)', async () => {
    // Also listen on ::1 where that works, in case the proxy resolves localhost to IPv6 first.
    const v6 = await listenTcp((s) => s.end('hello\n'), { host: '::1', port: target.port }).catch(
      () => undefined,
    );
    try {
      const socket = await dialSocks5('localhost', target.port, {
        proxy: { host: proxy.host, port: proxy.port },
      });
      try {
        assert.equal(await readText(socket, 6), 'hello\n');
      } finally {
        socket.destroy();
      }
    } finally {
      await v6?.close();
    }
  });

  await t.test('an IPv6 literal target goes as ATYP 4', async (t6) => {
    const v6 = await listenTcp((s) => s.end('six\n'), { host: '::1' }).catch(() => undefined);
    if (v6 === undefined) {
      t6.skip('no IPv6 loopback on this machine');
      return;
    }
    try {
      const socket = await dialSocks5('::1', v6.port, { proxy: { host: proxy.host, port: proxy.port } });
      try {
        assert.equal(await readText(socket, 4), 'six\n');
      } finally {
        socket.destroy();
      }
    } finally {
      await v6.close();
    }
  });

  await t.test('authenticated dial with the right password', async () => {
    const socket = await dialSocks5('127.0.0.1', target.port, {
      proxy: { host: authProxy.host, port: authProxy.port, username: 'alice', password: 's3cret' },
    });
    try {
      assert.equal(await readText(socket, 6), 'hello\n');
    } finally {
      socket.destroy();
    }
  });

  await t.test('wrong password gives ERR_SOCKS_AUTH_FAILED', async () => {
    const proxyAddr = { host: authProxy.host, port: authProxy.port, username: 'alice', password: 'nope' };
    await rejectsWith(
      dialSocks5('127.0.0.1', target.port, { proxy: proxyAddr }),
      ErrorCodes.SOCKS_AUTH_FAILED,
    );
  });

  await t.test('no credentials to a proxy that wants them gives ERR_SOCKS_AUTH_FAILED', async () => {
    const proxyAddr = { host: authProxy.host, port: authProxy.port };
    await rejectsWith(
      dialSocks5('127.0.0.1', target.port, { proxy: proxyAddr }),
      ErrorCodes.SOCKS_AUTH_FAILED,
    );
  });

  await t.test('a closed target port gives ERR_SOCKS_CONNECT_REFUSED with the reply code', async () => {
    const closed = await freePort();
    const err = await rejectsWith(
      dialSocks5('127.0.0.1', closed, { proxy: { host: proxy.host, port: proxy.port } }),
      ErrorCodes.SOCKS_CONNECT_REFUSED,
    );
    assert.equal((err as { details: { reply: number } }).details.reply, 0x05);
  });

  await t.test('an isolating dialer dials through a proxy that ignores credentials', async () => {
    const dialer = createSocksDialer({ host: proxy.host, port: proxy.port });
    const socket = await dialer.dial('127.0.0.1', target.port, { category: 'directory', timeout: 5000 });
    try {
      assert.equal(await readText(socket, 6), 'hello\n');
    } finally {
      socket.destroy();
    }
  });

  await t.test('a dialer with fixed credentials authenticates', async () => {
    const dialer = createSocksDialer({
      host: authProxy.host,
      port: authProxy.port,
      username: 'alice',
      password: 's3cret',
    });
    const socket = await dialer.dial('127.0.0.1', target.port);
    socket.destroy();
  });
});

test('socks5: a proxy that is down gives ERR_SOCKS_PROXY_FAILED', async () => {
  const port = await freePort();
  await rejectsWith(
    dialSocks5('example.org', 80, { proxy: { host: '127.0.0.1', port } }),
    ErrorCodes.SOCKS_PROXY_FAILED,
  );
});

test('socks5: isolation credentials differ per category and per target', () => {
  const secret = 'f'.repeat(32);
  const dir = isolationCredentials(secret, 'directory');
  const peer = isolationCredentials(secret, 'peer');
  assert.notDeepEqual(dir, peer);
  assert.deepEqual(isolationCredentials(secret, 'directory'), dir);
  const a = isolationCredentials(secret, 'peer', 'a.onion:5222');
  const b = isolationCredentials(secret, 'peer', 'b.onion:5222');
  assert.notEqual(a.password, b.password);
  assert.equal(a.username, 'peer');
  assert.deepEqual(isolationCredentials(secret, 'peer', 'A.onion:5222'), a);
  assert.notDeepEqual(isolationCredentials('0'.repeat(32), 'peer'), peer);
  assert.throws(() => isolationCredentials(secret, ''), { code: ErrorCodes.INVALID_ARGUMENT });

  const dialer = createSocksDialer({ host: '127.0.0.1', port: 9050 });
  const other = createSocksDialer({ host: '127.0.0.1', port: 9050 });
  const c1 = dialer.credentialsFor('x.onion', 1, { category: 'directory' });
  assert.deepEqual(dialer.credentialsFor('y.onion', 2, { category: 'directory' }), c1);
  assert.notDeepEqual(dialer.credentialsFor('x.onion', 1, { category: 'peer' }), c1);
  assert.notDeepEqual(
    dialer.credentialsFor('x.onion', 1, { category: 'peer', isolateTarget: true }),
    dialer.credentialsFor('y.onion', 1, { category: 'peer', isolateTarget: true }),
  );
  assert.notDeepEqual(
    other.credentialsFor('x.onion', 1, { category: 'directory' }),
    c1,
    'secret is per dialer',
  );
  assert.equal(
    createSocksDialer({ host: '127.0.0.1', port: 1, isolation: false }).credentialsFor('x', 1),
    undefined,
  );
  assert.throws(
    () => createSocksDialer({ host: '127.0.0.1', port: 1, username: 'u', password: 'p', isolation: true }),
    {
      code: ErrorCodes.INVALID_ARGUMENT,
    },
  );
});
