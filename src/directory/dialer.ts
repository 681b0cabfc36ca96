/**
 * How a directory client reaches its directory: any function that returns a connected byte
 * stream. The default dials TCP directly; a SOCKS5 dialer (Tor) plugs in the same way, and uses
 * `category` for stream isolation.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { dialTcp } from '../transport/tcp.js';

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
