import type { Logger } from '../core/index.js';
import type { UdpAddress } from './address.js';
import type { AddressBook } from './address-book.js';
import type { Bootstrapper } from './bootstrapper.js';
import type { Endpoint } from './endpoint.js';
import type { PrivateKey } from './keys.js';
import type { Network } from './network.js';
import type { Peer } from './peer.js';
import type { Community } from './community.js';
import type { DiscoveryStrategy, RandomChurnInit } from './strategies.js';
import type { VerifyBudgetInit } from './verify-budget.js';

/** A raw message handler: the datagram (prefix included) and its UDP source. */
export type MessageHandler = (source: UdpAddress, data: Uint8Array) => void;

/** What a typed handler learns beside the payload. */
export interface HandlerContext {
  /** The UDP source of the datagram. */
  readonly source: UdpAddress;
  /** The GlobalTime field, for handlers registered with `globalTime: true`. */
  readonly globalTime: bigint | undefined;
  /** The whole datagram (py-ipv8's `lazy_wrapper_wd`). */
  readonly data: Uint8Array;
}

/** A handler of a signed message: the verified sender and the decoded payload. */
export type SignedHandler<V> = (peer: Peer, payload: V, context: HandlerContext) => void | Promise<void>;

/** A handler of an unsigned message: the UDP source and the decoded payload. */
export type UnsignedHandler<V> = (
  source: UdpAddress,
  payload: V,
  context: HandlerContext,
) => void | Promise<void>;

/** Events of a community. */
// A type alias (not an interface) so it satisfies the EventMap index signature.
export type CommunityEvents = {
  /** A peer became a verified peer of this community. */
  peer: [peer: Peer];
  /** A peer was dropped (churn, or removed by the application). */
  peerRemoved: [peer: Peer];
};

/** Counters of a community. */
export interface CommunityStats {
  [key: string]: number | Record<string, number>;
  /** Datagrams handled, by message id. */
  received: Record<string, number>;
  sent: number;
  /** Strategy ticks run. */
  ticks: number;
  /** Verified peers dropped (churn, or removed by the application). */
  peersRemoved: number;
  /** Datagrams dropped (or answers withheld), by reason or error code. */
  dropped: Record<string, number>;
}

/** What a full community does with an introduction request. */
export type WhenFull = 'drop' | 'introduce';

/** A token bucket's refill rate and size. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** A strategy and the peer count it walks towards (py-ipv8 `WalkerDefinition`). */
export interface WalkerDefinition {
  /** Builds the strategy for this community. */
  strategy: (community: Community) => DiscoveryStrategy;
  /** Run it while the community has fewer peers than this; -1 always. */
  targetPeers: number;
}

/** Options for a {@link Community}. */
export interface CommunityInit {
  /** The 20-byte community id. */
  communityId: Uint8Array;
  /** The shared UDP endpoint (started or not; it must be started before traffic flows). */
  endpoint: Endpoint;
  /** Our identity. */
  key: PrivateKey;
  /** Shared knowledge of peers; pass one Network to several communities to share it. @default new Network() */
  network?: Network;
  /** Logger (never receives key material). @default silentLogger */
  logger?: Logger;
  /** The most verified peers this community keeps (-1: no limit). @default 30 */
  maxPeers?: number;
  /**
   * When full: `'drop'` is py-ipv8 (silence to new requesters; a network seeded through one full
   * peer then stalls), `'introduce'` still answers with `peer_limit_reached` and an introduction
   * but does not take the requester on as a peer.
   * @default 'introduce'
   */
  whenFull?: WhenFull;
  /** Request anonymised traffic (py-ipv8 setting; peerway has no tunnel endpoint, so it is only recorded). @default false */
  anonymize?: boolean;
  /** Discovery strategies. @default [RandomWalk towards 20 peers] */
  walkers?: readonly WalkerDefinition[];
  /**
   * Drop verified peers that stop answering (py-ipv8's `RandomChurn`, run beside `walkers`
   * whatever the peer count): `true` for its defaults (ping after 27.5 s of silence, drop after
   * 57.5 s), options to tune it, `false` to keep silent peers forever.
   * @default true
   */
  churn?: boolean | RandomChurnInit;
  /** Bootstrappers. @default [] */
  bootstrappers?: readonly Bootstrapper[];
  /** Where known addresses are loaded from and saved to. @default none */
  addressBook?: AddressBook;
  /**
   * A verified peer's "last seen" in the address book is refreshed at most this often (ms); a
   * peer that moved is saved at its new address at once.
   * @default 60000
   */
  addressBookRefreshMs?: number;
  /** Strategy tick in ms (py-ipv8 `walker_interval`); 0 runs no strategy. @default 500 */
  tickMs?: number;
  /**
   * Amplification and CPU guards: introduction requests answered and punctures taken per source
   * address, puncture requests and punctures sent per target host (an IPv6 /64 counts as one
   * host), and signed packets verified per source address (packets and milliseconds of
   * verification per second).
   * @default { perSource: { perSecond: 20, burst: 40 }, perTarget: { perSecond: 10, burst: 20 },
   *   verify: { packetsPerSecond: 100, cpuMsPerSecond: 20 } }
   */
  rateLimits?: {
    perSource?: RateLimit;
    perTarget?: RateLimit;
    verify?: Pick<VerifyBudgetInit, 'packetsPerSecond' | 'cpuMsPerSecond'>;
  };
  /** Our LAN address as advertised. @default guessed from the interfaces and the endpoint port */
  lanAddress?: UdpAddress;
  /**
   * Check the signatures of introduction requests on a thread of their own (libsodium's Ed25519
   * keys; other keys are checked here), so a community answering many peers uses a second core.
   * Each request is still verified, within its sender's budget, and handled in arrival order; at
   * most 1,024 wait, and past that a request is checked on the community's own thread, or dropped
   * and counted as `verifyQueueFull` when an earlier one of its sender still waits.
   * Without libsodium's binding this does nothing.
   * @default false
   */
  verifyThread?: boolean;
}
