/**
 * What the taker logic needs from the connection layers, as interfaces. They are shaped after
 * the directory branch's `DirectoryClient` (a `connected` flag, synchronous queueing sends that
 * return false when nothing was queued), so a client plus its pool id is already a port; the
 * direct-link manager implements {@link DirectPort}; tests implement both in memory.
 *
 * @module
 */

/** Outcome of a send: `false`, or a promise that rejects or resolves to `false`, means it failed. */
export type SendResult = boolean | Promise<unknown>;

/** One directory connection. */
export interface DirectoryPort {
  /** Canonical `host:port` of the directory (the pool's node id). */
  readonly id: string;
  /** True while the connection is handshaked. */
  readonly connected: boolean;
  /** Sends `OURNICK!PUBLIC!<body>`; `body` has no leading `!` (`orderbook`). */
  sendPubmsg(body: string): SendResult;
  /** Signs and sends `OURNICK!TO!command data <pub> <sig>`. */
  sendPrivmsg(to: string, command: string, data: string): SendResult;
}

/** Direct peer links to makers. */
export interface DirectPort {
  /** True while a handshaked direct link to the nick is up. */
  isConnected(nick: string): boolean;
  /** Signs and sends a privmsg over the nick's direct link. */
  sendPrivmsg(to: string, command: string, data: string): SendResult;
}

/** One peerlist entry; the directory layer's parsed `PeerlistEntry` fits as it is. */
export interface PeerlistChange {
  /** The peer's nick. */
  nick: string;
  /** True for a `;D` (departed) entry. */
  disconnected: boolean;
}
