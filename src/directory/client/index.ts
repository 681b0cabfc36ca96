/**
 * directory/client: the client side of a directory connection: `DirectoryClient` (dial,
 * handshake, signed privmsgs, getpeerlist, nick authentication), `DirectoryClientPool` (several
 * directories, parallel connect, bounded retry), dialers (TCP, SOCKS5) and direct peer links
 * between makers and takers (`PeerLinks`). It imports only `../wire/index.js`.
 *
 * @module
 */
export {
  type DirectoryClientEvents,
  type DirectoryClientInit,
  type DirectoryClientStats,
  type DirectoryMessage,
} from './client-options.js';
export { DirectoryClient } from './client.js';
export { type Dialer, type DialOptions, socksDialer, type SocksDialerLike, tcpDialer } from './dialer.js';
export { loadOrCreateNickIdentity } from './nick-key-file.js';
export { PeerLinks, type PeerLinksEvents, type PeerLinksInit, type PeerLinksStats } from './peer-links.js';
export {
  DirectoryClientPool,
  type DirectoryClientPoolInit,
  type DirectoryFailure,
  type RetryOptions,
} from './pool.js';
export { VerifiedLineCache } from './verified-lines.js';
export {
  DEFAULT_DIRECTORIES,
  type DefaultDirectory,
  defaultDirectories,
  type DirectoryListSource,
} from './default-directories.js';
