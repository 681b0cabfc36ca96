/**
 * peerway: find peers, reach them, and speak their protocols.
 *
 * The package's front door names the entry points most applications need. Each module is also
 * importable on its own with everything it exports: `peerway/multistream`, `peerway/directory`,
 * `peerway/discovery`, `peerway/overlay` and `peerway/node`.
 *
 * @example
 * ```ts
 * import { DirectoryClientPool, DiscoveryNode, Community, PeerwayError } from 'peerway';
 * ```
 *
 * @module
 */

// core: errors, cancellation, framing, logging
export {
  PeerwayError,
  ErrorCodes,
  isPeerwayError,
  deadline,
  sleep,
  Backoff,
  LineDecoder,
  LengthPrefixedDecoder,
  encodeFrame,
  silentLogger,
  stopOnSignals,
  type Startable,
  type ErrorCode,
  type AbortOptions,
  type BackoffOptions,
  type Logger,
  type Stats,
} from './core/index.js';

// transport: addresses, TCP, TLS, SOCKS5 with stream isolation, tor control, UDP
export {
  parseAddress,
  formatAddress,
  nodeId,
  isOnion,
  dialTcp,
  listenTcp,
  dialTls,
  listenTls,
  createCertificate,
  dialSocks5,
  createSocksDialer,
  connectTorControl,
  bindUdp,
  UdpEndpoint,
} from './transport/index.js';

// store: SQLite with per-family migrations
export { openStore, openStoreOrRecover, type Store } from './store/index.js';

// multistream: libp2p protocol negotiation (select/handle/ls live in 'peerway/multistream')
export { Multiselect, MultiselectClient, lazySelect } from './multistream/index.js';

// directory: JoinMarket directory nodes
export {
  DirectoryServer,
  DirectoryClient,
  DirectoryClientPool,
  MultiDirectoryClient,
  MakerClient,
  NickIdentity,
} from './directory/index.js';

// discovery: ElectrumX-style peer discovery
export { DiscoveryNode, ElectrumClient, RpcServer, crawl, createSqlitePeerStore } from './discovery/index.js';

// overlay: IPv8-compatible communities
export {
  Endpoint,
  Community,
  Network,
  PrivateKey,
  RandomWalk,
  EdgeWalk,
  AddressBootstrapper,
  type CommunityInit,
  type SignedMessage,
} from './overlay/index.js';

// node: the daemon
export { PeerwayNode, loadConfig, type Service, type ServiceDefinition } from './node/index.js';
