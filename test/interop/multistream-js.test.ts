/**
 * Interop with js-libp2p's @libp2p/multistream-select 7.x over real TCP on 127.0.0.1: our dialer
 * against their listener and their dialer against our listener.
 */
import '../helpers/libp2p-polyfill.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as js from '@libp2p/multistream-select';
import { SocketConnection } from '../helpers/libp2p-socket.js';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { Multiselect, handle, lazySelect, ls, select } from '../../src/multistream/index.js';
import { tcpPair } from '../multistream/tcp-pair.js';

const JS_PROTOCOLS = ['/echo/1.0.0', '/noise'];

/** The next message a js connection receives, as text. */
function nextMessage(conn: SocketConnection): Promise<string> {
  return new Promise((resolve) => {
    conn.addEventListener('message', (evt) => resolve(Buffer.from(evt.data.subarray()).toString()), {
      once: true,
    });
  });
}

/** A js listener on the pair's listener socket; echoes everything once negotiated. */
function jsEchoListener(socket: import('node:net').Socket): Promise<string> {
  const conn = new SocketConnection(socket, 'inbound');
  return js.handle(conn, JS_PROTOCOLS).then((protocol) => {
    conn.addEventListener('message', (evt) => conn.send(evt.data));
    return protocol;
  });
}

test('ours -> js: accept, then the stream is the protocol’s', async () => {
  await using pair = await tcpPair();
  const theirs = jsEchoListener(pair.listener);
  assert.equal(await select(pair.dialer, '/echo/1.0.0'), '/echo/1.0.0');
  assert.equal(await theirs, '/echo/1.0.0');
  pair.dialer.write('ping');
  assert.equal(String((await once(pair.dialer, 'data'))[0]), 'ping');
});

test('ours -> js: na then accept', async () => {
  await using pair = await tcpPair();
  const theirs = jsEchoListener(pair.listener);
  assert.equal(await select(pair.dialer, ['/tls/1.0.0', '/yamux/1.0.0', '/noise']), '/noise');
  assert.equal(await theirs, '/noise');
});

test('ours -> js: every proposal refused', async () => {
  await using pair = await tcpPair();
  const theirs = jsEchoListener(pair.listener).catch((err: Error) => err.name);
  await assert.rejects(select(pair.dialer, ['/a/1.0.0', '/b/1.0.0']), (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.MULTISTREAM_NA));
    assert.deepEqual(err.details?.tried, ['/a/1.0.0', '/b/1.0.0']);
    return true;
  });
  assert.notEqual(await theirs, '/a/1.0.0');
});

test('ours -> js: ls in the spec format, then select on the same stream', async () => {
  await using pair = await tcpPair();
  const theirs = jsEchoListener(pair.listener);
  assert.deepEqual(await ls(pair.dialer), JS_PROTOCOLS);
  assert.equal(await select(pair.dialer, '/noise', { handshake: false }), '/noise');
  assert.equal(await theirs, '/noise');
});

test('ours -> js: an ls reply over 1024 bytes (js does not cap what it sends) is read in full', async () => {
  await using pair = await tcpPair();
  const many = Array.from({ length: 100 }, (_, i) => `/app/protocol-number-${i}/1.0.0`);
  void js.handle(new SocketConnection(pair.listener, 'inbound'), many).catch(() => {});
  assert.deepEqual(await ls(pair.dialer), many);
  await assert.rejects(ls(pair.dialer, { handshake: false, maxReplyLength: 1024 }), (err) =>
    isPeerwayError(err, ErrorCodes.MULTISTREAM_TOO_LONG),
  );
});

test('ours -> js: lazy select with early data; js re-delivers it to the protocol', async () => {
  await using pair = await tcpPair();
  const theirs = jsEchoListener(pair.listener);
  const stream = lazySelect(pair.dialer, '/echo/1.0.0');
  stream.write('hello');
  assert.equal(String((await once(stream, 'data'))[0]), 'hello');
  assert.equal(await theirs, '/echo/1.0.0');
  stream.destroy();
});

test('js -> ours: accept, na then accept, and data both ways after', async () => {
  await using pair = await tcpPair();
  const mss = new Multiselect({
    handlers: {
      '/b/1.0.0': (s) => {
        s.once('data', (d: Buffer) => s.write(`re:${String(d)}`));
      },
    },
  });
  const ours = mss.handle(pair.listener);
  const conn = new SocketConnection(pair.dialer, 'outbound');
  assert.equal(await js.select(conn, ['/a/1.0.0', '/b/1.0.0']), '/b/1.0.0');
  assert.equal(await ours, '/b/1.0.0');
  assert.equal(mss.stats.na, 1);
  const reply = nextMessage(conn);
  conn.send(Buffer.from('hi'));
  assert.equal(await reply, 're:hi');
});

test('js -> ours: all na is their UnsupportedProtocolError and our EOF with what was tried', async () => {
  await using pair = await tcpPair();
  const ours = handle(pair.listener, ['/z/1.0.0']);
  const conn = new SocketConnection(pair.dialer, 'outbound');
  await assert.rejects(js.select(conn, ['/a/1.0.0', '/b/1.0.0']), { name: 'UnsupportedProtocolError' });
  conn.abort(new Error('done'));
  await assert.rejects(ours, (err) => {
    assert.ok(isPeerwayError(err));
    assert.deepEqual(err.details?.tried, ['/a/1.0.0', '/b/1.0.0']);
    return true;
  });
});

test('js -> ours: bytes our protocol writes right behind the echo reach js once', async () => {
  await using pair = await tcpPair();
  const mss = new Multiselect({
    handlers: {
      '/a': (s) => {
        s.write('WORLD');
      },
    },
  });
  const ours = mss.handle(pair.listener);
  const conn = new SocketConnection(pair.dialer, 'outbound');
  const received: string[] = [];
  const selected = js.select(conn, ['/a']);
  assert.equal(await selected, '/a');
  conn.addEventListener('message', (evt) => received.push(Buffer.from(evt.data.subarray()).toString()));
  await ours;
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(received.join(''), 'WORLD');
});

test('js -> ours (eager header, as go sends it): js accepts a header sent before it spoke', async () => {
  await using pair = await tcpPair();
  const ours = handle(pair.listener, ['/x', '/y'], { eagerHeader: true });
  await once(pair.dialer, 'readable');
  const conn = new SocketConnection(pair.dialer, 'outbound');
  assert.equal(await js.select(conn, ['/y']), '/y');
  assert.equal(await ours, '/y');
});

test('strictness: a header-less proposal is selected by js but refused by ours', async () => {
  const headerless = Buffer.from('072f6e6f6973650a', 'hex'); // "/noise\n" with no header first
  await using toJs = await tcpPair();
  const theirs = jsEchoListener(toJs.listener);
  toJs.dialer.write(headerless);
  assert.equal(await theirs, '/noise');
  await using toOurs = await tcpPair();
  const ours = handle(toOurs.listener, ['/noise']);
  toOurs.dialer.write(headerless);
  await assert.rejects(ours, (err) => isPeerwayError(err, ErrorCodes.MULTISTREAM_BAD_HEADER));
});
