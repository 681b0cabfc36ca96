/**
 * What the taker logic needs from the connection layers, as interfaces: the directory client
 * and the direct-link manager implement these, and tests implement them in memory.
 *
 * @module
 */
import type { AbortOptions } from '../../core/index.js';

/** One connected directory, as the directory layer exposes it. */
export interface DirectoryPort {
  /** Canonical `host:port` of the directory. */
  readonly id: string;
  /** True while the connection is handshaked. */
  isConnected(): boolean;
  /** Sends `FROM!PUBLIC<body>`; `body` starts with `!`. */
  sendPubmsg(body: string, options?: AbortOptions): Promise<void>;
  /** Signs and sends `FROM!TO!command data <pub> <sig>`. */
  sendPrivmsg(to: string, command: string, data: string, options?: AbortOptions): Promise<void>;
}

/** Direct peer links, as the direct-link layer exposes them. */
export interface DirectPort {
  /** True while a handshaked direct link to the nick is up. */
  isConnected(nick: string): boolean;
  /** Signs and sends a privmsg over the nick's direct link. */
  sendPrivmsg(to: string, command: string, data: string, options?: AbortOptions): Promise<void>;
}

/** One peerlist entry (the directory layer parses the `nick;location[;D]` text). */
export interface PeerlistEntry {
  nick: string;
  /** True for a `;D` (departed) entry. */
  gone: boolean;
}
