/**
 * What the handshaker and the relay may do to the directory's connections: the narrow view a
 * {@link DirectoryServer} hands them instead of itself, so neither imports the server.
 *
 * @module
 */
import type { Logger } from '../../core/index.js';
import type { ClusterLink } from './cluster-link.js';
import type { ResolvedServerOptions } from './server-options.js';
import type { ServerPeer } from './server-peer.js';
import type { DirectoryServerStats } from './server-stats.js';

/** The directory's connection table and counters, as its parts see them. */
export interface ServerContext {
  /** The directory's own nick. */
  readonly nick: string;
  /** Resolved options. */
  readonly options: ResolvedServerOptions;
  /** Live counters. */
  readonly stats: DirectoryServerStats;
  /** Logger. */
  readonly logger: Logger;
  /** The cluster this server is an instance of, if any. */
  readonly cluster: ClusterLink | undefined;
  /** The registered peer holding `nick`, if any. */
  peer(nick: string): ServerPeer | undefined;
  /** Every registered peer. */
  registered(): Iterable<ServerPeer>;
  /** Sends an envelope to one peer (counted as `slow_reader` when its buffer is full). */
  send(peer: ServerPeer, type: number, line: string): boolean;
  /** Sends an encoded envelope (ending in CRLF) to one peer. */
  sendText(peer: ServerPeer, text: string): boolean;
  /** Counts a dropped message or connection by reason. */
  drop(reason: string): void;
  /** Registers a handshaked peer under its nick. */
  register(peer: ServerPeer): void;
  /** Takes a peer out of the nick table without a departure line (it is being displaced). */
  unregister(peer: ServerPeer): void;
  /** Closes a peer, counting the reason; `flush` lets a last reply go out first. */
  evict(peer: ServerPeer, reason: string, flush?: boolean): void;
  /** Takes one handshake from `peer`'s source address budget; false when it is spent. */
  admitHandshake(peer: ServerPeer, now: number): boolean;
  /** Reports a refused handshake (the server's `reject` event). */
  rejected(reason: string, nick: string): void;
}
