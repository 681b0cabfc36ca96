/**
 * The hook through which several directory processes act as one directory. The server knows
 * only this interface: the link that implements it (directory/cluster, over NATS) decides who
 * owns a nick cluster-wide and carries messages between instances. Without a link the server is
 * the single-process directory and none of these calls happen.
 *
 * @module
 */

/** A nick a local connection wants to register cluster-wide. */
export interface NickClaim {
  /** The nick. */
  nick: string;
  /** Its advertised location (`NOT-SERVING-ONION` or `host:port`). */
  location: string;
  /** Feature names it advertised (for `F:` peerlist suffixes elsewhere). */
  features: string[];
  /** True when it passed nick authentication; such a claim may displace an unverified owner. */
  verified: boolean;
  /** The key its nick-auth proof was made with, when verified. */
  pubkey?: string;
}

/**
 * How a claim ended: `ok` (the nick is this connection's across the cluster), `in_use` (another
 * instance holds it), `policy` (a different verified key holds it), `unavailable` (the cluster
 * could not decide in time; the handshake is refused rather than risk a duplicate).
 */
export type ClaimResult = 'ok' | 'in_use' | 'policy' | 'unavailable';

/** A nick registered on another instance. */
export interface RemotePeer {
  /** The nick. */
  readonly nick: string;
  /** Its location. */
  readonly location: string;
  /** The instance that holds its connection. */
  readonly instance: string;
  /** Its peerlist entry, `nick;location`, plus `;F:...` when `withFeatures`. */
  entry(withFeatures: boolean): string;
}

/** What the server does for its link: deliver what other instances send. */
export interface ClusterHost {
  /** The location this directory instance advertises. */
  readonly location: string;
  /**
   * A privmsg from another instance for local `to`; `text` is the envelope as its sender wrote it
   * (CRLF-terminated). `senderEntry` is the sender's peerlist entry (plain and with features) when
   * it serves an onion, sent after the message as the single-process directory does.
   */
  deliverPrivmsg(
    to: string,
    text: string,
    senderEntry: { plain: string; features: string } | undefined,
  ): boolean;
  /** A pubmsg from another instance, for every local registered peer. */
  deliverPubmsg(text: string): number;
  /** A nick on another instance left: tell the local peers. */
  departed(nick: string, location: string): void;
  /**
   * The local owner of `nick` lost it: displaced by a verified claim elsewhere (no departure, the
   * nick lives on) or found taken after the cluster was unreachable (`conflict`).
   */
  lost(nick: string, reason: 'displaced' | 'conflict'): void;
  /** Local registered nicks, for resynchronisation. */
  localClaims(): Iterable<NickClaim>;
}

/** A cluster membership for one directory server (see directory/cluster). */
export interface ClusterLink {
  /** Joins the cluster; the server calls it once when it starts. */
  start(host: ClusterHost): Promise<void>;
  /** Leaves the cluster: this instance's nicks are released. */
  stop(): Promise<void>;
  /** Claims a nick cluster-wide (first claimant wins; a verified claim may displace). */
  claim(claim: NickClaim): Promise<ClaimResult>;
  /** A local owner of `nick` left (or its claim is abandoned): releases it cluster-wide. */
  release(nick: string): void;
  /** The nick on another instance, if any. */
  remote(nick: string): RemotePeer | undefined;
  /** Every nick on other instances. */
  remotes(): Iterable<RemotePeer>;
  /** Sends a privmsg envelope (CRLF-terminated) to `to` on its instance. */
  privmsg(
    to: RemotePeer,
    text: string,
    senderEntry: { plain: string; features: string } | undefined,
  ): boolean;
  /** Sends a pubmsg envelope (CRLF-terminated) once to every other instance. */
  pubmsg(text: string): void;
  /** The cluster as this instance sees it (for status pages). */
  view(): ClusterView;
}

/** One instance of the cluster, as seen from here. */
export interface ClusterInstanceView {
  /** Instance id. */
  id: string;
  /** Its advertised directory location. */
  location: string;
  /** True for this process. */
  self: boolean;
  /** Milliseconds since it was last heard from (0 for this process). */
  lastHeardMs: number;
  /** Nicks registered on it. */
  clients: string[];
}

/** The cluster: instances, their clients and cross-instance traffic. */
export interface ClusterView {
  /** This instance's id. */
  instance: string;
  /** Connected to the messaging server now. */
  connected: boolean;
  /** Every instance heard from (this one first). */
  instances: ClusterInstanceView[];
  /** Cross-instance counters. */
  traffic: {
    sent: Record<string, number>;
    received: Record<string, number>;
    events: Record<string, number>;
  };
}
