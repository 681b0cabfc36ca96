import net from 'node:net';
import { once } from 'node:events';
import { ErrorCodes, PeerwayError, deadline, raceSignal, type AbortOptions } from '../core/index.js';
import { DEFAULT_DIAL_TIMEOUT_MS } from './constants.js';
import { bindTracked } from './listen.js';

/** Options for {@link dialTcp}. */
export interface DialTcpOptions extends AbortOptions {
  /** Give up after this many milliseconds (0: no timeout beyond the OS's). @default 10000 */
  timeout?: number | undefined;
  /** Disable Nagle's algorithm on the socket. @default true */
  noDelay?: boolean | undefined;
  /** Local address to dial from (a node that announces one IP dials from it). @default the OS's choice */
  localAddress?: string | undefined;
}

/**
 * Opens a TCP connection. Rejects with ERR_CONNECT_FAILED, ERR_TIMEOUT, ERR_ABORTED or ERR_INVALID_ARGUMENT (bad port); a socket
 * that did not connect is destroyed.
 *
 * @example
 * ```ts
 * const socket = await dialTcp('127.0.0.1', 5222, { timeout: 5000, signal });
 * ```
 */
export async function dialTcp(host: string, port: number, options: DialTcpOptions = {}): Promise<net.Socket> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `bad port ${port}`, { details: { host, port } });
  }
  const signal = deadline(options.signal, options.timeout ?? DEFAULT_DIAL_TIMEOUT_MS);
  const socket = net.connect({
    host,
    port,
    noDelay: options.noDelay ?? true,
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
  });
  const connected = once(socket, 'connect').catch((err: unknown) => {
    throw new PeerwayError(ErrorCodes.CONNECT_FAILED, `connect to ${host}:${port} failed`, {
      cause: err,
      details: { host, port },
    });
  });
  try {
    await raceSignal(connected, signal, `connect to ${host}:${port}`, () => socket.destroy());
    return socket;
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

/** Options for {@link listenTcp}. */
export interface ListenTcpOptions {
  /** Interface to bind. @default '127.0.0.1' */
  host?: string | undefined;
  /** Port to bind; 0 picks a free one. @default 0 */
  port?: number | undefined;
  /** Disable Nagle's algorithm on accepted sockets. @default true */
  noDelay?: boolean | undefined;
  /** Most simultaneous connections; more are refused by the OS-level server. @default unlimited */
  maxConnections?: number | undefined;
}

/** A listening TCP server. */
export interface TcpListener {
  /** The bound host. */
  readonly host: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** The underlying server. */
  readonly server: net.Server;
  /** Stops listening and destroys every accepted socket; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Listens for TCP connections and calls `onConnection` for each. `close()` also destroys open
 * connections, so nothing is left behind.
 *
 * @example
 * ```ts
 * await using listener = await listenTcp((socket) => socket.end('hi\n'), { port: 0 });
 * console.log(listener.port);
 * ```
 */
export async function listenTcp(
  onConnection: (socket: net.Socket) => void,
  options: ListenTcpOptions = {},
): Promise<TcpListener> {
  const host = options.host ?? '127.0.0.1';
  const server = net.createServer({ noDelay: options.noDelay ?? true }, onConnection);
  const { port, close } = await bindTracked(server, host, options.port ?? 0, options.maxConnections);
  return { host, port, server, close, [Symbol.asyncDispose]: close };
}
