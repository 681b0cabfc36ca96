/**
 * transport: how bytes reach a peer. Address parsing, TCP, TLS, SOCKS5 (for Tor, with stream
 * isolation), the tor control port and a UDP endpoint. Protocol modules import only this file.
 *
 * SOCKS5 CONNECT (RFC 1928, RFC 1929), as {@link dialSocks5} speaks it:
 *
 * ```
 * client                                   proxy
 *   | 05 <n> <methods: 02 00 | 00>            |
 *   |---------------------------------------->|
 *   |                       05 <method chosen>|
 *   |<----------------------------------------|
 *   | 01 <ulen> user <plen> pass  (method 02) |   isolation: user = category,
 *   |---------------------------------------->|   pass = per-process secret
 *   |                          01 <00 = ok>   |   (or a hash of it and the target)
 *   |<----------------------------------------|
 *   | 05 01 00 03 <len> "name.onion" <port>   |   the proxy resolves the name
 *   |---------------------------------------->|
 *   |    05 <reply 00 = ok> 00 <atyp> <bound> |   reply != 0: ERR_SOCKS_CONNECT_REFUSED
 *   |<----------------------------------------|
 *   | ...the target's bytes from here on...   |
 * ```
 *
 * @module
 */
export { dialTcp, listenTcp, type DialTcpOptions, type ListenTcpOptions, type TcpListener } from './tcp.js';
export { dialSocks5, type DialSocks5Options, type SocksProxy } from './socks5.js';
export { socksReplyMessage } from './socks-replies.js';
export {
  createSocksDialer,
  isolationCredentials,
  type SocksDialer,
  type SocksDialerInit,
  type SocksDialOptions,
  type SocksCredentials,
} from './socks-dialer.js';
export {
  dialTls,
  wrapTls,
  listenTls,
  type TlsClientOptions,
  type DialTlsOptions,
  type WrapTlsOptions,
  type ListenTlsOptions,
  type TlsListener,
} from './tls.js';
export { createCertificate, type CreateCertificateInit, type NodeCertificate } from './certificate.js';
export {
  parseAddress,
  parseHost,
  formatAddress,
  nodeId,
  isOnion,
  type PeerAddress,
  type AddressKind,
  type ParseAddressOptions,
} from './address.js';
export { onionFromPublicKey, onionPublicKey, isValidOnion } from './onion.js';
export { isPublicAddress, addressBucket, type AddressBucketOptions } from './ip-ranges.js';
export {
  UdpEndpoint,
  bindUdp,
  type UdpEndpointInit,
  type UdpEndpointEvents,
  type UdpSource,
  type UdpStats,
} from './udp.js';
export {
  TorControl,
  connectTorControl,
  parseProtocolInfo,
  type TorProtocolInfo,
  type TorAuthenticateOptions,
  type TorAuthMethod,
  type AddOnionOptions,
  type OnionPort,
  type OnionService,
} from './tor-client.js';
export {
  TorControlConnection,
  openTorControlConnection,
  type TorControlInit,
  type TorCommandOptions,
  type TorControlEvents,
} from './tor-control.js';
export { TorReplyParser, type TorReply, type TorReplyLine } from './tor-reply.js';
