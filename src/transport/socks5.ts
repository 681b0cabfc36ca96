/**
 * SOCKS5 client (RFC 1928, with RFC 1929 username/password) for dials through Tor or any proxy.
 *
 * Why ours and not the `socks` package: every dial here takes an `AbortSignal` and a deadline that
 * covers the whole handshake, replies are size-limited and turned into typed `PeerwayError`s with
 * the proxy's reply code, and the dialer derives per-dial isolation credentials so Tor keeps
 * circuits apart; `socks` is also not a dependency.
 *
 * @module
 */
import type net from 'node:net';
import {
  ErrorCodes,
  PeerwayError,
  deadline,
  isPeerwayError,
  raceSignal,
  type AbortOptions,
} from '../core/index.js';
import {
  DEFAULT_SOCKS_TIMEOUT_MS,
  SOCKS_ATYP_DOMAIN,
  SOCKS_ATYP_IPV4,
  SOCKS_ATYP_IPV6,
  SOCKS_AUTH_VERSION,
  SOCKS_CMD_CONNECT,
  SOCKS_MAX_FIELD_BYTES,
  SOCKS_METHOD_NONE,
  SOCKS_METHOD_REJECTED,
  SOCKS_METHOD_USERPASS,
  SOCKS_VERSION,
} from './constants.js';
import { parseIpv4, parseIpv6 } from './ip.js';
import { readExact } from './read-exact.js';
import { socksReplyMessage } from './socks-replies.js';
import { dialTcp } from './tcp.js';

/** Where a SOCKS5 proxy listens, and the credentials it wants (if any). */
export interface SocksProxy {
  /** Proxy host. */
  host: string;
  /** Proxy port (Tor's default SocksPort is 9050). */
  port: number;
  /** RFC 1929 username (1 to 255 bytes). Sent only with a password. @default none */
  username?: string | undefined;
  /** RFC 1929 password (1 to 255 bytes). @default none */
  password?: string | undefined;
}

/** Options for {@link dialSocks5}. */
export interface DialSocks5Options extends AbortOptions {
  /** The proxy to dial through. */
  proxy: SocksProxy;
  /** Give up after this many ms, counting the proxy's connect and its handshake. @default 60000 */
  timeout?: number | undefined;
}

/**
 * Opens a TCP stream to `host:port` through a SOCKS5 proxy (RFC 1928, CONNECT). Names that are not
 * IP literals are sent as ATYP 3 and resolved by the proxy, which is what `.onion` needs. Bytes the
 * target sends right after the proxy's reply stay on the returned socket.
 *
 * Errors: ERR_SOCKS_PROXY_FAILED (proxy unreachable or broke the protocol), ERR_SOCKS_AUTH_FAILED
 * (no acceptable method, or credentials refused), ERR_SOCKS_CONNECT_REFUSED (the proxy's reply code
 * in `details.reply`), ERR_TIMEOUT, ERR_ABORTED, ERR_INVALID_ARGUMENT.
 *
 * @example
 * ```ts
 * const socket = await dialSocks5('abc...xyz.onion', 5222, {
 *   proxy: { host: '127.0.0.1', port: 9050 },
 *   timeout: 120_000,
 * });
 * ```
 */
export async function dialSocks5(
  host: string,
  port: number,
  options: DialSocks5Options,
): Promise<net.Socket> {
  const { proxy } = options;
  const request = encodeConnect(host, port);
  const auth = encodeAuth(proxy);
  const signal = deadline(options.signal, options.timeout ?? DEFAULT_SOCKS_TIMEOUT_MS);
  let socket: net.Socket;
  try {
    socket = await dialTcp(proxy.host, proxy.port, { signal, timeout: 0 });
  } catch (err) {
    if (isPeerwayError(err, ErrorCodes.CONNECT_FAILED)) {
      throw new PeerwayError(
        ErrorCodes.SOCKS_PROXY_FAILED,
        `SOCKS5 proxy ${proxy.host}:${proxy.port} unreachable`,
        { cause: err, details: { proxy: `${proxy.host}:${proxy.port}` } },
      );
    }
    throw err;
  }
  try {
    await raceSignal(handshake(socket, auth, request), signal, `SOCKS5 dial to ${host}:${port}`, () =>
      socket.destroy(),
    );
    return socket;
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

async function handshake(socket: net.Socket, auth: Buffer | undefined, request: Buffer): Promise<void> {
  const methods = auth === undefined ? [SOCKS_METHOD_NONE] : [SOCKS_METHOD_USERPASS, SOCKS_METHOD_NONE];
  socket.write(Buffer.from([SOCKS_VERSION, methods.length, ...methods]));
  const choice = await readReply(socket, 2, 'method selection');
  if (choice[0] !== SOCKS_VERSION) throw protocolError(`bad version byte ${choice[0]}`);
  const method = choice[1]!;
  if (method === SOCKS_METHOD_USERPASS && auth !== undefined) {
    socket.write(auth);
    const status = await readReply(socket, 2, 'authentication');
    if (status[0] !== SOCKS_AUTH_VERSION) throw protocolError(`bad auth version byte ${status[0]}`);
    if (status[1] !== 0) {
      throw new PeerwayError(ErrorCodes.SOCKS_AUTH_FAILED, 'SOCKS5 proxy refused the credentials', {
        details: { status: status[1] },
      });
    }
  } else if (method === SOCKS_METHOD_REJECTED || !methods.includes(method)) {
    throw new PeerwayError(ErrorCodes.SOCKS_AUTH_FAILED, 'SOCKS5 proxy accepts none of our methods', {
      details: { method, offered: methods },
    });
  }
  socket.write(request);
  // VER REP RSV ATYP, then the first byte of BND.ADDR (the length, for a domain).
  const head = await readReply(socket, 5, 'connect reply');
  if (head[0] !== SOCKS_VERSION) throw protocolError(`bad version byte ${head[0]}`);
  const reply = head[1]!;
  if (reply !== 0) {
    throw new PeerwayError(
      ErrorCodes.SOCKS_CONNECT_REFUSED,
      `SOCKS5 connect failed: ${socksReplyMessage(reply)}`,
      {
        details: { reply, message: socksReplyMessage(reply) },
      },
    );
  }
  const rest = boundAddressLength(head[3]!, head[4]!) - 1 + 2;
  await readReply(socket, rest, 'bound address');
}

function boundAddressLength(atyp: number, first: number): number {
  if (atyp === SOCKS_ATYP_IPV4) return 4;
  if (atyp === SOCKS_ATYP_IPV6) return 16;
  if (atyp === SOCKS_ATYP_DOMAIN) return 1 + first;
  throw protocolError(`unknown address type ${atyp} in reply`);
}

function readReply(socket: net.Socket, n: number, what: string): Promise<Buffer> {
  return readExact(socket, n, ErrorCodes.SOCKS_PROXY_FAILED, `SOCKS5 ${what}`);
}

function protocolError(message: string): PeerwayError {
  return new PeerwayError(ErrorCodes.SOCKS_PROXY_FAILED, `SOCKS5 proxy broke the protocol: ${message}`);
}

function invalid(message: string): PeerwayError {
  return new PeerwayError(ErrorCodes.INVALID_ARGUMENT, message);
}

/** The CONNECT request: IP literals as ATYP 1/4, anything else as a domain the proxy resolves. */
export function encodeConnect(host: string, port: number): Buffer {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(`bad port ${port}`);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const v4 = parseIpv4(bare);
  const v6 = v4 === undefined ? parseIpv6(bare) : undefined;
  let address: Buffer;
  if (v4 !== undefined) address = Buffer.concat([Buffer.from([SOCKS_ATYP_IPV4]), v4]);
  else if (v6 !== undefined) address = Buffer.concat([Buffer.from([SOCKS_ATYP_IPV6]), v6]);
  else {
    const name = Buffer.from(host, 'utf8');
    if (name.length === 0 || name.length > SOCKS_MAX_FIELD_BYTES)
      throw invalid(`bad host name length ${name.length}`);
    address = Buffer.concat([Buffer.from([SOCKS_ATYP_DOMAIN, name.length]), name]);
  }
  const portBytes = Buffer.from([port >> 8, port & 0xff]);
  return Buffer.concat([Buffer.from([SOCKS_VERSION, SOCKS_CMD_CONNECT, 0x00]), address, portBytes]);
}

/** The RFC 1929 request, or undefined when the proxy has no credentials. */
export function encodeAuth(proxy: SocksProxy): Buffer | undefined {
  if (proxy.username === undefined && proxy.password === undefined) return undefined;
  const user = Buffer.from(proxy.username ?? '', 'utf8');
  const pass = Buffer.from(proxy.password ?? '', 'utf8');
  for (const [name, field] of [
    ['username', user],
    ['password', pass],
  ] as const) {
    if (field.length < 1 || field.length > SOCKS_MAX_FIELD_BYTES) {
      throw invalid(`SOCKS5 ${name} must be 1 to ${SOCKS_MAX_FIELD_BYTES} bytes`);
    }
  }
  return Buffer.concat([
    Buffer.from([SOCKS_AUTH_VERSION, user.length]),
    user,
    Buffer.from([pass.length]),
    pass,
  ]);
}
