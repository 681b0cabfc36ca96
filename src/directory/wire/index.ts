/**
 * directory/wire: the JoinMarket onion message channel as bytes and lines, with no sockets of its
 * own beyond the line channel that frames one: the envelope codec (`{"type": n, "line": s}` per
 * CRLF line), handshakes (793/795), message lines (`from!to!cmd ... pub sig`), nick identities
 * and Bitcoin signed-message signatures, nick authentication (JMP-0005), peerlists and locations.
 * The server, client and market parts build on it; it imports nothing of theirs.
 *
 * @module
 */
export {
  secp256k1VerifyImplementation,
  signBitcoinMessageBytes,
  verifyBitcoinMessageBytes,
} from './bitcoin-message.js';
export {
  APP_NAME,
  BITCOIN_NETWORKS,
  type BitcoinNetwork,
  COMMAND_PREFIX,
  DEFAULT_DIRECTORY_PORT,
  DEFAULT_LISTEN_HOST,
  DEFAULT_NETWORK,
  HANDSHAKE_TIMEOUT_MS,
  MAX_LINE_LENGTH,
  MAX_WRITE_BUFFER,
  MESSAGE_TYPE_NAMES,
  MessageType,
  NOT_SERVING_ONION,
  ONION_VIRTUAL_PORT,
  PARTIAL_LINE_TIMEOUT_MS,
  PEERLIST_CHUNK_SIZE,
  PROTOCOL_VERSION,
  PUBLIC_TARGET,
} from './constants.js';
export { encodeEnvelope, type Envelope } from './envelope.js';
export {
  checkDirectoryHandshake,
  type ClientHandshake,
  type DirectoryHandshake,
  type Features,
  formatClientHandshake,
  formatDirectoryHandshake,
  handshakeRejection,
  isWellFormedNick,
  parseClientHandshake,
  parseDirectoryHandshake,
} from './handshake.js';
export { LineChannel, type LineChannelHandlers, type LineChannelOptions } from './line-channel.js';
export {
  type DirectoryAddress,
  formatLocation,
  type HostPort,
  parseDirectoryAddress,
  parseLocation,
  checkOnion,
} from './location.js';
export {
  formatPubmsg,
  formatSignedPrivmsg,
  type MessageLine,
  parseMessageLine,
  splitPrivmsg,
  type VerifiedPrivmsg,
  verifyPrivmsg,
} from './message-line.js';
export { signBitcoinMessage, verifyBitcoinMessage } from './message-signature.js';
export {
  checkNickAuthProof,
  formatNickAuthChallenge,
  formatNickAuthProof,
  formatNickAuthResult,
  isNickAuthDirectoryId,
  isValidDirectoryId,
  type NickAuthCode,
  nickAuthIdForEndpoint,
  parseNickAuthChallenge,
  parseNickAuthResult,
} from './nick-auth.js';
export { nickFromPublicKey, NickIdentity } from './nick.js';
export { formatPeerlistEntry, parsePeerlist, type PeerlistEntry } from './peerlist.js';
