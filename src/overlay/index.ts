/**
 * overlay: IPv8-compatible communities over UDP (after py-ipv8 3.2's `Community`).
 *
 * Every datagram starts with a 22-byte prefix, `00 02` + a 20-byte community id, on which the
 * {@link Endpoint} hands it to one {@link Community}; byte 22 is the message id. Signed messages
 * carry the sender's key bin (`LibNaCLPK:` + X25519 + Ed25519 keys), a Lamport global time, the
 * payload, and an Ed25519 signature over everything before it. Peers find each other by walking:
 *
 * ```
 *   A (walker)                      B (known peer)                    C (B's peer)
 *     | -- intro-request 246/234 -->  |                                 |
 *     |    (signed; dst = B, my LAN,  |                                 |
 *     |     my WAN, identifier)       |                                 |
 *     | <-- intro-response 245/233 -- |                                 |
 *     |    (dst = A as B sees it,     | -- puncture-request 250/232 --> |
 *     |     introduces C's LAN/WAN)   |    (unsigned; walker = A)       |
 *     | <----------------------------------------- puncture 249/231 --- |
 *     |                               |    (signed; opens C's NAT)      |
 *     | -- intro-request --------------------------------------------> |
 * ```
 *
 * A peer whose signed request or response verified becomes a verified peer; addresses it
 * introduces become walkable. py-ipv8 switches to the new-style family (typed addresses) after
 * the first response; both are spoken and accepted here.
 *
 * @module
 */
export {
  type UdpAddress,
  UNKNOWN_ADDRESS,
  addressKey,
  parseUdpAddress,
  isUnknownAddress,
} from './address.js';
export { PrivateKey, type PublicKey } from './keys.js';
export { ed25519Implementation } from './ed25519.js';
export {
  definePayload,
  type PayloadClass,
  type PayloadValue,
  type FieldSpec,
  type ValueOf,
} from './payload.js';
export { type Bits, type FormatName, bitsOf } from './formats.js';
export {
  dataclassPayload,
  withHooks,
  type DataclassType,
  type DataclassFormat,
  type DataclassValue,
  type PayloadHooks,
} from './dataclass.js';
export {
  RequestCache,
  NumberCache,
  DEFAULT_CACHE_TIMEOUT_MS,
  DEFAULT_MAX_CACHES,
  type CacheClass,
  type RequestCacheInit,
} from './request-cache.js';
export { Endpoint, type EndpointInit, type EndpointStats, type PrefixListener } from './endpoint.js';
export { Network, type WalkableAddress } from './network.js';
export { Peer } from './peer.js';
export { Community, type SignedMessage } from './community.js';
export {
  DiscoveryCommunity,
  PeriodicSimilarity,
  DISCOVERY_COMMUNITY_ID,
  SimilarityRequestPayload,
  SimilarityResponsePayload,
  PingPayload,
  PongPayload,
  type DiscoveryCommunityInit,
  type PeriodicSimilarityInit,
} from './discovery-community.js';
export {
  type CommunityInit,
  type CommunityEvents,
  type CommunityStats,
  type MessageHandler,
  type HandlerContext,
  type SignedHandler,
  type UnsignedHandler,
  type RateLimit,
  type WalkerDefinition,
  type WhenFull,
} from './community-init.js';
export {
  type IntroRequest,
  type IntroResponse,
  type PunctureRequest,
  type Puncture,
} from './introduction-exchange.js';
export {
  RandomWalk,
  RandomChurn,
  type DiscoveryStrategy,
  type RandomWalkInit,
  type RandomChurnInit,
  type Walkable,
} from './strategies.js';
export { EdgeWalk, type EdgeWalkInit } from './edge-walk.js';
export {
  AddressBootstrapper,
  type Bootstrapper,
  type AddressBootstrapperInit,
  type BootstrapTarget,
} from './bootstrapper.js';
export { DnsBootstrapper, type DnsBootstrapperInit, type HostResolver } from './dns-bootstrapper.js';
export { UdpBroadcastBootstrapper, type UdpBroadcastBootstrapperInit } from './broadcast-bootstrapper.js';
export { type AddressBook } from './address-book.js';
export { Tracker, type TrackerInit, type TrackerStats } from './tracker.js';
export { SqliteAddressBook, type SqliteAddressBookInit } from './sqlite-address-book.js';
export {
  DEFAULT_CHURN,
  DEFAULT_MAX_PEERS,
  DEFAULT_TICK_MS,
  DEFAULT_WALK_TARGET,
  DEFAULT_WHEN_FULL,
  MessageIds,
  PUBLIC_BOOTSTRAP_ADDRESSES,
} from './constants.js';
