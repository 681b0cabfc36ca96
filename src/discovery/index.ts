/**
 * discovery: ElectrumX-compatible server peer discovery.
 *
 * Electrum servers tell each other, and their clients, which servers exist. The protocol is
 * JSON-RPC 2.0 with one JSON text per `\n`-terminated line, over TCP or TLS. A discovery node
 * answers four methods, keeps what it learns in a database, and believes nothing it has not
 * checked by connecting itself:
 *
 * ```
 *   client / peer                               discovery node
 *   {"method":"server.version","params":["x",["1.4","1.4.2"]],"id":0}  ──▶
 *                                          ◀──  {"result":["peerway-discovery 0.1","1.4.2"],"id":0}
 *   {"method":"server.features","id":1}    ──▶
 *                                          ◀──  {"result":{"hosts":{"h":{"tcp_port":50001,...}},
 *                                                 "genesis_hash":"…","protocol_max":"1.4.2",...},"id":1}
 *   {"method":"server.peers.subscribe","id":2}  ──▶
 *                                          ◀──  {"result":[["1.2.3.4","h2",["v1.4.2","s50002","t50001"]]],"id":2}
 *   {"method":"server.add_peer","params":[{features}],"id":3}  ──▶
 *                                          ◀──  {"result":true,"id":3}
 *                                                 … later the node dials the announced host itself:
 *                                                 server.version, server.features, server.peers.subscribe
 * ```
 *
 * What a user needs: {@link DiscoveryNode} (server + peer database + add_peer + maintenance) on a
 * {@link PeerStore} (SQLite: {@link createSqlitePeerStore}), {@link ElectrumClient} to talk to a
 * server, {@link crawl} to walk a network, and {@link RpcServer} / {@link RpcConnection} for other
 * JSON-RPC line services. Limits and timings, with their origins, are in `constants.ts`; the
 * parts inside (framing, version negotiation, add_peer policy, reply selection, verification) are
 * imported by path in tests only.
 *
 * @module
 */
export { DiscoveryNode, type DiscoveryNodeInit } from './discovery-node.js';
export type { MaintenanceSchedule } from './maintenance.js';
export type { PeerCheck, PeerCheckContext } from './verify-peer.js';
export type { ExtraMethod } from './electrum-methods.js';
export type { Resolver } from './add-peer.js';
export type { ParsedFeatures, HostPorts } from './features.js';
export {
  newPeerRecord,
  type PeerRecord,
  type PeerStore,
  type PeerCandidate,
  type PortPair,
} from './peer-store.js';
export { createSqlitePeerStore } from './sqlite-peer-store.js';
export { ElectrumClient, type ElectrumClientInit, type DialTarget } from './electrum-client.js';
export { crawl, type CrawlOptions, type CrawlResult, type CrawlProgress } from './crawler.js';
export { parseSeed, type SeedSpec } from './seed-spec.js';
export { RpcServer, type RpcServerInit, type SessionLimits, type TlsIdentity } from './rpc-server.js';
export { RpcConnection, type RpcConnectionInit, type RpcHandler } from './rpc-connection.js';
export { RpcError } from './rpc-error.js';
export type { RpcStats } from './rpc-stats.js';
export { RpcErrorCodes, type RpcRequest, type RpcId, type RpcParams } from './rpc-message.js';
export type { SocksProxy } from '../transport/index.js';
export { PROTOCOL_MIN, PROTOCOL_MAX, DEFAULT_PORTS, SOFTWARE_VERSION } from './constants.js';
