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
 * The folder has four main parts, each with its own `index.ts`, and arrows that run one way:
 *
 * ```
 *   market/  (MultiDirectoryClient, MakerClient, offers, bonds, encryption)
 *      |
 *      v
 *   client/  (DirectoryClient, DirectoryClientPool, dialers, PeerLinks)     server/  (DirectoryServer)
 *      |                                                                       |
 *      v                                                                       v
 *   wire/    (envelope, line channel, handshakes, message lines, nicks and signatures, peerlist)
 * ```
 *
 * A fifth part, `cluster/` (NatsDirectoryCluster), imports server/ and wire/: it implements the
 * server's ClusterLink hook so that several directory processes act as one directory over NATS.
 *
 * On top of the wire: `MultiDirectoryClient` (the taker: nick tracking across directories, the
 * merged orderbook, one pinned channel per maker, responses from many makers at once) and
 * `MakerClient` (offers, `!orderbook` answers, replies on the taker's channel), both pools, and
 * direct peer links between them (`PeerLinks`: both ends send 793, then signed privmsgs).
 * This file is the folder's one front door: what a user of the directory needs, nothing else.
 *
 * Extensions from joinmarket-ng, used only with peers that advertise them: getpeerlist answers
 * (791 -> 789 chunks, `;F:` feature suffixes with `peerlist_features`), ping/pong (798/799 with
 * `ping`), nick authentication (803/805/807 with `nick_auth`). 801 is never sent.
 *
 * @module
 */
export {
  PROTOCOL_VERSION,
  NOT_SERVING_ONION,
  DEFAULT_DIRECTORY_PORT,
  BITCOIN_NETWORKS,
  type BitcoinNetwork,
  NickIdentity,
  nickFromPublicKey,
  signBitcoinMessage,
  verifyBitcoinMessage,
  secp256k1VerifyImplementation,
  isValidDirectoryId,
  parseDirectoryAddress,
  parseLocation,
  formatLocation,
  type DirectoryAddress,
  type HostPort,
  type Features,
  type PeerlistEntry,
  type VerifiedPrivmsg,
} from './wire/index.js';
export {
  DirectoryServer,
  type DirectoryServerEvents,
  type DirectoryServerInit,
  type DirectoryServerStats,
  type ClaimResult,
  type ClusterHost,
  type ClusterInstanceView,
  type ClusterLink,
  type ClusterView,
  type NickClaim,
  type RemotePeer,
} from './server/index.js';
export {
  createTorOnionPublisher,
  type OnionPublisher,
  type PublishedOnion,
  type TorOnionPublisherInit,
} from './onion/index.js';
export {
  NatsDirectoryCluster,
  type NatsClusterStats,
  type NatsClusterTls,
  type NatsDirectoryClusterInit,
} from './cluster/index.js';
export {
  DirectoryClient,
  DirectoryClientPool,
  PeerLinks,
  loadOrCreateNickIdentity,
  tcpDialer,
  socksDialer,
  type Dialer,
  type DialOptions,
  type SocksDialerLike,
  type DirectoryClientInit,
  type DirectoryClientEvents,
  type DirectoryClientStats,
  type DirectoryMessage,
  type DirectoryClientPoolInit,
  type RetryOptions,
  type PeerLinksInit,
  type PeerLinksEvents,
  type PeerLinksStats,
  DEFAULT_DIRECTORIES,
  defaultDirectories,
  type DefaultDirectory,
  type DirectoryListSource,
  type DirectoryFailure,
} from './client/index.js';
export {
  MultiDirectoryClient,
  MakerClient,
  EncryptionSession,
  parseOffer,
  formatOffer,
  parseBondProof,
  verifyBondProof,
  createBondProof,
  signBondCertificate,
  OFFER_TYPES,
  type MultiDirectoryClientInit,
  type MultiDirectoryClientEvents,
  type MultiSendOptions,
  type MultiFetchOptions,
  type WaitForResponsesOptions,
  type MakerClientInit,
  type MakerClientEvents,
  type MakerClientStats,
  type MakerRequest,
  type MakerResponse,
  type Channel,
  type Offer,
  type OfferType,
  type FidelityBondProof,
  type BondCertificate,
  type OrderbookEntry,
  type OrderbookResult,
  type OrderbookProgress,
  type OrderbookEndReason,
  OrderbookWatcher,
  toOrderbookJson,
  type OrderbookWatcherInit,
  type OrderbookWatcherEvents,
  type OrderbookWatcherStats,
  type WatcherRefresh,
  type OfferRemovalReason,
  type BondAssessor,
  type BondToAssess,
  type AssessedBond,
  type BondAssessment,
  type BondInvalidReason,
  type OrderbookJson,
  type OrderbookJsonBond,
  type OrderbookJsonOffer,
  fidelityBondValue,
  bondOutputScript,
  bondWitnessScript,
  checkBond,
  ChainBondAssessor,
  type BondValueInput,
  type BondChain,
  type BondCheckOptions,
  type ChainBondAssessorInit,
  type ChainOutput,
  type ChainTip,
  formatAuthRevelation,
  formatIoauth,
  formatPubkeyMessage,
  hasNeutrinoCompat,
  ioauthFormFor,
  parseAuthRevelation,
  parseIoauth,
  parsePubkeyMessage,
  type AuthRevelation,
  type Ioauth,
  type ParseIoauthOptions,
  type ParsedAuthRevelation,
  type ParsedIoauth,
  type PubkeyMessage,
  formatUtxo,
  parseUtxo,
  utxoForm,
  type Utxo,
  type UtxoForm,
  NEUTRINO_COMPAT_FEATURE,
} from './market/index.js';
