/**
 * Negotiations back to back on one stream: the Node driver keeps its listeners for a negotiation
 * started by whoever awaited the last one, and must leave the stream exactly as a fresh one to any
 * other reader, with no listener left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setImmediate as tick } from 'node:timers/promises';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { handle, handshake, ls, select, trySelect } from '../../src/multistream/index.js';
import { encodeMessage as encodeBytes } from '../../src/multistream/frames.js';
import { tcpPair } from './tcp-pair.js';

const m = (text: string): Buffer => Buffer.from(encodeBytes(text));
const HEADER = m('/multistream/1.0.0');
const EVENTS = ['data', 'readable', 'end', 'close', 'error', 'drain'] as const;

function listenerCounts(socket: Socket): Record<string, number> {
  return Object.fromEntries(EVENTS.map((e) => [e, socket.listenerCount(e)]));
}

/** Counts how often a 'data' listener is added to `socket`. */
function countDataListeners(socket: Socket): { added: number } {
  const seen = { added: 0 };
  const on = socket.on.bind(socket);
  Object.assign(socket, {
    on: (event: string, fn: (...args: unknown[]) => void): Socket => {
      if (event === 'data') seen.added++;
      return on(event, fn);
    },
  });
  return seen;
}

test('back to back: a hundred negotiations reuse one set of listeners and leave none behind', async () => {
  await using pair = await tcpPair();
  const before = { dialer: listenerCounts(pair.dialer), listener: listenerCounts(pair.listener) };
  const dialerAdds = countDataListeners(pair.dialer);
  const listenerAdds = countDataListeners(pair.listener);
  const serving = (async () => {
    for (let i = 0; i < 100; i++) await handle(pair.listener, ['/x', `/n/${i}`]);
  })();
  for (let i = 0; i < 100; i++) assert.equal(await select(pair.dialer, [`/n/${i}`]), `/n/${i}`);
  await serving;
  assert.equal(dialerAdds.added, 1, 'the dialer kept its listener from one select to the next');
  assert.equal(listenerAdds.added, 1, 'the listener kept its listener from one handle to the next');
  await tick();
  assert.deepEqual(listenerCounts(pair.dialer), before.dialer, 'no dialer listener left behind');
  assert.deepEqual(listenerCounts(pair.listener), before.listener, 'no listener left behind');
  assert.equal(pair.dialer.readableFlowing, null, 'the dialer is handed back like a fresh socket');
});

test('back to back: handshake, ls, a refused trySelect, then a trySelect on one stream', async () => {
  await using pair = await tcpPair();
  const listening = handle(pair.listener, ['/a', '/b']);
  await handshake(pair.dialer);
  assert.deepEqual(await ls(pair.dialer, { handshake: false }), ['/a', '/b']);
  await assert.rejects(trySelect(pair.dialer, '/z'), (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.MULTISTREAM_NA), `na, not ${String(err)}`);
    return true;
  });
  assert.ok(!pair.dialer.destroyed, 'a na leaves the stream open');
  assert.equal(await trySelect(pair.dialer, '/b'), '/b');
  assert.equal(await listening, '/b');
  pair.listener.write('after');
  assert.equal(String((await once(pair.dialer, 'data'))[0]), 'after');
});

test('back to back: the next negotiation reads the bytes the last one put back, then hands on the rest', async () => {
  await using pair = await tcpPair();
  // Two negotiations and the protocol's first bytes in one write: the first handle() reads all of
  // it and puts back what follows its own messages.
  pair.dialer.write(Buffer.concat([HEADER, m('/a'), HEADER, m('/b'), Buffer.from('tail')]));
  assert.equal(await handle(pair.listener, ['/a']), '/a');
  assert.equal(await handle(pair.listener, ['/b']), '/b');
  assert.equal(String((await once(pair.listener, 'data'))[0]), 'tail');
});

test('back to back: the stream is the caller’s the moment the promise settles', async () => {
  await using pair = await tcpPair();
  pair.dialer.write(Buffer.concat([HEADER, m('/p'), Buffer.from('early')]));
  await handle(pair.listener, ['/p']);
  // Still inside the microtask checkpoint that settled the promise: read at once, synchronously.
  assert.equal(pair.listener.readableFlowing, null, 'handed back unread');
  assert.equal(String(pair.listener.read()), 'early', 'the early bytes are readable at once');
  const chunks: string[] = [];
  pair.listener.on('data', (c: Buffer) => chunks.push(String(c)));
  pair.dialer.end('late');
  await once(pair.listener, 'end');
  assert.deepEqual(chunks, ['late'], 'a reader added at once gets every later byte, once');
});

test('back to back: an async iterator started at once gets the early bytes exactly once', async () => {
  await using pair = await tcpPair();
  pair.listener.once('data', () => {
    pair.listener.write(Buffer.concat([HEADER, m('/p'), Buffer.from('one,')]));
    setTimeout(() => pair.listener.end('two'), 20);
  });
  await select(pair.dialer, '/p');
  const chunks: string[] = [];
  for await (const chunk of pair.dialer) chunks.push(String(chunk));
  assert.equal(chunks.join(''), 'one,two');
});

test('back to back: a reader added at once makes the next negotiation refuse the stream untouched', async () => {
  await using pair = await tcpPair();
  const listening = handle(pair.listener, ['/p']);
  await select(pair.dialer, '/p');
  await listening;
  const seen: string[] = [];
  pair.dialer.on('data', (c: Buffer) => seen.push(String(c)));
  await assert.rejects(select(pair.dialer, '/q'), (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.INVALID_ARGUMENT), `refused, not ${String(err)}`);
    return true;
  });
  assert.ok(!pair.dialer.destroyed, 'refused untouched');
  pair.listener.write('x');
  await once(pair.dialer, 'data');
  assert.deepEqual(seen, ['x'], 'the reader got the bytes once');
  await tick();
  assert.equal(pair.dialer.listenerCount('data'), 1, 'only the reader listens');
});

test('back to back: a second negotiation while one runs is refused, and the first completes', async () => {
  await using pair = await tcpPair();
  const first = select(pair.dialer, '/p');
  await assert.rejects(select(pair.dialer, '/q'), (err) => {
    assert.ok(isPeerwayError(err, ErrorCodes.INVALID_ARGUMENT), `refused, not ${String(err)}`);
    return true;
  });
  assert.equal(await handle(pair.listener, ['/p']), '/p');
  assert.equal(await first, '/p');
});

test('back to back: a paused stream stays paused across negotiations', async () => {
  await using pair = await tcpPair();
  pair.listener.pause();
  pair.dialer.write(Buffer.concat([HEADER, m('/a'), HEADER, m('/b'), Buffer.from('early')]));
  assert.equal(await handle(pair.listener, ['/a']), '/a');
  assert.equal(pair.listener.readableFlowing, false, 'paused after the first');
  assert.equal(await handle(pair.listener, ['/b']), '/b');
  assert.equal(pair.listener.readableFlowing, false, 'paused after the second');
  assert.equal(String(pair.listener.read()), 'early');
});

/** A scripted listener that, once written to, pushes its reply and its EOF from inside `_read()`. */
class PushesInRead extends Duplex {
  private written = false;
  private pushed = false;

  constructor(private readonly reply: Buffer) {
    super();
  }

  override _write(_chunk: Buffer, _encoding: string, callback: () => void): void {
    this.written = true;
    callback();
  }

  override _read(): void {
    if (this.pushed) return;
    if (!this.written) {
      setTimeout(() => this._read(), 1);
      return;
    }
    this.pushed = true;
    this.push(this.reply);
    this.push(null);
  }
}

test('a stream that pushes the echo and its EOF from inside _read() keeps its end for the caller', async () => {
  for (const tail of ['', 'rest']) {
    const stream = new PushesInRead(Buffer.concat([HEADER, m('/p'), Buffer.from(tail)]));
    assert.equal(await select(stream, '/p'), '/p');
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(String(c)));
    await once(stream, 'end');
    assert.equal(chunks.join(''), tail, `the bytes behind the echo (${JSON.stringify(tail)})`);
  }
});
