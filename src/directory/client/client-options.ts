/**
 * Options of the directory client, its messages and its counters.
 *
 * @module
 */
import type { Logger } from '../../core/index.js';
import type { Dialer } from './dialer.js';
import type {
  BitcoinNetwork,
  Features,
  MessageLine,
  VerifiedPrivmsg,
  NickIdentity,
  PeerlistEntry,
} from '../wire/index.js';
import type { VerifiedLineCache } from './verified-lines.js';

/** Options for {@link DirectoryClient}. */
export interface DirectoryClientInit {
  /** Directory host (IP, name or `.onion`). */
  host: string;
  /** Directory port. @default 5222 */
  port?: number;
  /** Our nick identity. */
  identity: NickIdentity;
  /** Bitcoin network named in the handshake. @default 'mainnet' */
  network?: BitcoinNetwork;
  /** Our location string. @default 'NOT-SERVING-ONION' */
  location?: string;
  /**
   * Features advertised in the handshake. Only advertise `ping` if you will answer 798 (this
   * client does). @default { peerlist_features: true, ping: true }
   */
  features?: Features;
  /**
   * JMP-0005: the directory id a nick-auth challenge must name. Proofs are bound to it, so a
   * challenge naming another id is refused and the connection closed. Without one, `nick_auth`
   * is left out of the advertised features, as joinmarket-ng's client does.
   * @default `<host>:<port>` when the host is a v3 onion (lowercased), otherwise none
   */
  nickAuthDirectoryId?: string;
  /** How to reach the directory. @default plain TCP */
  dialer?: Dialer;
  /** Stream isolation category passed to the dialer. @default 'directory' */
  isolationCategory?: string;
  /** Connect + handshake deadline, ms. @default 120000 */
  timeout?: number;
  /** Longest accepted line, bytes. @default 40000 */
  maxLineLength?: number;
  /** Messages buffered for the async iterator before the oldest are dropped. @default 10000 */
  queueLimit?: number;
  /** Minimum spacing of getpeerlist requests, ms (earlier calls get the last answer). @default 60000 */
  getpeerlistInterval?: number;
  /** Wait for the first peerlist chunk, ms; silence means "unsupported". @default 60000 */
  getpeerlistTimeout?: number;
  /** Quiet gap that ends a multi-chunk peerlist answer, ms. @default 5000 */
  getpeerlistChunkGap?: number;
  /** Verify privmsg signatures and drop bad ones. @default true */
  verifySignatures?: boolean;
  /**
   * Lines verified before, shared by the clients of one pool: a byte-identical copy through
   * another directory skips the signature check. @default undefined (every line is checked)
   */
  verifiedLines?: VerifiedLineCache;
  /** Logger. @default silent */
  logger?: Logger;
}

/** A message delivered by a {@link DirectoryClient}. */
export type DirectoryMessage =
  | { kind: 'pubmsg'; message: MessageLine }
  | { kind: 'privmsg'; message: VerifiedPrivmsg }
  | { kind: 'peerlist'; entries: PeerlistEntry[] };

/** Events of a {@link DirectoryClient}. */
export type DirectoryClientEvents = {
  /** A pubmsg arrived. */
  pubmsg: [message: MessageLine];
  /** A privmsg arrived and verified. */
  privmsg: [message: VerifiedPrivmsg];
  /** A peerlist line arrived (entries parsed; bad entries skipped). */
  peerlist: [entries: PeerlistEntry[]];
  /** The connection closed (error set when it broke rather than being closed by us). */
  close: [error?: Error];
};

/** Counters of a {@link DirectoryClient}. */
export interface DirectoryClientStats {
  [key: string]: number | Record<string, number>;
  /** Messages received, by type name. */
  received: Record<string, number>;
  /** Messages sent, by type name. */
  sent: Record<string, number>;
  /** Messages dropped, by reason. */
  dropped: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
}
