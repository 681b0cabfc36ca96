/**
 * transport: how bytes reach a peer. Protocol modules import only this file.
 *
 * - address: `host:port`, `[v6]:port`, DNS and v3 `.onion` names, canonical node ids, public-IP
 *   checks and the /16 and /56 buckets peer discovery groups addresses by.
 * - tcp, tls: dial with a timeout and a signal, listen on port 0, idempotent close; self-signed
 *   node certificates; TLS verification on unless a dial turns it off.
 * - socks5: dials through a SOCKS5 proxy (Tor) with the name resolved by the proxy, and stream
 *   isolation by category, so directory and peer traffic never share a circuit.
 * - tor control: authenticate to tor and publish onion services.
 * - udp: a datagram endpoint with a size limit and counters.
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
 * Tor control port (control-spec), as {@link TorControl} drives it; lines end in CRLF:
 *
 * ```
 * controller                                         tor
 *   | PROTOCOLINFO 1                                  |
 *   |------------------------------------------------>|
 *   |   250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE="..."
 *   |   250-VERSION Tor="0.4.9.11"   250 OK           |
 *   |<------------------------------------------------|
 *   | AUTHCHALLENGE SAFECOOKIE <client nonce>         |
 *   |------------------------------------------------>|
 *   |   250 AUTHCHALLENGE SERVERHASH=.. SERVERNONCE=..|   we check SERVERHASH
 *   |<------------------------------------------------|
 *   | AUTHENTICATE <HMAC-SHA256 client hash>          |
 *   |------------------------------------------------>|
 *   |                                          250 OK |
 *   |<------------------------------------------------|
 *   | ADD_ONION NEW:ED25519-V3 Port=5222,127.0.0.1:8080
 *   |------------------------------------------------>|
 *   |   250-ServiceID=<56 chars>  250-PrivateKey=ED25519-V3:<base64>  250 OK
 *   |<------------------------------------------------|
 * ```
 *
 * A reply is `NNN-` lines, `NNN+` lines followed by a data block ending in `.`, and one final
 * `NNN ` line; `650` replies are asynchronous events and are skipped unless listened to.
 *
 * @module
 */
export { readExact } from './read-exact.js';
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
export { loadOrCreateCertificate, type CertificateFiles } from './certificate-file.js';
export { loadOrCreateSecret, writeSecretFile, type SecretFileOptions } from './secret-file.js';
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
export { ipv4Value } from './ip.js';
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
