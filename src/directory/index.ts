/**
 * directory: JoinMarket's onion message channel (protocol version 5), wire-compatible with the
 * reference implementation (joinmarket-clientserver) and joinmarket-ng.
 *
 * Makers and takers meet through directory nodes. Each connection carries one JSON envelope
 * per CRLF-terminated line, `{"type": <int>, "line": "<string>"}`. A client handshakes (793),
 * the directory answers (795), and from then on the directory relays public messages (687) to
 * everyone and private messages (685) to their one recipient. Private messages are signed by the
 * sender's nick key; the directory checks only that `from` is the connection's own nick.
 *
 * ```
 *  maker M                      directory D                      taker T
 *    | 793 {nick M, location}       |                               |
 *    |----------------------------->|                               |
 *    | 795 {accepted: true, nick D} |       793 {nick T, NOT-SERVING}|
 *    |<-----------------------------|<------------------------------|
 *    |                              |------------------------------>| 795 {accepted: true}
 *    |                              |          687 T!PUBLIC!orderbook|
 *    | 687 T!PUBLIC!orderbook       |<------------------------------|
 *    |<-----------------------------|                               |
 *    | 685 M!T!sw0reloffer ... pub sig                              |
 *    |----------------------------->| 685 (verbatim)                |
 *    |                              |------------------------------>|
 *    |                              | 789 M;<onion>:5222            |
 *    |                              |------------------------------>|
 *    |          (M's socket closes) | 789 M;<onion>:5222;D          |
 *    |                              |------------------------------>|
 * ```
 *
 * On top of the wire: `MultiDirectoryClient` (the taker: nick tracking across directories, the
 * merged orderbook, one pinned channel per maker, responses from many makers at once) and
 * `MakerClient` (offers, `!orderbook` answers, replies on the taker's channel), both pools, and
 * direct peer links between them (`PeerLinks`: both ends send 793, then signed privmsgs).
 *
 * Extensions from joinmarket-ng, used only with peers that advertise them: getpeerlist answers
 * (791 -> 789 chunks, `;F:` feature suffixes with `peerlist_features`), ping/pong (798/799 with
 * `ping`), nick authentication (803/805/807 with `nick_auth`). 801 is never sent.
 *
 * @module
 */
export {
  MessageType,
  PROTOCOL_VERSION,
  NOT_SERVING_ONION,
  ONION_VIRTUAL_PORT,
  DEFAULT_DIRECTORY_PORT,
  ONION_HOSTID,
  MAX_LINE_LENGTH,
  type MessageTypeNumber,
} from './constants.js';
export { encodeEnvelope, decodeEnvelope, type Envelope } from './envelope.js';
export {
  formatClientHandshake,
  formatDirectoryHandshake,
  parseClientHandshake,
  parseDirectoryHandshake,
  checkDirectoryHandshake,
  type ClientHandshake,
  type DirectoryHandshake,
  type Features,
} from './handshake.js';
export {
  parsePeerlist,
  parsePeerlistEntry,
  formatPeerlist,
  formatPeerlistEntry,
  type PeerlistEntry,
  type ParsedPeerlist,
} from './peerlist.js';
export { NickIdentity, nickFromPublicKey, nickMatchesPublicKey } from './nick.js';
export { loadOrCreateNickIdentity } from './nick-key-file.js';
export { signBitcoinMessage, verifyBitcoinMessage, bitcoinMessageHash } from './message-signature.js';
export {
  parseMessageLine,
  formatPubmsg,
  formatSignedPrivmsg,
  verifyPrivmsg,
  splitPrivmsg,
  type MessageLine,
  type VerifiedPrivmsg,
} from './message-line.js';
export {
  parseLocation,
  parseDirectoryAddress,
  formatLocation,
  type HostPort,
  type DirectoryAddress,
} from './location.js';
export { tcpDialer, socksDialer, type Dialer, type DialOptions, type SocksDialerLike } from './dialer.js';
export { DirectoryServer, type DirectoryServerEvents } from './server.js';
export type { DirectoryServerInit } from './server-options.js';
export type { DirectoryServerStats } from './server-stats.js';
export type { OnionPublisher, PublishedOnion } from './onion-publisher.js';
export { createTorOnionPublisher, type TorOnionPublisherInit } from './tor-onion-publisher.js';
export { DirectoryClient } from './client.js';
export type {
  DirectoryClientInit,
  DirectoryClientEvents,
  DirectoryClientStats,
  DirectoryMessage,
} from './client-options.js';
export { DirectoryClientPool, type DirectoryClientPoolInit, type RetryOptions } from './pool.js';
export {
  MultiDirectoryClient,
  type MultiDirectoryClientInit,
  type MultiSendOptions,
  type MultiFetchOptions,
} from './multi-directory-client.js';
export {
  MakerClient,
  type MakerClientInit,
  type MakerClientEvents,
  type MakerClientStats,
  type MakerRequest,
} from './maker-client.js';
export { PeerLinks, type PeerLinksInit, type PeerLinksEvents, type PeerLinksStats } from './peer-links.js';
export { VerifiedLineCache, type VerifiedLineCacheStats } from './verified-lines.js';
export { PeerLink, type PeerLinkInit, type PeerLinkEvents, type PeerLinkStats } from './peer-link.js';

// Orderbook, offers, fidelity bonds, end-to-end encryption and the multi-directory taker logic.
export {
  OFFER_TYPES,
  SW0_OFFER_TYPES,
  ENCRYPTED_COMMANDS,
  MAX_SATS,
  DEFAULT_ORDERBOOK_TIMEOUT_MS,
  DEFAULT_ORDERBOOK_MIN_WAIT_MS,
  DEFAULT_ORDERBOOK_QUIET_PERIOD_MS,
  DEFAULT_RESPONSE_TIMEOUT_MS,
} from './orderbook/constants.js';
export {
  parseOffer,
  parseOfferWords,
  validateOffer,
  formatOffer,
  isOfferType,
  isRelativeOffer,
  type Offer,
  type OfferType,
} from './orderbook/offer.js';
export {
  splitCommands,
  joinCommands,
  parseOfferMessage,
  formatOfferMessage,
  formatCancelMessage,
  bodyToPrivmsg,
  privmsgToBody,
  type PrivmsgParts,
  type Command,
  type OfferMessage,
} from './orderbook/command-chain.js';
export {
  decodeBondProof,
  encodeBondProof,
  verifyBondProof,
  parseBondProof,
  createBondProof,
  signBondCertificate,
  bondNickMessage,
  bondCertMessage,
  type FidelityBondProof,
  type BondNicks,
  type BondCertificate,
} from './orderbook/fidelity-bond.js';
export {
  bitcoinMessageHashBytes,
  signBitcoinMessageBytes,
  verifyBitcoinMessageBytes,
  publicKeyOf,
} from './orderbook/bitcoin-message.js';
export {
  EncryptionSession,
  isEncryptedCommand,
  parsePublicKeyHex,
  type EncryptionSessionInit,
  type EncryptedCommand,
} from './orderbook/encryption.js';
export { EncryptionSessions, type EncryptionSessionsInit } from './orderbook/encryption-sessions.js';
export { systemClock, type Clock, type TimerHandle } from './orderbook/clock.js';
export {
  NickTracker,
  type NickTrackerInit,
  type NickTrackerEvents,
  type NickTrackerStats,
} from './orderbook/nick-tracker.js';
export {
  OrderbookCollector,
  type OrderbookCollectorInit,
  type OrderbookCollectorEvents,
  type OrderbookCollectorStats,
  type OrderbookEntry,
  type OrderbookResult,
  type OrderbookEndReason,
  type OrderbookProgress,
  type OfferOutcome,
} from './orderbook/orderbook-collector.js';
export {
  ResponseCollector,
  type ResponseCollectorInit,
  type ResponseCollectorStats,
  type IncomingPrivmsg,
  type MakerResponse,
  type PushOutcome,
} from './orderbook/response-collector.js';
export {
  RequestDeduplicator,
  type RequestDeduplicatorInit,
  type RequestDeduplicatorStats,
} from './orderbook/request-deduplicator.js';
export {
  ChannelPolicy,
  parseChannel,
  directoryChannel,
  type Channel,
  type RouteView,
  type ChannelPolicyInit,
  type ChannelPolicyStats,
} from './orderbook/channel-policy.js';
export { MultiDirectoryCore } from './orderbook/multi-directory-core.js';
export {
  type MultiDirectoryCoreInit,
  type MultiDirectoryCoreEvents,
  type MultiDirectoryCoreStats,
  type FetchOrderbookOptions,
  type SendPrivmsgOptions,
  type WaitForResponsesOptions,
} from './orderbook/multi-directory-options.js';
export {
  type DirectoryPort,
  type DirectPort,
  type PeerlistChange,
  type SendResult,
} from './orderbook/ports.js';
export { ResponseInbox, type ResponseInboxInit } from './orderbook/response-inbox.js';
