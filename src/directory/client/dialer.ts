/**
 * How a directory client reaches its directory: any function that returns a connected byte
 * stream. The default dials TCP directly; a SOCKS5 dialer (Tor) plugs in the same way, and uses
 * `category` for stream isolation.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { dialTcp } from '../../transport/index.js';

/** Options a {@link Dialer} receives. */
export interface DialOptions {
  /** Cancels the dial. */
  signal?: AbortSignal | undefined;
  /** Milliseconds before giving up. */
  timeout: number;
  /** Stream isolation category (`directory`, `peer`...): a SOCKS dialer maps it to credentials. */
  category: string;
}

/** Opens a byte stream to `host:port`. */
export type Dialer = (host: string, port: number, options: DialOptions) => Promise<Duplex>;

/** The default dialer: plain TCP. */
export const tcpDialer: Dialer = (host, port, options) =>
  dialTcp(host, port, { signal: options.signal, timeout: options.timeout });

/** A SOCKS5 dialer as the transport module builds it (`createSocksDialer`). */
export interface SocksDialerLike {
  dial(
    host: string,
    port: number,
    options?: { category?: string; timeout?: number; signal?: AbortSignal | undefined },
  ): Promise<Duplex>;
}

/**
 * Adapts a SOCKS5 dialer (Tor) to a {@link Dialer}; the dial's category becomes the stream
 * isolation category. With `onionOnly`, hosts that are not `.onion` are dialled directly.
 *
 * @example
 * ```ts
 * const dialer = socksDialer(createSocksDialer({ host: '127.0.0.1', port: 9050 }));
 * const client = new DirectoryClient({ host: 'abc...xyz.onion', identity, dialer });
 * ```
 */
export function socksDialer(socks: SocksDialerLike, options: { onionOnly?: boolean } = {}): Dialer {
  return (host, port, o) => {
    if (options.onionOnly === true && !host.toLowerCase().endsWith('.onion')) return tcpDialer(host, port, o);
    return socks.dial(host, port, { category: o.category, timeout: o.timeout, signal: o.signal });
  };
}
