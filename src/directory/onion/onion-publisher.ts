/**
 * How a directory server or a maker publishes itself as an onion service. Both only need this
 * small interface; the tor-control implementation lives beside it and anything else (an
 * externally managed hidden service) can stand in.
 *
 * @module
 */
import type { AbortOptions } from '../../core/index.js';

/** A published onion service. */
export interface PublishedOnion {
  /** The `.onion` host name (56 base32 characters + `.onion`). */
  hostname: string;
  /** The advertised (virtual) port. */
  port: number;
  /** Withdraws the service; idempotent. */
  close(): Promise<void>;
}

/** Publishes a local TCP port as an onion service. */
export interface OnionPublisher {
  /** Maps the onion's virtual port to `localHost:localPort`. */
  publish(localHost: string, localPort: number, options?: AbortOptions): Promise<PublishedOnion>;
}
