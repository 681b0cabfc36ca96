import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type DirectoryMessage } from '../../src/directory/client/client-options.js';
import { DirectoryClient } from '../../src/directory/client/client.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatDirectoryHandshake } from '../../src/directory/wire/handshake.js';
import { formatSignedPrivmsg } from '../../src/directory/wire/message-line.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { isPeerwayError } from '../../src/core/index.js';
import { startFakeDirectory } from './fake-directory.js';
import { rawJoin, until } from './net.js';

const DN = NickIdentity.fromSecret(0xd1n);
const accepted = (features = {}): string =>
  encodeEnvelope(
    795,
    formatDirectoryHandshake({ accepted: true, nick: DN.nick, network: 'signet', motd: 'hi', features }),
  );

function clientFor(
  port: number,
  extra: Partial<ConstructorParameters<typeof DirectoryClient>[0]> = {},
): DirectoryClient {
  return new DirectoryClient({
    host: '127.0.0.1',
    port,
    identity: NickIdentity.generate(),
    network: 'signet',
    ...extra,
  });
}

test('client: a rejection is a typed error and the socket is closed without 801', async () => {
  const fake = await startFakeDirectory(() =>
    encodeEnvelope(
      795,
      formatDirectoryHandshake({
        accepted: false,
        nick: DN.nick,
        network: 'signet',
        motd: 'no',
        features: {},
      }),
    ),
  );
  const client = clientFor(fake.port);
  try {
    await assert.rejects(client.connect(), (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'));
    await until(() => fake.sockets.size === 0, 2000, 'socket closed');
    assert.equal(
      fake.received[0]!.split('\r\n').filter((l) => l !== '').length,
      1,
      'only the handshake was sent',
    );
  } finally {
    await client.close();
    await fake.close();
  }
});

test('client: a directory on another network is refused', async () => {
  await using server = new DirectoryServer({ port: 0, network: 'mainnet' });
  await server.start();
  const client = clientFor(server.address.port);
  await assert.rejects(client.connect(), (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'));
  await client.close();
});

test('client: a silent directory times out with ERR_TIMEOUT', async () => {
  const fake = await startFakeDirectory(() => undefined);
  const client = clientFor(fake.port, { timeout: 200 });
  try {
    await assert.rejects(client.connect(), (e) => isPeerwayError(e, 'ERR_TIMEOUT'));
  } finally {
    await client.close();
    await fake.close();
  }
});

test('client: answers 798 with 799, and close() sends no 801', async () => {
  const fake = await startFakeDirectory((socket) => {
    setTimeout(() => socket.write(encodeEnvelope(798, '')), 20);
    return accepted({ ping: true });
  });
  const client = clientFor(fake.port);
  try {
    await client.connect();
    await until(() => fake.received[0]!.includes('"type": 799'), 2000, 'pong');
    await client.close();
    await until(() => fake.sockets.size === 0);
    assert.ok(!fake.received[0]!.includes('801'));
  } finally {
    await client.close();
    await fake.close();
  }
});

test('client: privmsgs with bad signatures are dropped and counted; good ones come as events and as an iterable', async () => {
  await using server = new DirectoryServer({ port: 0, network: 'signet' });
  await server.start();
  const client = clientFor(server.address.port);
  const sender = NickIdentity.generate();
  const raw = await rawJoin(server.address.port, sender.nick);
  try {
    await client.connect();
    const iterated: DirectoryMessage[] = [];
    const reading = (async () => {
      for await (const m of client.messages()) iterated.push(m);
    })();
    const good = formatSignedPrivmsg(sender, client.nick, 'fill', '1 2 3');
    const other = NickIdentity.generate();
    raw.send(encodeEnvelope(685, good.replace('1 2 3', '1 2 4')));
    raw.send(encodeEnvelope(685, `${sender.nick}!${client.nick}!fill unsigned`));
    // Signed by another key: signature fine, but the nick is not that key's.
    raw.send(
      encodeEnvelope(
        685,
        formatSignedPrivmsg(other, client.nick, 'fill', 'x').replace(other.nick, sender.nick),
      ),
    );
    raw.send(encodeEnvelope(685, good));
    raw.send(encodeEnvelope(687, `${sender.nick}!PUBLIC!orderbook`));
    await until(() => iterated.length === 2, 2000, 'messages');
    assert.equal(client.stats.dropped['bad_signature'], 3);
    assert.equal(iterated[0]!.kind, 'privmsg');
    const first = iterated[0]!;
    assert.equal(first.kind === 'privmsg' ? first.message.data : '', '1 2 3');
    assert.equal(iterated[1]!.kind, 'pubmsg');
    await client.close();
    await reading;
  } finally {
    raw.close();
    await client.close();
  }
});

test('client: getpeerlist is rate-limited, and a directory that never answers is tolerated', async () => {
  await using server = new DirectoryServer({ port: 0, network: 'signet' });
  await server.start();
  const other = await rawJoin(server.address.port, undefined, {
    location: '127.0.0.1:9999',
    features: { ping: true },
  });
  const client = clientFor(server.address.port, { getpeerlistInterval: 60_000 });
  const fake = await startFakeDirectory(() => accepted());
  const refClient = clientFor(fake.port, { getpeerlistTimeout: 150 });
  try {
    await client.connect();
    const first = await client.getPeerlist();
    assert.deepEqual(first, [
      {
        nick: server
          .listPeers()
          .map((p) => p.nick)
          .find((n) => n !== client.nick),
        location: '127.0.0.1:9999',
        disconnected: false,
        features: ['ping'],
      },
    ]);
    assert.equal(await client.getPeerlist(), first, 'second call inside the interval reuses the answer');
    assert.equal(server.stats.relayed['peerlist'], 1);

    await refClient.connect();
    const started = Date.now();
    assert.equal(await refClient.getPeerlist(), undefined);
    assert.ok(Date.now() - started >= 140);
    const again = Date.now();
    assert.equal(await refClient.getPeerlist(), undefined, 'remembered as unsupported');
    assert.ok(Date.now() - again < 50);
    assert.equal(fake.received[0]!.split('"type": 791').length - 1, 1);
  } finally {
    other.close();
    await client.close();
    await refClient.close();
    await fake.close();
  }
});

test('client: the directory going away emits close with an error', async () => {
  const server = new DirectoryServer({ port: 0, network: 'signet' });
  await server.start();
  const client = clientFor(server.address.port);
  try {
    await client.connect();
    const closed = once(client, 'close');
    await server.stop();
    const [err] = await closed;
    assert.ok(isPeerwayError(err, 'ERR_DIRECTORY_NOT_CONNECTED'));
    assert.equal(client.connected, false);
    assert.throws(
      () => client.sendPubmsg('x'),
      (e) => isPeerwayError(e, 'ERR_DIRECTORY_NOT_CONNECTED'),
    );
  } finally {
    await client.close();
    await server.stop();
  }
});

test('client: a 789 from a directory without peerlist_features is no getpeerlist answer', async () => {
  // The reference directory never answers 791, but after forwarding a privmsg it sends the
  // recipient a 789 naming only itself and the sender: that is not the whole peerlist.
  const maker = NickIdentity.generate();
  const fake = await startFakeDirectory((socket) => {
    setTimeout(() => socket.write(encodeEnvelope(789, `${maker.nick};127.0.0.1:5999`)), 100);
    return accepted();
  });
  const client = clientFor(fake.port, { getpeerlistTimeout: 400 });
  try {
    await client.connect();
    assert.equal(await client.getPeerlist(), undefined, 'unanswered, so unsupported');
    assert.equal(fake.received[0]!.split('"type": 791').length - 1, 1, 'the request was sent once');
  } finally {
    await client.close();
    await fake.close();
  }
});
