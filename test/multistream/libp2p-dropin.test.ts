/**
 * The drop-in (`peerway/multistream/libp2p`) on js-libp2p's own connection type over real TCP on
 * 127.0.0.1, against js-libp2p's stock module on the other end: both roles, early data handed
 * back, optimistic select, js-libp2p's error names, and the strict rules with a healthy dialer
 * beside a hostile one.
 */
import '../helpers/libp2p-polyfill.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as stock from '@libp2p/multistream-select';
import { SocketConnection } from '../helpers/libp2p-socket.js';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import * as dropIn from '../../src/multistream/libp2p.js';
import { encodeMessage } from '../../src/multistream/frames.js';
import { tcpPair } from './tcp-pair.js';

const HEADER = encodeMessage('/multistream/1.0.0');

/** The next bytes a connection delivers to a 'message' listener, as text. */
function nextText(conn: SocketConnection): Promise<string> {
  return new Promise((resolve) => {
    conn.addEventListener('message', (evt) => resolve(Buffer.from(evt.data.subarray()).toString()), {
      once: true,
    });
  });
}

/** Resolves once the connection is closed (by either side). */
function closed(conn: SocketConnection): Promise<void> {
  if (conn.status !== 'open') return Promise.resolve();
  return new Promise((resolve) => conn.addEventListener('close', () => resolve(), { once: true }));
}

test('drop-in select against a stock listener, and bytes behind the echo reach the protocol', async () => {
  await using pair = await tcpPair();
  const dialer = new SocketConnection(pair.dialer, 'outbound');
  const listener = new SocketConnection(pair.listener, 'inbound');
  const theirs = stock.handle(listener, ['/x/1.0.0', '/echo/1.0.0']).then((p) => {
    // The stock listener answers and at once sends protocol bytes in the same tick.
    listener.send(new TextEncoder().encode('early'));
    return p;
  });
  assert.equal(await dropIn.select(dialer, ['/nope/1.0.0', '/echo/1.0.0']), '/echo/1.0.0');
  assert.equal(await theirs, '/echo/1.0.0');
  assert.equal(await nextText(dialer), 'early');
});

test('stock select against the drop-in listener, with early data from the dialer', async () => {
  await using pair = await tcpPair();
  const dialer = new SocketConnection(pair.dialer, 'outbound');
  const listener = new SocketConnection(pair.listener, 'inbound');
  const ours = dropIn.handle(listener, ['/echo/1.0.0']);
  // Header, a refused proposal, then the wanted one and protocol bytes, all in one write.
  pair.dialer.write(
    Buffer.concat([HEADER, encodeMessage('/nope/1.0.0'), encodeMessage('/echo/1.0.0'), Buffer.from('hi')]),
  );
  assert.equal(await ours, '/echo/1.0.0');
  assert.equal(await nextText(listener), 'hi');
  assert.equal(dialer.status, 'open');
  // And the stock dialer against our listener on a second connection.
  await using pair2 = await tcpPair();
  const d2 = new SocketConnection(pair2.dialer, 'outbound');
  const l2 = new SocketConnection(pair2.listener, 'inbound');
  const [chosen, handled] = await Promise.all([
    stock.select(d2, ['/a/1.0.0', '/b/1.0.0']),
    dropIn.handle(l2, ['/b/1.0.0']),
  ]);
  assert.deepEqual([chosen, handled], ['/b/1.0.0', '/b/1.0.0']);
});

test('drop-in refusal: UnsupportedProtocolError, ERR_MULTISTREAM_NA, and the stream left open', async () => {
  await using pair = await tcpPair();
  const dialer = new SocketConnection(pair.dialer, 'outbound');
  const listener = new SocketConnection(pair.listener, 'inbound');
  void stock.handle(listener, ['/only/1.0.0']).catch(() => {});
  await assert.rejects(dropIn.select(dialer, '/nope/1.0.0'), (err: Error) => {
    assert.equal(err.name, 'UnsupportedProtocolError');
    assert.ok(isPeerwayError(err, ErrorCodes.MULTISTREAM_NA), String(err));
    assert.equal(dropIn.multiselectErrorKind(err), 'MultiselectClientError');
    return true;
  });
  assert.equal(dialer.status, 'open', 'a refusal leaves the stream to the caller, as the stock module does');
});

test('optimistic select (negotiateFully: false): resolves before the echo, data flows, no negotiation byte leaks', async () => {
  await using pair = await tcpPair();
  const dialer = new SocketConnection(pair.dialer, 'outbound');
  const listener = new SocketConnection(pair.listener, 'inbound');
  const before = dropIn.dropInCalls.select;
  const protocol = await dropIn.select(dialer, '/echo/1.0.0', { negotiateFully: false });
  assert.equal(protocol, '/echo/1.0.0');
  assert.equal(dropIn.dropInCalls.select, before + 1);
  const reply = nextText(dialer);
  dialer.send(new TextEncoder().encode('ping'));
  assert.equal(await stock.handle(listener, ['/echo/1.0.0']), '/echo/1.0.0');
  listener.addEventListener('message', (evt) => listener.send(evt.data));
  assert.equal(await reply, 'ping', 'only the protocol bytes reach the caller');
});

test('optimistic select refused: the stream is aborted with UnsupportedProtocolError', async () => {
  await using pair = await tcpPair();
  const dialer = new SocketConnection(pair.dialer, 'outbound');
  const listener = new SocketConnection(pair.listener, 'inbound');
  let seen = '';
  dialer.addEventListener('close', (evt) => {
    seen = (evt as { error?: Error }).error?.name ?? 'no error';
  });
  await dropIn.select(dialer, '/gone/1.0.0', { negotiateFully: false });
  void stock.handle(listener, ['/echo/1.0.0']).catch(() => {});
  await closed(dialer);
  assert.equal(seen, 'UnsupportedProtocolError');
});

test('drop-in listener is strict where the stock one is lenient, and a healthy dialer is served beside it', async () => {
  const hostile: Array<[string, Uint8Array, string]> = [
    ['no header', encodeMessage('/echo/1.0.0'), ErrorCodes.MULTISTREAM_BAD_HEADER],
    [
      'non-minimal varint',
      Buffer.concat([HEADER, Buffer.from('8c002f6563686f2f312e302e300a', 'hex')]),
      ErrorCodes.MULTISTREAM_NOT_MINIMAL,
    ],
    [
      '1025-byte message',
      Buffer.concat([HEADER, Buffer.from('8108', 'hex')]),
      ErrorCodes.MULTISTREAM_TOO_LONG,
    ],
    [
      '33 refused proposals',
      Buffer.concat([HEADER, ...Array.from({ length: 33 }, (_, i) => encodeMessage(`/nope/${i}`))]),
      ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS,
    ],
  ];
  for (const [what, bytes, code] of hostile) {
    await using bad = await tcpPair();
    await using good = await tcpPair();
    const badListener = new SocketConnection(bad.listener, 'inbound');
    const goodListener = new SocketConnection(good.listener, 'inbound');
    const attacked = dropIn.handle(badListener, ['/echo/1.0.0']);
    const served = dropIn.handle(goodListener, ['/echo/1.0.0']);
    bad.dialer.on('error', () => {});
    bad.dialer.write(bytes);
    await assert.rejects(attacked, (err) => isPeerwayError(err, code as never), what);
    assert.notEqual(badListener.status, 'open', `${what}: the hostile connection is aborted`);
    const honest = new SocketConnection(good.dialer, 'outbound');
    assert.equal(await dropIn.select(honest, '/echo/1.0.0'), '/echo/1.0.0', `${what}: healthy dialer served`);
    assert.equal(await served, '/echo/1.0.0');
  }
});

test('drop-in: the signal bounds a silent peer, and the error is named as js-libp2p names it', async () => {
  await using pair = await tcpPair();
  const listener = new SocketConnection(pair.listener, 'inbound');
  const controller = new AbortController();
  const negotiation = dropIn.handle(listener, ['/echo/1.0.0'], { signal: controller.signal });
  controller.abort();
  await assert.rejects(
    negotiation,
    (err: Error) => err.name === 'AbortError' && isPeerwayError(err, ErrorCodes.ABORTED),
  );
  const silent = new SocketConnection((await tcpPair()).listener, 'inbound');
  await assert.rejects(
    dropIn.handle(silent, '/echo/1.0.0', { timeout: 200 }),
    (err: Error) => err.name === 'TimeoutError',
  );
});
