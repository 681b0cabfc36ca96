/**
 * Real TCP on 127.0.0.1 for the multistream tests: a connected socket pair, and a small server
 * whose sockets are all destroyed on close.
 */
import net from 'node:net';
import { once } from 'node:events';

/** A listening server on 127.0.0.1:0 that runs `onSocket` per connection. */
export interface TestServer {
  port: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function testServer(onSocket: (socket: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const close = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { port: (server.address() as net.AddressInfo).port, close, [Symbol.asyncDispose]: close };
}

/** Connects to 127.0.0.1:`port`. */
export async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  return socket;
}

/** A connected pair [dialer, listener]; `close()` destroys both and the server. */
export async function tcpPair(): Promise<{
  dialer: net.Socket;
  listener: net.Socket;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  let accepted!: (s: net.Socket) => void;
  const listenerReady = new Promise<net.Socket>((resolve) => (accepted = resolve));
  const server = await testServer((s) => accepted(s));
  const dialer = await connect(server.port);
  const listener = await listenerReady;
  // Tests reset streams on purpose; the peer's ECONNRESET is expected, and checked via 'close'.
  dialer.on('error', () => {});
  listener.on('error', () => {});
  const close = async (): Promise<void> => {
    dialer.destroy();
    listener.destroy();
    await server.close();
  };
  return { dialer, listener, close, [Symbol.asyncDispose]: close };
}

/** Collects everything `socket` sends until it ends or closes. */
export function collect(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** Resolves with the first `n` bytes `socket` receives (all bytes seen so far if it closes first). */
export function readBytes(socket: net.Socket, n: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (c: Buffer): void => {
      chunks.push(c);
      got += c.length;
      if (got >= n) done();
    };
    const done = (): void => {
      socket.off('data', onData);
      socket.off('close', done);
      const all = Buffer.concat(chunks);
      if (all.length > n) socket.unshift(all.subarray(n));
      resolve(all.subarray(0, n));
    };
    socket.on('data', onData);
    socket.once('close', done);
  });
}
