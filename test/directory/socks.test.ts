import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { DirectoryClient } from '../../src/directory/client/client.js';
import { socksDialer } from '../../src/directory/client/dialer.js';
import { DirectoryClientPool } from '../../src/directory/client/pool.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { createSocksDialer } from '../../src/transport/index.js';
import { isPeerwayError } from '../../src/core/index.js';
import { requireBinary } from '../helpers/binaries.js';
import { startSocks5Server } from '../helpers/socks5-server.js';

const microsocks = requireBinary('microsocks');

test('directory client through a real SOCKS5 server', { skip: microsocks.skip }, async () => {
  await using socks = await startSocks5Server({
    binary: microsocks.path!,
    username: 'jm',
    password: 'secret',
  });
  await using server = new DirectoryServer({ port: 0, network: 'signet' });
  await server.start();
  const viaProxy = socksDialer(
    createSocksDialer({ host: socks.host, port: socks.port, username: 'jm', password: 'secret' }),
  );
  const a = new DirectoryClient({
    host: '127.0.0.1',
    port: server.address.port,
    identity: NickIdentity.generate(),
    network: 'signet',
    dialer: viaProxy,
  });
  const b = new DirectoryClient({
    host: '127.0.0.1',
    port: server.address.port,
    identity: NickIdentity.generate(),
    network: 'signet',
    dialer: viaProxy,
  });
  try {
    await a.connect();
    await b.connect();
    const got = once(b, 'privmsg');
    a.sendPrivmsg(b.nick, 'fill', 'through the proxy');
    assert.equal((await got)[0].data, 'through the proxy');
  } finally {
    await a.close();
    await b.close();
  }
  // Wrong credentials: the dial fails at the proxy, which proves the traffic went through it.
  const wrong = socksDialer(
    createSocksDialer({ host: socks.host, port: socks.port, username: 'jm', password: 'nope' }),
  );
  const c = new DirectoryClient({
    host: '127.0.0.1',
    port: server.address.port,
    identity: NickIdentity.generate(),
    network: 'signet',
    dialer: wrong,
  });
  await assert.rejects(c.connect(), (e) => isPeerwayError(e, 'ERR_SOCKS_AUTH_FAILED'));
  await c.close();
});

test('pool with stream isolation through a real SOCKS5 server', { skip: microsocks.skip }, async () => {
  await using socks = await startSocks5Server({ binary: microsocks.path! });
  await using server = new DirectoryServer({ port: 0, network: 'signet' });
  await server.start();
  const tor = createSocksDialer({ host: socks.host, port: socks.port });
  const pool = new DirectoryClientPool({
    directoryServers: [`127.0.0.1:${server.address.port}`],
    identity: NickIdentity.generate(),
    network: 'signet',
    dialer: socksDialer(tor),
    streamIsolation: true,
  });
  try {
    assert.equal(await pool.connectAllParallel(), 1);
    assert.equal(server.stats.peers, 1);
    assert.equal(
      tor.credentialsFor('127.0.0.1', server.address.port, { category: 'directory' })?.username,
      'directory',
    );
  } finally {
    await pool.stop();
  }
});
