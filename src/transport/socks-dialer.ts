import { createHash, randomBytes } from 'node:crypto';
import type net from 'node:net';
import { ErrorCodes, PeerwayError, type AbortOptions } from '../core/index.js';
import { DEFAULT_ISOLATION_CATEGORY, DEFAULT_SOCKS_TIMEOUT_MS, SOCKS_MAX_FIELD_BYTES } from './constants.js';
import { dialSocks5, type SocksProxy } from './socks5.js';

/** Init for {@link createSocksDialer}. */
export interface SocksDialerInit extends SocksProxy {
  /**
   * Stream isolation: each dial sends SOCKS5 credentials derived from its category (and, when
   * asked, its target), so a Tor proxy with its default `IsolateSOCKSAuth` uses separate circuits.
   * Cannot be combined with a fixed `username`/`password`.
   * @default true when no username/password is given, else false
   */
  isolation?: boolean | undefined;
  /**
   * Secret the isolation passwords are derived from. Keep the default (random per dialer) so that
   * circuits are not shared with other processes; tests pass a fixed one.
   * @default 16 random bytes, hex
   */
  isolationSecret?: string | undefined;
  /** Timeout of a dial that sets none. @default 60000 */
  timeout?: number | undefined;
}

/** Options for {@link SocksDialer.dial}. */
export interface SocksDialOptions extends AbortOptions {
  /** Isolation category, for example `directory` or `peer`. @default 'default' */
  category?: string | undefined;
  /** Also isolate by target: a different circuit for every `host:port`. @default false */
  isolateTarget?: boolean | undefined;
  /** Give up after this many ms. @default the dialer's timeout */
  timeout?: number | undefined;
}

/** SOCKS5 credentials. */
export interface SocksCredentials {
  username: string;
  password: string;
}

/** A reusable SOCKS5 dialer with stream isolation. */
export interface SocksDialer {
  /** The proxy this dialer uses (without credentials). */
  readonly proxy: { readonly host: string; readonly port: number };
  /** Opens a stream to `host:port` through the proxy; errors as {@link dialSocks5}. */
  dial(host: string, port: number, options?: SocksDialOptions): Promise<net.Socket>;
  /** The credentials a dial with these options sends, or undefined when it sends none. */
  credentialsFor(host: string, port: number, options?: SocksDialOptions): SocksCredentials | undefined;
}

/**
 * The isolation credentials for one category (and optionally one target): username is the
 * category, password is the secret, or for a per-target dial a hash of secret and target. Pure,
 * so it can be checked without a proxy.
 */
export function isolationCredentials(secret: string, category: string, target?: string): SocksCredentials {
  const username = category;
  const size = Buffer.byteLength(username, 'utf8');
  if (size < 1 || size > SOCKS_MAX_FIELD_BYTES) {
    throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `isolation category must be 1 to 255 bytes`);
  }
  if (target === undefined) return { username, password: secret };
  const password = createHash('sha256')
    .update(`${secret}\0${target.toLowerCase()}`)
    .digest('hex')
    .slice(0, 32);
  return { username, password };
}

/**
 * Creates a SOCKS5 dialer. With isolation on (the default without fixed credentials), dials of
 * different categories never share a Tor circuit.
 *
 * @example
 * ```ts
 * const tor = createSocksDialer({ host: '127.0.0.1', port: 9050 });
 * const dir = await tor.dial('abc...xyz.onion', 5222, { category: 'directory', timeout: 120_000 });
 * const peer = await tor.dial('def...uvw.onion', 5222, { category: 'peer', isolateTarget: true });
 * ```
 */
export function createSocksDialer(init: SocksDialerInit): SocksDialer {
  const fixed = init.username !== undefined || init.password !== undefined;
  const isolation = init.isolation ?? !fixed;
  if (isolation && fixed) {
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      'SOCKS5 isolation cannot be combined with fixed credentials',
    );
  }
  const secret = init.isolationSecret ?? randomBytes(16).toString('hex');
  const defaultTimeout = init.timeout ?? DEFAULT_SOCKS_TIMEOUT_MS;

  const credentialsFor = (
    host: string,
    port: number,
    options: SocksDialOptions = {},
  ): SocksCredentials | undefined => {
    if (!isolation) {
      return fixed ? { username: init.username ?? '', password: init.password ?? '' } : undefined;
    }
    const category = options.category ?? DEFAULT_ISOLATION_CATEGORY;
    return isolationCredentials(
      secret,
      category,
      options.isolateTarget === true ? `${host}:${port}` : undefined,
    );
  };

  return {
    proxy: { host: init.host, port: init.port },
    credentialsFor,
    dial(host, port, options = {}) {
      const credentials = credentialsFor(host, port, options);
      return dialSocks5(host, port, {
        proxy: { host: init.host, port: init.port, ...credentials },
        timeout: options.timeout ?? defaultTimeout,
        signal: options.signal,
      });
    },
  };
}
