import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { once } from 'node:events';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { Multiselect, MultiselectClient, handle } from '../../src/multistream/index.js';
import { connect, tcpPair, testServer } from './tcp-pair.js';

test('Multiselect: registry keeps insertion order, replaces, removes, refuses bad ids', () => {
  const noop = (): void => {};
  const mss = new Multiselect({ handlers: { '/a/1': noop, '/b/1': noop } });
  mss.addHandler('/c/1', noop);
  mss.addHandler('/a/1', noop);
  assert.deepEqual(mss.getProtocols(), ['/a/1', '/b/1', '/c/1']);
  assert.equal(mss.removeHandler('/b/1'), true);
  assert.equal(mss.removeHandler('/b/1'), false);
  assert.deepEqual(mss.getProtocols(), ['/a/1', '/c/1']);
  for (const bad of ['', 'two\nlines', 'x'.repeat(1024)]) {
    assert.throws(
      () => mss.addHandler(bad, noop),
      (err) => isPeerwayError(err, ErrorCodes.INVALID_ARGUMENT),
    );
  }
});

test('Multiselect: handle runs the chosen handler and counts na, ls and successes', async () => {
  const seen: string[] = [];
  const mss = new Multiselect({
    handlers: {
      '/echo/1.0.0': (s, protocol) => {
        seen.push(protocol);
        s.pipe(s);
      },
    },
  });
  await using server = await testServer((s) => void mss.handle(s).catch(() => {}));
  const socket = await connect(server.port);
  const client = new MultiselectClient();
  assert.deepEqual(await client.ls(socket), ['/echo/1.0.0']);
  assert.equal(await client.selectOneOf(socket, ['/x', '/echo/1.0.0'], { handshake: false }), '/echo/1.0.0');
  socket.write('ping');
  const [reply] = (await once(socket, 'data')) as [Buffer];
  assert.equal(String(reply), 'ping');
  socket.destroy();
  assert.deepEqual(seen, ['/echo/1.0.0']);
  assert.deepEqual(
    { negotiated: mss.stats.negotiated, na: mss.stats.na, ls: mss.stats.ls },
    { negotiated: 1, na: 1, ls: 1 },
  );
  assert.deepEqual({ selected: client.stats.selected, ls: client.stats.ls }, { selected: 1, ls: 1 });
});

test('Multiselect: a throwing or rejecting handler gets its stream destroyed and is counted', async () => {
  const closed: Duplex[] = [];
  const mss = new Multiselect({
    handlers: {
      '/throws': () => {
        throw new Error('boom');
      },
      '/rejects': () => Promise.reject(new Error('boom')),
    },
  });
  for (const protocol of ['/throws', '/rejects']) {
    await using pair = await tcpPair();
    const client = new MultiselectClient();
    const [, handled] = await Promise.all([
      client.selectOneOf(pair.dialer, [protocol]),
      mss.handle(pair.listener),
    ]);
    assert.equal(handled, protocol);
    await new Promise<void>((resolve) =>
      pair.listener.closed ? resolve() : pair.listener.once('close', () => resolve()),
    );
    closed.push(pair.listener);
  }
  assert.equal(closed.length, 2);
  assert.equal(mss.stats.handlerErrors, 2);
});

test('Multiselect: failures are counted by code; the client applies its default deadline', async () => {
  const mss = new Multiselect({ handlers: { '/a': () => {} } });
  await using pair = await tcpPair();
  const client = new MultiselectClient({ timeout: 5000 });
  const listening = mss.negotiate(pair.listener);
  await assert.rejects(client.selectOneOf(pair.dialer, ['/b']), (err) =>
    isPeerwayError(err, ErrorCodes.MULTISTREAM_NA),
  );
  await assert.rejects(listening, (err) => isPeerwayError(err, ErrorCodes.MULTISTREAM_EOF));
  assert.equal(mss.stats.failed[ErrorCodes.MULTISTREAM_EOF], 1);
  assert.equal(client.stats.failed[ErrorCodes.MULTISTREAM_NA], 1);

  await using silent = await tcpPair();
  const quick = new MultiselectClient({ timeout: 30 });
  await assert.rejects(quick.handshake(silent.dialer), (err) => isPeerwayError(err, ErrorCodes.TIMEOUT));
  assert.equal(quick.stats.failed[ErrorCodes.TIMEOUT], 1);
});

test('handle: a handler map and a Multiselect both work in the one-call form', async () => {
  const ran: string[] = [];
  for (const protocols of [
    { '/m': (_s: Duplex, p: string) => void ran.push(p) },
    new Multiselect({ handlers: { '/m': (_s, p) => void ran.push(p) } }),
  ]) {
    await using pair = await tcpPair();
    const client = new MultiselectClient();
    const [chosen, handled] = await Promise.all([
      client.selectOneOf(pair.dialer, ['/m']),
      handle(pair.listener, protocols),
    ]);
    assert.equal(chosen, '/m');
    assert.equal(handled, '/m');
  }
  assert.deepEqual(ran, ['/m', '/m']);
});

test('MultiselectClient: handshake, a trySelect loop past na on one stream, and lazySelect', async () => {
  await using pair = await tcpPair();
  const mss = new Multiselect({
    handlers: {
      '/x': (s) => {
        s.end('bye');
      },
    },
  });
  const listening = mss.handle(pair.listener);
  const client = new MultiselectClient();
  await client.handshake(pair.dialer);
  // py-libp2p's loop: each na leaves the stream open for the next proposal.
  let chosen: string | undefined;
  const refused: string[] = [];
  for (const protocol of ['/nope', '/nope/2', '/x']) {
    try {
      chosen = await client.trySelect(pair.dialer, protocol);
      break;
    } catch (err) {
      assert.ok(isPeerwayError(err, ErrorCodes.MULTISTREAM_NA), `na expected, got ${String(err)}`);
      refused.push(protocol);
    }
  }
  assert.equal(chosen, '/x');
  assert.deepEqual(refused, ['/nope', '/nope/2']);
  assert.equal(await listening, '/x');
  assert.equal(mss.stats.na, 2);
  let reply = '';
  for await (const chunk of pair.dialer) reply += String(chunk);
  assert.equal(reply, 'bye');

  await using pair2 = await tcpPair();
  void mss.handle(pair2.listener).catch(() => {});
  const lazy = client.lazySelect(pair2.dialer, '/x');
  let text = '';
  for await (const chunk of lazy) text += String(chunk);
  assert.equal(text, 'bye');
});

test('trySelect: a protocol error still resets the stream', async () => {
  await using pair = await tcpPair();
  const client = new MultiselectClient();
  pair.listener.write(Buffer.concat([Buffer.from('132f6d756c746973747265616d2f312e302e300a', 'hex')]));
  pair.listener.on('data', () => {});
  await client.handshake(pair.dialer);
  const answered = client.trySelect(pair.dialer, '/a');
  pair.listener.write(Buffer.from('052f6f74680a', 'hex')); // "/oth": neither the proposal nor na
  await assert.rejects(answered, (err) => isPeerwayError(err, ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE));
  assert.ok(pair.dialer.destroyed, 'the dialer stream is reset after a protocol error');
});
