import tls from 'node:tls';
import net from 'node:net';
import { once } from 'node:events';
import { ErrorCodes, PeerwayError, deadline, raceSignal, type AbortOptions } from '../core/index.js';
import { DEFAULT_DIAL_TIMEOUT_MS } from './constants.js';
import { bindTracked } from './listen.js';
import { dialTcp } from './tcp.js';

/** TLS options of a dial. */
export interface TlsClientOptions {
  /**
   * Verify the peer's certificate chain and name. Turn off only where the protocol expects
   * self-signed peers (Electrum servers, for example) and authenticates them some other way.
   * @default true
   */
  rejectUnauthorized?: boolean | undefined;
  /** Trusted CA certificates (PEM), replacing the system roots; a peer's own certificate pins it. @default system roots */
  ca?: string | string[] | undefined;
  /** Name to verify and to send as SNI. @default the host, unless it is an IP literal (then no SNI) */
  servername?: string | undefined;
  /** Client certificate (PEM). @default none */
  cert?: string | undefined;
  /** Client private key (PEM). @default none */
  key?: string | undefined;
}

/** Options for {@link dialTls}. */
export interface DialTlsOptions extends TlsClientOptions, AbortOptions {
  /** Give up after this many ms, counting TCP connect and TLS handshake. @default 10000 */
  timeout?: number | undefined;
}

/** Options for {@link wrapTls}. */
export interface WrapTlsOptions extends TlsClientOptions, AbortOptions {
  /** Give up on the handshake after this many ms. @default 10000 */
  timeout?: number | undefined;
}

/**
 * Opens a TLS connection. Rejects with ERR_CONNECT_FAILED (TCP), ERR_TLS_FAILED (handshake or
 * verification; the OpenSSL reason in `details.reason`), ERR_TIMEOUT or ERR_ABORTED.
 *
 * @example
 * ```ts
 * const socket = await dialTls('electrum.example', 50002, { rejectUnauthorized: false, timeout: 30_000 });
 * ```
 */
export async function dialTls(
  host: string,
  port: number,
  options: DialTlsOptions = {},
): Promise<tls.TLSSocket> {
  const signal = deadline(options.signal, options.timeout ?? DEFAULT_DIAL_TIMEOUT_MS);
  const socket = await dialTcp(host, port, { signal, timeout: 0 });
  return wrapTls(socket, host, { ...options, signal, timeout: 0 });
}

/**
 * Runs a TLS client handshake over an open stream, for example one dialled through SOCKS5.
 * `host` is the name verified (and sent as SNI unless it is an IP literal). On failure the stream
 * is destroyed.
 *
 * @example
 * ```ts
 * const raw = await tor.dial('abc...xyz.onion', 50002, { category: 'peer' });
 * const socket = await wrapTls(raw, 'abc...xyz.onion', { rejectUnauthorized: false });
 * ```
 */
export async function wrapTls(
  socket: net.Socket,
  host: string,
  options: WrapTlsOptions = {},
): Promise<tls.TLSSocket> {
  const signal = deadline(options.signal, options.timeout ?? DEFAULT_DIAL_TIMEOUT_MS);
  const servername = options.servername ?? (net.isIP(host) === 0 ? host : undefined);
  const secure = tls.connect({
    socket,
    host: servername ?? host,
    ...(servername === undefined ? {} : { servername }),
    rejectUnauthorized: options.rejectUnauthorized ?? true,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.cert === undefined ? {} : { cert: options.cert }),
    ...(options.key === undefined ? {} : { key: options.key }),
  });
  const handshake = once(secure, 'secureConnect').catch((err: unknown) => {
    const reason = (err as { code?: unknown }).code;
    throw new PeerwayError(ErrorCodes.TLS_FAILED, `TLS handshake with ${host} failed`, {
      cause: err,
      details: { host, reason },
    });
  });
  try {
    await raceSignal(handshake, signal, `TLS handshake with ${host}`, () => secure.destroy());
    return secure;
  } catch (err) {
    secure.destroy();
    socket.destroy();
    throw err;
  }
}

/** Options for {@link listenTls}. */
export interface ListenTlsOptions {
  /** Server private key (PEM). */
  key: string;
  /** Server certificate (PEM). */
  cert: string;
  /** Interface to bind. @default '127.0.0.1' */
  host?: string | undefined;
  /** Port to bind; 0 picks a free one. @default 0 */
  port?: number | undefined;
  /** Ask clients for a certificate. @default false */
  requestCert?: boolean | undefined;
  /** With `requestCert`, refuse clients whose certificate does not verify against `ca`. @default false */
  rejectUnauthorized?: boolean | undefined;
  /** CAs that client certificates are checked against. @default system roots */
  ca?: string | string[] | undefined;
  /** Drop a client that has not finished its handshake after this many ms. @default 10000 */
  handshakeTimeout?: number | undefined;
  /** Most simultaneous connections. @default unlimited */
  maxConnections?: number | undefined;
}

/** A listening TLS server. */
export interface TlsListener {
  /** The bound host. */
  readonly host: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** The underlying server. */
  readonly server: tls.Server;
  /** Counters: handshakes completed and failed. */
  readonly stats: { accepted: number; handshakeFailed: number };
  /** Stops listening and destroys every open connection; idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Listens for TLS connections and calls `onConnection` for each completed handshake. Failed
 * handshakes are counted and dropped. `close()` also destroys open connections.
 *
 * @example
 * ```ts
 * const { key, cert } = createCertificate({ hosts: ['127.0.0.1'] });
 * await using listener = await listenTls((socket) => socket.end('hi\n'), { key, cert });
 * ```
 */
export async function listenTls(
  onConnection: (socket: tls.TLSSocket) => void,
  options: ListenTlsOptions,
): Promise<TlsListener> {
  const host = options.host ?? '127.0.0.1';
  const stats = { accepted: 0, handshakeFailed: 0 };
  const server = tls.createServer({
    key: options.key,
    cert: options.cert,
    requestCert: options.requestCert ?? false,
    rejectUnauthorized: options.rejectUnauthorized ?? false,
    handshakeTimeout: options.handshakeTimeout ?? DEFAULT_DIAL_TIMEOUT_MS,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  server.on('secureConnection', (socket: tls.TLSSocket) => {
    stats.accepted++;
    onConnection(socket);
  });
  server.on('tlsClientError', () => {
    stats.handshakeFailed++;
  });
  const { port, close } = await bindTracked(server, host, options.port ?? 0, options.maxConnections);
  return { host, port, server, stats, close, [Symbol.asyncDispose]: close };
}
