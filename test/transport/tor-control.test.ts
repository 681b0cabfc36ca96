import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { once } from 'node:events';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { parseAddress } from '../../src/transport/address.js';
import { listenTcp } from '../../src/transport/tcp.js';
import { connectTorControl } from '../../src/transport/tor-client.js';
import { requireBinary } from '../helpers/binaries.js';
import { freePort } from '../helpers/free-port.js';
import { startTor } from '../helpers/tor.js';

const tor = requireBinary('tor');
const PASSWORD = 'correct horse battery';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isPeerwayError(err), `expected a PeerwayError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err.details ?? {};
  }
  assert.fail(`expected ${code}`);
}

test('tor control against a real tor', { skip: tor.skip }, async (t) => {
  const daemon = await startTor({ binary: tor.path!, password: PASSWORD });
  t.after(() => daemon.stop());
  const connect = () =>
    connectTorControl({ host: daemon.controlHost, port: daemon.controlPort, timeout: 10_000 });

  await t.test('PROTOCOLINFO names the methods and the cookie file', async () => {
    await using control = await connect();
    const info = await control.protocolInfo();
    assert.equal(info.protocolVersion, 1);
    assert.deepEqual([...info.authMethods].sort(), ['COOKIE', 'HASHEDPASSWORD', 'SAFECOOKIE']);
    assert.equal(info.cookieFile, daemon.cookieFile);
    assert.match(info.torVersion ?? '', /^\d+\.\d+\.\d+/);
  });

  await t.test('SAFECOOKIE (the default), COOKIE and password authentication work', async () => {
    for (const options of [{}, { method: 'COOKIE' as const }, { password: PASSWORD }]) {
      await using control = await connect();
      await control.authenticate(options);
      const info = await control.getInfo(['version']);
      assert.match(info.version ?? '', /^\d+\.\d+\.\d+/);
    }
  });

  await t.test('a wrong password, a wrong cookie, or no authentication are refused', async () => {
    {
      await using control = await connect();
      await rejectsWith(control.authenticate({ password: 'wrong' }), ErrorCodes.TOR_AUTH_FAILED);
    }
    {
      await using control = await connect();
      // We catch tor's server hash not matching our (wrong) cookie before sending anything.
      await rejectsWith(control.authenticate({ cookie: randomBytes(32) }), ErrorCodes.TOR_AUTH_FAILED);
    }
    {
      await using control = await connect();
      await rejectsWith(
        control.authenticate({ method: 'COOKIE', cookie: randomBytes(32) }),
        ErrorCodes.TOR_AUTH_FAILED,
      );
    }
    {
      await using control = await connect();
      await rejectsWith(control.authenticate({ method: 'NULL' }), ErrorCodes.TOR_AUTH_FAILED);
    }
    {
      await using control = await connect();
      const details = await rejectsWith(control.getInfo(['version']), ErrorCodes.TOR_CONTROL);
      assert.equal(details.status, 514);
    }
  });

  await t.test('ADD_ONION with a new key gives a valid v3 id; the stored key gives it back', async () => {
    await using control = await connect();
    await control.authenticate();
    const target = await freePort();
    const service = await control.addOnion({ ports: [{ virtualPort: 5222, target: `127.0.0.1:${target}` }] });
    assert.deepEqual(parseAddress(`${service.address}:5222`), {
      host: service.address,
      port: 5222,
      kind: 'onion',
    });
    assert.match(service.privateKey ?? '', /^ED25519-V3:[A-Za-z0-9+/]+={0,2}$/);
    const current = await control.getInfo(['onions/current']);
    assert.ok(current['onions/current']!.includes(service.serviceId));

    await control.delOnion(service.serviceId);
    const again = await control.addOnion({ key: service.privateKey!, ports: [{ virtualPort: 80, target }] });
    assert.equal(again.serviceId, service.serviceId);
    assert.equal(again.privateKey, undefined);
    // The same key twice is a collision: tor's status arrives in details.
    const details = await rejectsWith(
      control.addOnion({ key: service.privateKey!, ports: [{ virtualPort: 81 }] }),
      ErrorCodes.TOR_CONTROL,
    );
    assert.equal(details.status, 550);

    const discarded = await control.addOnion({
      discardPrivateKey: true,
      ports: [{ virtualPort: 80, target }],
    });
    assert.equal(discarded.privateKey, undefined);
    assert.notEqual(discarded.serviceId, service.serviceId);
    await control.delOnion(discarded.address);
    await rejectsWith(control.delOnion(discarded.serviceId), ErrorCodes.TOR_CONTROL);
  });

  await t.test('GETINFO reads single values and data blocks', async () => {
    await using control = await connect();
    await control.authenticate({ password: PASSWORD });
    const info = await control.getInfo(['net/listeners/control', 'config-text']);
    assert.equal(info['net/listeners/control'], `${daemon.controlHost}:${daemon.controlPort}`);
    assert.match(info['config-text'] ?? '', /DisableNetwork 1/);
    assert.ok(info['config-text']!.includes('\n'));
    await rejectsWith(control.getInfo(['no-such-key']), ErrorCodes.TOR_CONTROL);
  });

  await t.test('bad arguments never reach tor', async () => {
    await using control = await connect();
    await rejectsWith(control.command('GETINFO version\r\nSIGNAL HALT'), ErrorCodes.INVALID_ARGUMENT);
    await rejectsWith(
      control.addOnion({ key: 'RSA1024:abc', ports: [{ virtualPort: 1 }] }),
      ErrorCodes.INVALID_ARGUMENT,
    );
    await rejectsWith(control.addOnion({ ports: [] }), ErrorCodes.INVALID_ARGUMENT);
    await rejectsWith(
      control.addOnion({ ports: [{ virtualPort: 1, target: '1 Flags=Detach' }] }),
      ErrorCodes.INVALID_ARGUMENT,
    );
    await rejectsWith(control.getInfo(['version extra']), ErrorCodes.INVALID_ARGUMENT);
    await rejectsWith(control.delOnion('nope'), ErrorCodes.INVALID_ARGUMENT);
    assert.equal(control.stats.commands, 0);
  });
});

test('tor control: events are skipped, silence times out, garbage closes', async () => {
  const sockets: net.Socket[] = [];
  let script = (_line: string, _socket: net.Socket): void => {};
  const fake = await listenTcp((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      for (const line of chunk
        .toString()
        .split('\r\n')
        .filter((l) => l !== ''))
        script(line, socket);
    });
  });
  try {
    const connect = () => connectTorControl({ port: fake.port, timeout: 5000 });

    script = (_line, socket) =>
      socket.write('650 STREAM 1 NEW\r\n650-EXTRA x\r\n650 OK\r\n250-version=1.2.3\r\n250 OK\r\n');
    {
      await using control = await connect();
      control.connection.on('event', () => {
        throw new Error('listener bug');
      });
      assert.deepEqual(await control.getInfo(['version']), { version: '1.2.3' });
      assert.equal(control.stats.events, 2);
      assert.equal(control.stats.listenerErrors, 2);
      assert.equal(control.connection.isClosed, false);
    }

    script = () => {};
    {
      const control = await connect();
      await rejectsWith(control.getInfo(['version'], { timeout: 150 }), ErrorCodes.TIMEOUT);
      assert.equal(control.connection.isClosed, true);
      await rejectsWith(control.getInfo(['version']), ErrorCodes.CLOSED);
      const first = control.close();
      assert.equal(control.close(), first);
      await first;
    }

    script = () => {};
    {
      await using control = await connect();
      const controller = new AbortController();
      const pending = control.command('GETINFO version', { signal: controller.signal, timeout: 0 });
      controller.abort();
      await rejectsWith(pending, ErrorCodes.ABORTED);
    }

    script = (_line, socket) => socket.write('this is not tor\r\n');
    {
      await using control = await connect();
      const closed = once(control.connection, 'close');
      await rejectsWith(control.getInfo(['version']), ErrorCodes.TOR_CONTROL);
      const [reason] = (await closed) as [unknown];
      assert.ok(isPeerwayError(reason, ErrorCodes.TOR_CONTROL));
    }

    script = (_line, socket) => socket.end();
    {
      await using control = await connect();
      await rejectsWith(control.protocolInfo(), ErrorCodes.TOR_CONTROL);
    }
  } finally {
    await fake.close();
  }
  await rejectsWith(connectTorControl({ port: await freePort() }), ErrorCodes.TOR_CONTROL);
});
