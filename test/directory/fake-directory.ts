/**
 * A scripted directory for client tests: a real TCP server that answers each connection's
 * first line with a given reply and records everything it receives.
 */
import net from 'node:net';
import { once } from 'node:events';

/** A running scripted directory. */
export interface FakeDirectory {
  readonly port: number;
  /** Everything received, per connection, as text. */
  readonly received: string[];
  /** Open connections. */
  readonly sockets: Set<net.Socket>;
  close(): Promise<void>;
}

/** Starts a scripted directory; `onFirstLine` returns what to write back (or nothing). */
export async function startFakeDirectory(
  onFirstLine: (socket: net.Socket, line: string) => string | undefined,
): Promise<FakeDirectory> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const index = received.push('') - 1;
    let first = true;
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: string) => {
      received[index] += chunk;
      if (first && received[index]!.includes('\n')) {
        first = false;
        const reply = onFirstLine(socket, received[index]!.split('\n')[0]!);
        if (reply !== undefined) socket.write(reply);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
