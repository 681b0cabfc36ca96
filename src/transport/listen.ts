import type net from 'node:net';
import { once } from 'node:events';
import { ErrorCodes, PeerwayError } from '../core/index.js';

/** A bound server whose `close()` also ends every connection it accepted. */
export interface BoundServer {
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Stops listening and destroys every accepted socket; idempotent, returns the same promise. */
  close(this: void): Promise<void>;
}

/**
 * Binds `server` to host:port and tracks every raw connection it accepts (TLS ones included
 * while still in their handshake), so that closing leaves no socket behind. The shared tail of
 * the TCP and TLS listeners. Throws ERR_LISTEN_FAILED when the bind fails.
 */
export async function bindTracked(
  server: net.Server,
  host: string,
  port: number,
  maxConnections: number | undefined,
): Promise<BoundServer> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  if (maxConnections !== undefined) server.maxConnections = maxConnections;
  try {
    server.listen({ host, port });
    await once(server, 'listening');
  } catch (err) {
    server.close();
    throw new PeerwayError(ErrorCodes.LISTEN_FAILED, `listen on ${host}:${port} failed`, { cause: err });
  }
  const address = server.address() as net.AddressInfo;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };
  return { port: address.port, close };
}
