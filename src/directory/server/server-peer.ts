/**
 * What the directory server knows about one connection.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import type { PeerwayError, TokenBucket } from '../../core/index.js';
import { LineChannel, NOT_SERVING_ONION, formatPeerlistEntry } from '../wire/index.js';
import type { Envelope, Features, LineChannelHandlers, LineChannelOptions } from '../wire/index.js';

const FEATURE_NAME = /^[A-Za-z0-9_.-]{1,40}$/;
const MAX_ADVERTISED_FEATURES = 16;

/** Where a connection is in its life. */
export type PeerState = 'new' | 'pending-auth' | 'claiming' | 'registered';

/**
 * What the server does with a connection's events: one object per server, shared by every
 * connection (a peer passes itself), so a connection costs no closures of its own.
 */
export interface ServerPeerHooks {
  admit(peer: ServerPeer, size: number): boolean;
  onEnvelope(peer: ServerPeer, env: Envelope, canonical: string | undefined, size: number): void;
  onProtocolError(error: PeerwayError): void;
  onHeld(): void;
  onClose(peer: ServerPeer): void;
}

/** One connection to the directory; it handles its own channel's events through the server's hooks. */
export class ServerPeer implements LineChannelHandlers {
  /** The connection. */
  readonly channel: LineChannel;
  state: PeerState = 'new';
  nick = '';
  location = NOT_SERVING_ONION;
  features: Features = {};
  /** Passed JMP-0005 nick authentication. */
  verified = false;
  /** The compressed key (hex) its nick-auth proof was made with. */
  verifiedPubkey: string | undefined;
  /** Last time anything arrived (ms). */
  lastSeen: number;
  /** When a ping went out and no pong has come back yet (ms), or 0. */
  pingSentAt = 0;
  /** When the last `!orderbook` liveness probe went out (ms), or 0 since it last spoke. */
  probeSentAt = 0;
  /** Outstanding nick-auth challenge (hex) and the handshake line it binds. */
  challenge: { value: string; handshakeLine: string; sentAt: number } | undefined;
  /** Messages dropped by the rate limits so far; past the bound the connection is closed. */
  violations = 0;
  /** Next chunk of a getpeerlist answer still going out. */
  peerlistTimer: NodeJS.Timeout | undefined;
  private entryCache: string | undefined;

  /**
   * @param stream the connection's stream; the peer reads it through a {@link LineChannel}.
   * @param channelOptions the channel's limits and shared counters.
   * @param hooks the server's handlers, shared by every peer.
   * @param bucket messages per second.
   * @param bytes bytes per second.
   * @param pubmsgBytes pubmsg bytes per second (a pubmsg is sent on to every peer).
   * @param connectedAt when it connected (ms).
   * @param address the source IP address (handshake limits are per address).
   * @param port the source port, for logs.
   */
  constructor(
    stream: Duplex,
    channelOptions: LineChannelOptions,
    private readonly hooks: ServerPeerHooks,
    readonly bucket: TokenBucket,
    readonly bytes: TokenBucket,
    readonly pubmsgBytes: TokenBucket,
    readonly connectedAt: number,
    readonly address: string,
    private readonly port: number,
  ) {
    this.lastSeen = connectedAt;
    this.channel = new LineChannel(stream, this, channelOptions);
  }

  /** `ip:port`, for logs. */
  get remote(): string {
    return `${this.address}:${this.port}`;
  }

  /** @internal LineChannel handler. */
  admit(size: number): boolean {
    return this.hooks.admit(this, size);
  }

  /** @internal LineChannel handler. */
  onEnvelope(env: Envelope, canonical: string | undefined, size: number): void {
    this.hooks.onEnvelope(this, env, canonical, size);
  }

  /** @internal LineChannel handler. */
  onProtocolError(error: PeerwayError): void {
    this.hooks.onProtocolError(error);
  }

  /** @internal LineChannel handler. */
  onHeld(): void {
    this.hooks.onHeld();
  }

  /** @internal LineChannel handler. */
  onClose(): void {
    this.hooks.onClose(this);
  }

  /** True when the peer serves an onion (its location is a real address). */
  get serving(): boolean {
    return this.location !== NOT_SERVING_ONION;
  }

  /** True when the peer advertised feature `name`. */
  has(name: string): boolean {
    return this.features[name] === true;
  }

  /**
   * Names of the features set to true, for an `F:` suffix. Only plain names, and a handful: the
   * names come from the peer and must not smuggle `,` or `;` into other peers' peerlists.
   */
  featureNames(): string[] {
    return Object.entries(this.features)
      .filter(([k, v]) => v === true && FEATURE_NAME.test(k))
      .slice(0, MAX_ADVERTISED_FEATURES)
      .map(([k]) => k);
  }

  /** `nick;location`, plus `;F:...` when `withFeatures` and the peer has any. */
  entry(withFeatures: boolean): string {
    if (!withFeatures) return (this.entryCache ??= this.nick + ';' + this.location);
    return formatPeerlistEntry({
      nick: this.nick,
      location: this.location,
      disconnected: false,
      features: this.featureNames(),
    });
  }
}
