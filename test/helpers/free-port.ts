import net from 'node:net';
import { once } from 'node:events';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for programs that cannot bind port 0 and
 * report it. Also handy as a port where nothing listens.
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
