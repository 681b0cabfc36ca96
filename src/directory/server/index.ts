/**
 * directory/server: the directory node. `DirectoryServer` owns the listener and the connection
 * table; `ServerHandshaker` and `ServerRelay` act on connections through a narrow
 * `ServerContext` (look a peer up, send, drop, register, evict). It imports only
 * `../wire/index.js` and `../onion/index.js`.
 *
 * @module
 */
export {
  type ClaimResult,
  type ClusterHost,
  type ClusterInstanceView,
  type ClusterLink,
  type ClusterView,
  type NickClaim,
  type RemotePeer,
} from './cluster-link.js';
export { type DirectoryServerInit } from './server-options.js';
export { type DirectoryServerStats } from './server-stats.js';
export { DirectoryServer, type DirectoryServerEvents } from './server.js';
