import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { ErrorCodes, isPeerwayError, type ErrorCode } from '../../src/core/index.js';
import { Multiselect, lazySelect } from '../../src/multistream/index.js';
import { encodeMessage as encodeBytes } from '../../src/multistream/frames.js';
import { collect, connect, tcpPair } from './tcp-pair.js';

/** One multistream message as a Buffer. */
const encodeMessage = (text: string | Uint8Array): Buffer => Buffer.from(encodeBytes(text));

const HEADER = encodeMessage('/multistream/1.0.0');
const ECHO = encodeMessage('/echo/1.0.0');

/** A listener that lets each side half-close (request/response protocols end requests with FIN). */
async function halfOpenServer(mss: Multiselect): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    mss.handle(socket).catch(() => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers every request with "re:" + the request, once the request's FIN arrived. */
const replyAfterFin = (s: net.Socket | import('node:stream').Duplex): void => {
  const parts: Buffer[] = [];
  s.on('data', (c: Buffer) => parts.push(c));
  s.once('end', () => s.end(`re:${Buffer.concat(parts).toString()}`));
};

async function readAll(stream: import('node:stream').Duplex): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

test('lazy: header, proposal and first bytes leave in one write; FIN is not held back', async () => {
  const server = await halfOpenServer(new Multiselect({ handlers: { '/echo/1.0.0': replyAfterFin } }));
  try {
    const socket = await connect(server.port);
    const writes: Buffer[] = [];
    const write = socket.write.bind(socket) as (chunk: Buffer, cb?: () => void) => boolean;
    socket.write = ((chunk: Buffer, cb?: () => void) => {
      writes.push(Buffer.from(chunk));
      return write(chunk, cb);
    }) as typeof socket.write;
    const stream = lazySelect(socket, '/echo/1.0.0');
    stream.end('request');
    assert.equal(await readAll(stream), 're:request');
    assert.deepEqual(writes[0], Buffer.concat([HEADER, ECHO, Buffer.from('request')]));
    assert.equal(writes.length, 1);
  } finally {
    await server.close();
  }
});

test('lazy: end() sends FIN at once even when the listener never answers', async () => {
  await using pair = await tcpPair();
  const seen = collect(pair.listener);
  const stream = lazySelect(pair.dialer, '/echo/1.0.0', { timeout: 0 });
  stream.on('error', () => {});
  stream.end('x');
  await once(pair.listener, 'end');
  stream.destroy();
  assert.deepEqual(await seen, Buffer.concat([HEADER, ECHO, Buffer.from('x')]));
});

test('lazy: a reader alone flushes the handshake; bytes behind the echo come first, once', async () => {
  await using pair = await tcpPair();
  pair.listener.once('data', () => {
    pair.listener.write(Buffer.concat([HEADER, ECHO, Buffer.from('abc')]));
    setTimeout(() => pair.listener.end('def'), 10);
  });
  const stream = lazySelect(pair.dialer, '/echo/1.0.0');
  assert.equal(await readAll(stream), 'abcdef');
});

const failures: Array<[string, Buffer, ErrorCode]> = [
  ['na', Buffer.concat([HEADER, encodeMessage('na')]), ErrorCodes.MULTISTREAM_NA],
  ['a wrong header', encodeMessage('/multistream/2.0.0'), ErrorCodes.MULTISTREAM_BAD_HEADER],
  [
    'another protocol',
    Buffer.concat([HEADER, encodeMessage('/other')]),
    ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE,
  ],
  ['EOF', HEADER, ErrorCodes.MULTISTREAM_EOF],
];

for (const [name, reply, code] of failures) {
  test(`lazy: ${name} makes the first read fail with ${code}`, async () => {
    await using pair = await tcpPair();
    pair.listener.once('data', () => pair.listener.end(reply));
    const stream = lazySelect(pair.dialer, '/echo/1.0.0');
    stream.write('hello');
    await assert.rejects(readAll(stream), (err) => {
      assert.ok(isPeerwayError(err, code), String(err));
      assert.equal(err.details?.lazy, true);
      return true;
    });
    assert.ok(pair.dialer.destroyed);
  });
}

test('lazy: a silent listener hits the deadline', async () => {
  await using pair = await tcpPair();
  const stream = lazySelect(pair.dialer, '/echo/1.0.0', { timeout: 50 });
  stream.write('hello');
  await assert.rejects(readAll(stream), (err) => isPeerwayError(err, ErrorCodes.TIMEOUT));
});

test('lazy: an invalid protocol id is refused up front', () => {
  const socket = new net.Socket();
  assert.throws(
    () => lazySelect(socket, 'bad\nid'),
    (err) => isPeerwayError(err, ErrorCodes.INVALID_ARGUMENT),
  );
  socket.destroy();
});
