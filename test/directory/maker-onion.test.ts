import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryServer } from '../../src/directory/server/index.js';
import { socksDialer } from '../../src/directory/client/index.js';
import { MakerClient, MultiDirectoryClient, parseOffer } from '../../src/directory/market/index.js';
import { NickIdentity } from '../../src/directory/wire/index.js';
import { connectTorControl, createSocksDialer } from '../../src/transport/index.js';
import { isPeerwayError } from '../../src/core/index.js';
import { directoryConfigSchema, makerClientOptions } from '../../src/node/directory-service.js';
import { requireBinary } from '../helpers/binaries.js';
import { startTor, type TorDaemon } from '../helpers/tor.js';

const tor = requireBinary('tor');
const ONION_LOCATION = /^[a-z2-7]{56}\.onion:5222$/;

/** True when tor accepts a new service with this key now (false: the service still exists). */
async function keyIsFree(daemon: TorDaemon, key: string): Promise<boolean> {
  const control = await connectTorControl({
    host: daemon.controlHost,
    port: daemon.controlPort,
    timeout: 10_000,
  });
  try {
    await control.authenticate({ timeout: 10_000 });
    try {
      const service = await control.addOnion({
        key,
        ports: [{ virtualPort: 5222, target: '127.0.0.1:9' }],
        timeout: 10_000,
      });
      await control.delOnion(service.serviceId, { timeout: 10_000 });
      return true;
    } catch (err) {
      assert.ok(isPeerwayError(err), `a typed error, got ${String(err)}`);
      return false;
    }
  } finally {
    await control.close();
  }
}

test(
  'a maker published through a real (offline) tor advertises its onion, keeps it, and removes it on stop',
  { skip: tor.skip, timeout: 50_000 },
  async (t) => {
    const daemon = await startTor({ binary: tor.path! });
    t.after(() => daemon.stop());
    const dir = await mkdtemp(join(tmpdir(), 'peerway-maker-onion-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const server = new DirectoryServer({ port: 0, network: 'signet' });
    await server.start();
    t.after(() => server.stop());
    const joins = new Map<string, string>();
    server.on('join', (nick, location) => joins.set(nick, location));

    const keyFile = join(dir, 'maker-onion.key');
    const identity = NickIdentity.generate();
    const makeMaker = (): MakerClient =>
      new MakerClient({
        directoryServers: [`127.0.0.1:${server.address.port}`],
        identity,
        network: 'signet',
        offers: [parseOffer('sw0reloffer 0 27300 1000000 0 0.00002')],
        serve: {
          host: '127.0.0.1',
          onion: { controlHost: daemon.controlHost, controlPort: daemon.controlPort, keyFile },
        },
      });

    const first = makeMaker();
    await first.start();
    let address: string;
    let key: string;
    try {
      assert.match(first.location, ONION_LOCATION, 'the maker advertises its onion');
      address = first.location;
      key = (await readFile(keyFile, 'utf8')).trim();
      assert.match(key, /^ED25519-V3:/, 'the key file holds the service key');
      assert.equal(
        joins.get(identity.nick),
        address,
        'the directory saw the onion location in the handshake',
      );
      assert.equal(await keyIsFree(daemon, key), false, 'while the maker runs, its service exists');
    } finally {
      await first.stop();
    }
    assert.equal(await keyIsFree(daemon, key), true, 'stop removed the service');

    const second = makeMaker();
    await second.start();
    try {
      assert.equal(second.location, address, 'same key file, same onion address');
    } finally {
      await second.stop();
    }
  },
);

test(
  'a maker whose control port refuses the password fails with a typed one-line error',
  { skip: tor.skip, timeout: 50_000 },
  async (t) => {
    const daemon = await startTor({ binary: tor.path!, password: 'right-password' });
    t.after(() => daemon.stop());
    const dir = await mkdtemp(join(tmpdir(), 'peerway-maker-onion-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const maker = new MakerClient({
      directoryServers: [],
      identity: NickIdentity.generate(),
      network: 'signet',
      serve: {
        onion: {
          controlHost: daemon.controlHost,
          controlPort: daemon.controlPort,
          controlPassword: 'wrong-password',
          keyFile: join(dir, 'maker-onion.key'),
        },
      },
    });
    let caught: unknown;
    try {
      await maker.start();
    } catch (err) {
      caught = err;
    } finally {
      await maker.stop();
    }
    assert.ok(isPeerwayError(caught), `a PeerwayError, got ${String(caught)}`);
    assert.equal(caught.code, 'ERR_TOR_AUTH_FAILED');
    assert.ok(!caught.message.includes('\n'), `one line: ${caught.message}`);
  },
);

/** A SOCKS5 server over real sockets that records each username and forwards to loopback. */
async function startRecordingSocks(): Promise<{ port: number; usernames: string[]; close(): Promise<void> }> {
  const usernames: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let stage = 0;
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      if (buffer.length > 1024) return void client.destroy();
      if (stage === 0) {
        if (buffer.length < 2 || buffer.length < 2 + buffer[1]!) return;
        buffer = buffer.subarray(2 + buffer[1]!);
        client.write(Buffer.from([5, 2])); // username/password
        stage = 1;
      }
      if (stage === 1) {
        if (buffer.length < 2) return;
        const ulen = buffer[1]!;
        if (buffer.length < 3 + ulen || buffer.length < 3 + ulen + buffer[2 + ulen]!) return;
        usernames.push(buffer.subarray(2, 2 + ulen).toString('utf8'));
        buffer = buffer.subarray(3 + ulen + buffer[2 + ulen]!);
        client.write(Buffer.from([1, 0]));
        stage = 2;
      }
      if (stage === 2) {
        if (buffer.length < 5) return;
        const atyp = buffer[3]!;
        const size = atyp === 1 ? 10 : atyp === 3 ? 7 + buffer[4]! : 22;
        if (buffer.length < size) return;
        const port = buffer.readUInt16BE(size - 2);
        const rest = buffer.subarray(size);
        client.off('data', onData);
        const upstream = net.connect({ host: '127.0.0.1', port }, () => {
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          if (rest.length > 0) upstream.write(rest);
          client.pipe(upstream).pipe(client);
        });
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        upstream.on('error', () => client.destroy());
        stage = 3;
      }
    };
    client.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    usernames,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test(
  'through one SOCKS dialer, a maker and a taker dial directories under different credentials, and the maker isolates its peer dials',
  { timeout: 50_000 },
  async (t) => {
    const proxy = await startRecordingSocks();
    t.after(() => proxy.close());
    const server = new DirectoryServer({ port: 0, network: 'signet' });
    await server.start();
    t.after(() => server.stop());
    const socks = createSocksDialer({ host: '127.0.0.1', port: proxy.port });
    const dialer = socksDialer(socks);
    const directory = `127.0.0.1:${server.address.port}`;

    const maker = new MakerClient({
      directoryServers: [directory],
      identity: NickIdentity.generate(),
      network: 'signet',
      dialer,
    });
    await maker.start();
    t.after(() => maker.stop());
    assert.equal(maker.clients.size, 1, 'the maker reached the directory through the proxy');
    const taker = new MultiDirectoryClient({
      directoryServers: [directory],
      identity: NickIdentity.generate(),
      network: 'signet',
      dialer,
      streamIsolation: true,
    });
    await taker.start();
    t.after(() => taker.stop());
    assert.equal(taker.clients.size, 1, 'the taker reached the directory through the proxy');

    assert.equal(proxy.usernames.length, 2, `two dials through the proxy: ${proxy.usernames.join(',')}`);
    const [makerUser, takerUser] = proxy.usernames;
    assert.notEqual(makerUser, takerUser, 'maker and taker directory dials use different credentials');
    assert.equal(makerUser, maker.isolationCategory('directory'));
    const makerPeer = socks.credentialsFor('x.onion', 5222, { category: maker.isolationCategory('peer') });
    const makerDir = socks.credentialsFor('x.onion', 5222, {
      category: maker.isolationCategory('directory'),
    });
    const takerPeer = socks.credentialsFor('x.onion', 5222, { category: taker.isolationCategory('peer') });
    assert.notDeepEqual(makerPeer, makerDir, 'maker peer and directory dials differ');
    assert.notDeepEqual(makerPeer, takerPeer, 'maker and taker peer dials differ');
  },
);

test(
  'the node config of a maker with onion on publishes it with the key in the data directory',
  { skip: tor.skip, timeout: 50_000 },
  async (t) => {
    const daemon = await startTor({ binary: tor.path! });
    t.after(() => daemon.stop());
    const dataDir = await mkdtemp(join(tmpdir(), 'peerway-maker-onion-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const config = directoryConfigSchema.parse({
      network: 'signet',
      maker: {
        enabled: true,
        onion: true,
        tor: { controlHost: daemon.controlHost, controlPort: daemon.controlPort },
      },
    });
    const server = new DirectoryServer({ port: 0, network: 'signet' });
    await server.start();
    t.after(() => server.stop());
    const maker = new MakerClient(makerClientOptions(config, dataDir, `127.0.0.1:${server.address.port}`));
    await maker.start();
    try {
      assert.match(maker.location, ONION_LOCATION, 'the configured maker advertises an onion');
      assert.match(
        await readFile(join(dataDir, 'maker-onion.key'), 'utf8'),
        /^ED25519-V3:/,
        'key kept as maker-onion.key',
      );
    } finally {
      await maker.stop();
    }
  },
);

test('the node config of a maker with a proxy reaches an onion directory through it, as maker-directory', async (t) => {
  const proxy = await startRecordingSocks();
  t.after(() => proxy.close());
  const dataDir = await mkdtemp(join(tmpdir(), 'peerway-maker-proxy-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  const server = new DirectoryServer({ port: 0, network: 'signet' });
  await server.start();
  t.after(() => server.stop());
  const joined = once(server, 'join');
  // The recording proxy forwards every target to 127.0.0.1 on the target's port.
  const onion = `pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion:${server.address.port}`;
  const config = directoryConfigSchema.parse({
    network: 'signet',
    maker: { enabled: true, directories: [onion], proxy: `127.0.0.1:${proxy.port}` },
  });
  const maker = new MakerClient(makerClientOptions(config, dataDir, 'unused:1'));
  await maker.start();
  try {
    await joined;
    assert.deepEqual(
      proxy.usernames,
      ['maker-directory'],
      'the onion directory was dialled through the proxy',
    );
  } finally {
    await maker.stop();
  }
  assert.throws(
    () => directoryConfigSchema.parse({ maker: { proxy: '127.0.0.1:0' } }),
    /port 1-65535/,
    'a proxy on port 0 is refused',
  );
});
