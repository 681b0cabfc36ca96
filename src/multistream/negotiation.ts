/**
 * Negotiation on a Node Duplex: picks the driver that runs an {@link Exchange} on the stream. TCP
 * and TLS sockets get the {@link SocketDriver} (flowing mode, listeners kept for negotiations
 * back to back); any other Duplex the {@link DuplexDriver} (paused mode, which is safe for a
 * stream that pushes from inside `_read()`).
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import type { AbortOptions } from '../core/index.js';
import { DuplexDriver } from './duplex-driver.js';
import type { Exchange } from './exchange.js';
import { SocketDriver, claimSocketDriver, isPlainSocket } from './socket-driver.js';

/** Options shared by every negotiation call. */
export interface NegotiateOptions extends AbortOptions {
  /**
   * Give up after this many milliseconds; 0 disables the deadline. Like `AbortSignal.timeout()`,
   * the deadline alone does not keep the process alive. @default 10000
   */
  timeout?: number | undefined;
}

/** Runs `exchange` on `stream`; resolves with its result once the stream has been handed back. */
export function negotiate<T>(exchange: Exchange<T>, stream: Duplex, options: NegotiateOptions): Promise<T> {
  const driver =
    claimSocketDriver(stream) ??
    (isPlainSocket(stream) ? new SocketDriver(stream) : new DuplexDriver(stream));
  return driver.run(exchange, options);
}
