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
export { isValidDirectoryId } from './nick-auth.js';
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
// orderbook/index.ts is that folder's front door and lists each name once.
export * from './orderbook/index.js';
