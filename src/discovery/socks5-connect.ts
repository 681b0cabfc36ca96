/**
 * A minimal SOCKS5 CONNECT (RFC 1928, no authentication, the host name sent to the proxy so onion
 * names are never resolved locally) and a Tor proxy probe. A local stand-in for the transport
 * module's SOCKS5 client, which was not merged when this was written.
 *
 * @module
 */
import type { Socket } from 'node:net';
import { ErrorCodes, PeerwayError, deadline, raceSignal, type AbortOptions } from '../core/index.js';
import { dialTcp } from '../transport/tcp.js';

/** A SOCKS5 proxy address. */
export interface ProxyAddress {
  host: string;
  port: number;
}

/**
 * Reads exactly `n` bytes in paused mode, so nothing after them is consumed: what follows the
 * SOCKS reply stays buffered for whoever reads the stream next.
 */
function readBytes(socket: Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tryRead = (): void => {
      const chunk = socket.read(n) as Buffer | null;
      if (chunk === null) return;
      cleanup();
      if (chunk.length < n) reject(new PeerwayError(ErrorCodes.SOCKS_PROXY_FAILED, 'proxy reply cut short'));
      else resolve(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      reject(new PeerwayError(ErrorCodes.SOCKS_PROXY_FAILED, 'proxy closed the connection'));
    };
    const cleanup = (): void => {
      socket.off('readable', tryRead);
      socket.off('close', onEnd);
      socket.off('end', onEnd);
    };
    socket.on('readable', tryRead);
    socket.once('close', onEnd);
    socket.once('end', onEnd);
    tryRead();
  });
}

async function negotiate(socket: Socket, host: string, port: number): Promise<void> {
  socket.write(Buffer.from([5, 1, 0]));
  const method = await readBytes(socket, 2);
  if (method[0] !== 5 || method[1] !== 0) {
    throw new PeerwayError(ErrorCodes.SOCKS_AUTH_FAILED, 'proxy offered no acceptable method');
  }
  const name = Buffer.from(host, 'utf8');
  if (name.length > 255) throw new PeerwayError(ErrorCodes.ADDRESS_INVALID, 'host name too long for SOCKS5');
  socket.write(
    Buffer.concat([Buffer.from([5, 1, 0, 3, name.length]), name, Buffer.from([port >> 8, port & 0xff])]),
  );
  const head = await readBytes(socket, 4);
  if (head[0] !== 5) throw new PeerwayError(ErrorCodes.SOCKS_PROXY_FAILED, 'bad SOCKS5 reply');
  if (head[1] !== 0) {
    throw new PeerwayError(ErrorCodes.SOCKS_CONNECT_REFUSED, `proxy refused CONNECT (reply ${head[1]})`, {
      details: { reply: head[1] },
    });
  }
  const atyp = head[3];
  const rest = atyp === 1 ? 4 : atyp === 4 ? 16 : atyp === 3 ? (await readBytes(socket, 1))[0]! : -1;
  if (rest < 0) throw new PeerwayError(ErrorCodes.SOCKS_PROXY_FAILED, 'bad SOCKS5 address type');
  await readBytes(socket, rest + 2);
}

/** Opens a TCP stream to `host:port` through the proxy. */
export async function socks5Connect(
  proxy: ProxyAddress,
  host: string,
  port: number,
  options: AbortOptions & { timeout?: number } = {},
): Promise<Socket> {
  const signal = deadline(options.signal, options.timeout ?? 30_000);
  const socket = await dialTcp(proxy.host, proxy.port, { signal });
  try {
    await raceSignal(negotiate(socket, host, port), signal, `socks5 connect to ${host}:${port}`, () =>
      socket.destroy(),
    );
    return socket;
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

/** True when a SOCKS5 proxy answers the greeting at `proxy` (Tor proxy detection). */
export async function probeSocks5(
  proxy: ProxyAddress,
  options: AbortOptions & { timeout?: number } = {},
): Promise<boolean> {
  const signal = deadline(options.signal, options.timeout ?? 5_000);
  let socket: Socket | undefined;
  try {
    socket = await dialTcp(proxy.host, proxy.port, { signal });
    const s = socket;
    s.write(Buffer.from([5, 1, 0]));
    const reply = await raceSignal(readBytes(s, 2), signal, 'socks5 probe', () => s.destroy());
    return reply[0] === 5 && reply[1] === 0;
  } catch {
    return false;
  } finally {
    socket?.destroy();
  }
}
