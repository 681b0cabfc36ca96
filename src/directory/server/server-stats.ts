/**
 * The directory server's counters: a plain object anyone can read.
 *
 * @module
 */

/** Counters of a {@link DirectoryServer}. */
export interface DirectoryServerStats {
  [key: string]: number | Record<string, number>;
  /** Connections open now. */
  connections: number;
  /** Connections accepted since start. */
  connectionsTotal: number;
  /** Handshaked (registered) peers now. */
  peers: number;
  /** Handshakes answered with `accepted: true`. */
  handshakesAccepted: number;
  /** Unicast `!orderbook` liveness probes sent to idle makers without `ping`. */
  orderbookProbes: number;
  /** Handshakes answered with `accepted: false`, by reason. */
  handshakesRejected: Record<string, number>;
  /** Messages relayed (sent on), by type name. */
  relayed: Record<string, number>;
  /** Messages or connections dropped, by reason. */
  dropped: Record<string, number>;
  /** Peers evicted, by reason (handshake_timeout, no_pong, idle). */
  evicted: Record<string, number>;
  /** Bytes received. */
  bytesIn: number;
  /** Bytes sent. */
  bytesOut: number;
}

/** Fresh zeroed counters. */
export function createServerStats(): DirectoryServerStats {
  return {
    connections: 0,
    connectionsTotal: 0,
    peers: 0,
    handshakesAccepted: 0,
    orderbookProbes: 0,
    handshakesRejected: {},
    relayed: {},
    dropped: {},
    evicted: {},
    bytesIn: 0,
    bytesOut: 0,
  };
}
