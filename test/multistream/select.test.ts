import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { ErrorCodes, isPeerwayError, type ErrorCode } from '../../src/core/index.js';
import { handle, handshake, ls, select, trySelect } from '../../src/multistream/index.js';
import { encodeMessage as encodeBytes } from '../../src/multistream/frames.js';
import { readBytes, tcpPair } from './tcp-pair.js';

/** One multistream message as a Buffer. */
const encodeMessage = (text: string | Uint8Array): Buffer => Buffer.from(encodeBytes(text));

const HEADER = encodeMessage('/multistream/1.0.0');
const NA = encodeMessage('na');
const m = (text: string): Buffer => encodeMessage(text);

/** Records every write on `socket` (what the peer reads, and how it was grouped). */
function recordWrites(socket: Socket): Buffer[] {
  const writes: Buffer[] = [];
  const write = socket.write.bind(socket);
  const spy = (chunk: Buffer): boolean => {
    writes.push(Buffer.from(chunk));
    return write(chunk);
  };
  Object.assign(socket, { write: spy });
  return writes;
}

function hasCode(code: ErrorCode): (err: unknown) => boolean {
  return (err) => isPeerwayError(err, code);
}

test('select: our dialer against our listener, na then accept, bytes on the wire', async () => {
  await using pair = await tcpPair();
  const dialerSent = recordWrites(pair.dialer);
  const listenerSent = recordWrites(pair.listener);
  const [chosen, handled] = await Promise.all([
    select(pair.dialer, ['/a/1.0.0', '/b/1.0.0']),
    handle(pair.listener, ['/b/1.0.0', '/c/1.0.0']),
  ]);
  assert.equal(chosen, '/b/1.0.0');
  assert.equal(handled, '/b/1.0.0');
  // Header + first proposal in one write; header + na in one write.
  assert.deepEqual(dialerSent, [Buffer.concat([HEADER, m('/a/1.0.0')]), m('/b/1.0.0')]);
  assert.deepEqual(listenerSent, [Buffer.concat([HEADER, NA]), m('/b/1.0.0')]);
});

test('select: every proposal refused is ERR_MULTISTREAM_NA listing what was tried; both ends reset', async () => {
  await using pair = await tcpPair();
  const listening = handle(pair.listener, ['/z/1.0.0']);
  await assert.rejects(select(pair.dialer, ['/a/1.0.0', '/b/1.0.0']), (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.MULTISTREAM_NA));
    assert.deepEqual(err.details?.tried, ['/a/1.0.0', '/b/1.0.0']);
    assert.equal(err.details?.role, 'dialer');
    return true;
  });
  assert.ok(pair.dialer.destroyed);
  await assert.rejects(listening, (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.MULTISTREAM_EOF));
    assert.deepEqual(err.details?.tried, ['/a/1.0.0', '/b/1.0.0']);
    return true;
  });
});

test('select: bytes behind the echo reach the dialer first and exactly once', async () => {
  await using pair = await tcpPair();
  pair.listener.once('data', () => {
    pair.listener.write(Buffer.concat([HEADER, m('/a/1.0.0'), Buffer.from('WORLD')]));
    setTimeout(() => pair.listener.end('!'), 20);
  });
  assert.equal(await select(pair.dialer, ['/a/1.0.0']), '/a/1.0.0');
  assert.equal(pair.dialer.readableFlowing, null, 'handed back unread, like a fresh socket');
  const chunks: string[] = [];
  for await (const chunk of pair.dialer) chunks.push(String(chunk));
  assert.equal(chunks.join(''), 'WORLD!');
});

test('handle: bytes behind the proposal reach the protocol first and exactly once', async () => {
  await using pair = await tcpPair();
  pair.dialer.write(Buffer.concat([HEADER, m('/echo/1.0.0'), Buffer.from('hello')]));
  assert.equal(await handle(pair.listener, ['/echo/1.0.0']), '/echo/1.0.0');
  const got = once(pair.listener, 'data');
  assert.equal(String((await got)[0]), 'hello');
  pair.dialer.write('again');
  assert.equal(String((await once(pair.listener, 'data'))[0]), 'again');
});

test('handle: a paused stream stays paused, with the early bytes readable', async () => {
  await using pair = await tcpPair();
  pair.listener.pause();
  pair.dialer.write(Buffer.concat([HEADER, m('/echo/1.0.0'), Buffer.from('early')]));
  await handle(pair.listener, ['/echo/1.0.0']);
  assert.equal(pair.listener.readableFlowing, false);
  assert.equal(String(pair.listener.read()), 'early');
});

test('handle: the listener answers header + answer in one write, and `na` to a repeated header or CRLF', async () => {
  await using pair = await tcpPair();
  const listening = handle(pair.listener, ['/noise']);
  pair.dialer.write(Buffer.concat([HEADER, m('/nope')]));
  assert.deepEqual(await readBytes(pair.dialer, 24), Buffer.concat([HEADER, NA]));
  pair.dialer.write(HEADER);
  assert.deepEqual(await readBytes(pair.dialer, 4), NA);
  pair.dialer.write(m('/noise\r'));
  assert.deepEqual(await readBytes(pair.dialer, 4), NA);
  pair.dialer.write(m('/noise'));
  assert.deepEqual(await readBytes(pair.dialer, 8), m('/noise'));
  assert.equal(await listening, '/noise');
});

test('handle: a header on its own is answered at once (dialers that wait for it)', async () => {
  await using pair = await tcpPair();
  const listening = handle(pair.listener, ['/a']);
  await handshake(pair.dialer);
  assert.equal(await trySelect(pair.dialer, '/a'), '/a');
  assert.equal(await listening, '/a');
});

test('select: a listener that sends its header before reading (go) is fine', async () => {
  await using pair = await tcpPair();
  const listening = handle(pair.listener, ['/a'], { eagerHeader: true });
  assert.deepEqual(await readBytes(pair.dialer, 20), HEADER);
  pair.dialer.unshift(HEADER);
  assert.equal(await select(pair.dialer, '/a'), '/a');
  assert.equal(await listening, '/a');
});

test('ls: the spec list, then a selection on the same stream', async () => {
  await using pair = await tcpPair();
  const listening = handle(pair.listener, ['/echo/1.0.0', '/noise']);
  assert.deepEqual(await ls(pair.dialer), ['/echo/1.0.0', '/noise']);
  assert.equal(await select(pair.dialer, '/noise', { handshake: false }), '/noise');
  assert.equal(await listening, '/noise');
});

test('ls: a listener without ls (go) answers na, which means "not supported"', async () => {
  await using pair = await tcpPair();
  pair.listener.once('data', () => pair.listener.write(Buffer.concat([HEADER, NA])));
  assert.equal(await ls(pair.dialer), undefined);
});

const listenerRejects: Array<[string, Buffer, ErrorCode]> = [
  ['no header first', m('/noise'), ErrorCodes.MULTISTREAM_BAD_HEADER],
  ['another version', m('/multistream/2.0.0'), ErrorCodes.MULTISTREAM_BAD_HEADER],
  [
    'non-minimal prefix',
    Buffer.concat([HEADER, Buffer.from('8300610a', 'hex')]),
    ErrorCodes.MULTISTREAM_NOT_MINIMAL,
  ],
  ['1025-byte message', Buffer.concat([HEADER, m('x'.repeat(1024))]), ErrorCodes.MULTISTREAM_TOO_LONG],
  ['3-byte prefix', Buffer.concat([HEADER, Buffer.from('808001', 'hex')]), ErrorCodes.MULTISTREAM_TOO_LONG],
  [
    'missing newline',
    Buffer.concat([HEADER, Buffer.from('03616263', 'hex')]),
    ErrorCodes.MULTISTREAM_MALFORMED,
  ],
  ['empty message', Buffer.concat([HEADER, Buffer.from('00', 'hex')]), ErrorCodes.MULTISTREAM_MALFORMED],
  [
    'two lines',
    Buffer.concat([HEADER, Buffer.from('05612f0a620a', 'hex')]),
    ErrorCodes.MULTISTREAM_MALFORMED,
  ],
];

for (const [name, bytes, code] of listenerRejects) {
  test(`handle rejects ${name} with ${code} and resets the stream`, async () => {
    await using pair = await tcpPair();
    pair.dialer.on('error', () => {});
    const closed = new Promise((resolve) => pair.dialer.once('close', resolve));
    const listening = handle(pair.listener, ['/noise']);
    pair.dialer.write(bytes);
    await assert.rejects(listening, (err) => {
      assert.ok(isPeerwayError(err, code), String(err));
      assert.deepEqual(err.details?.protocols, ['/noise']);
      return true;
    });
    await closed;
  });
}

const dialerRejects: Array<[string, Buffer, ErrorCode]> = [
  ['a wrong header', Buffer.concat([m('/multistream/2.0.0'), NA]), ErrorCodes.MULTISTREAM_BAD_HEADER],
  ['no header', m('/a'), ErrorCodes.MULTISTREAM_BAD_HEADER],
  [
    'an answer that is neither echo nor na',
    Buffer.concat([HEADER, m('/b')]),
    ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE,
  ],
  ['a trimmed-space echo', Buffer.concat([HEADER, m('/a ')]), ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE],
  ['an oversized answer', Buffer.concat([HEADER, m('y'.repeat(2000))]), ErrorCodes.MULTISTREAM_TOO_LONG],
];

for (const [name, bytes, code] of dialerRejects) {
  test(`select rejects ${name} with ${code}`, async () => {
    await using pair = await tcpPair();
    pair.listener.on('error', () => {});
    pair.listener.once('data', () => pair.listener.write(bytes));
    const closed = new Promise((resolve) => pair.listener.once('close', resolve));
    await assert.rejects(select(pair.dialer, '/a'), hasCode(code));
    assert.ok(pair.dialer.destroyed);
    await closed;
  });
}

test('select: the peer closing mid-negotiation is ERR_MULTISTREAM_EOF', async () => {
  await using pair = await tcpPair();
  pair.listener.once('data', () => pair.listener.end(HEADER));
  await assert.rejects(select(pair.dialer, '/a'), hasCode(ErrorCodes.MULTISTREAM_EOF));
});

test('select: a silent listener hits the deadline; an abort cancels', async () => {
  await using pair = await tcpPair();
  await assert.rejects(select(pair.dialer, '/a', { timeout: 50 }), (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.TIMEOUT));
    assert.deepEqual(err.details?.protocols, ['/a']);
    return true;
  });
  assert.ok(pair.dialer.destroyed);
  await using pair2 = await tcpPair();
  const controller = new AbortController();
  const selecting = select(pair2.dialer, '/a', { signal: controller.signal });
  controller.abort();
  await assert.rejects(selecting, hasCode(ErrorCodes.ABORTED));
  await assert.rejects(
    handle(pair2.listener, ['/a'], { signal: AbortSignal.abort() }),
    hasCode(ErrorCodes.ABORTED),
  );
});

test('select and handle refuse bad arguments and closed streams', async () => {
  await using pair = await tcpPair();
  await assert.rejects(select(pair.dialer, []), hasCode(ErrorCodes.INVALID_ARGUMENT));
  await assert.rejects(select(pair.dialer, 'a\nb'), hasCode(ErrorCodes.INVALID_ARGUMENT));
  await assert.rejects(select(pair.dialer, ''), hasCode(ErrorCodes.INVALID_ARGUMENT));
  await assert.rejects(select(pair.dialer, 'x'.repeat(1024)), hasCode(ErrorCodes.INVALID_ARGUMENT));
  await assert.rejects(handle(pair.listener, []), hasCode(ErrorCodes.INVALID_ARGUMENT));
  pair.dialer.destroy();
  await assert.rejects(select(pair.dialer, '/a'), hasCode(ErrorCodes.MULTISTREAM_EOF));
});

test('repeated negotiations on one connection hand every byte to the right owner', async () => {
  await using pair = await tcpPair();
  const serve = async (): Promise<void> => {
    for (let i = 0; i < 50; i++) await handle(pair.listener, ['/x', `/n/${i}`]);
  };
  const serving = serve();
  for (let i = 0; i < 50; i++) assert.equal(await select(pair.dialer, [`/n/${i}`]), `/n/${i}`);
  await serving;
});

test('handle: a stream that already has a reader is refused untouched (it would see bytes twice)', async () => {
  await using pair = await tcpPair();
  const seen: string[] = [];
  const reader = (d: Buffer): number => seen.push(String(d));
  pair.listener.on('data', reader);
  await assert.rejects(handle(pair.listener, ['/p']), hasCode(ErrorCodes.INVALID_ARGUMENT));
  assert.ok(!pair.listener.destroyed);
  pair.listener.off('data', reader);
  pair.listener.pause();
  pair.dialer.write(Buffer.concat([HEADER, m('/p'), Buffer.from('early')]));
  assert.equal(await handle(pair.listener, ['/p']), '/p');
  assert.equal(String(pair.listener.read()), 'early');
  assert.deepEqual(seen, []);
});

test('select: a stream that decodes to strings is refused untouched', async () => {
  await using pair = await tcpPair();
  pair.dialer.setEncoding('utf8');
  await assert.rejects(select(pair.dialer, '/p'), hasCode(ErrorCodes.INVALID_ARGUMENT));
  assert.ok(!pair.dialer.destroyed);
});
