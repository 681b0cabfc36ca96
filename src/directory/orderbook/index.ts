/**
 * directory/orderbook: the JoinMarket market layer above the directory wire: offers, fidelity-bond
 * proofs, the end-to-end encryption of a CoinJoin negotiation, and the socket-free logic a taker
 * needs across several directories (nick tracking, orderbook collection, response collection,
 * channel pinning).
 *
 * A taker asks every directory for the orderbook; each maker answers privately with all its offers
 * chained, and a bond proof bound to the taker's nick:
 *
 * ```
 *  taker                       directory(s)                       maker
 *   pubmsg  T!PUBLIC!orderbook  ------------>  relayed to all  ------->
 *          <------------  privmsg M!T!sw0reloffer 0 27300 1000000 0 0.00002
 *                                 !sw0absoffer 1 …!tbond <252-byte proof, base64> <pub> <sig>
 *   privmsg T!M!fill <oid> <amount> <taker_nacl_pub> <commitment> <pub> <sig>  ---->
 *          <------------  privmsg M!T!pubkey <maker_nacl_pub> <pub> <sig>
 *   privmsg T!M!auth <base64(nonce ‖ box)> <pub> <sig>  ---->
 *          <------------  privmsg M!T!ioauth <base64(nonce ‖ box)> <pub> <sig>
 *   privmsg T!M!tx <base64(nonce ‖ box)> <pub> <sig>    ---->
 *          <------------  privmsg M!T!sig <base64(nonce ‖ box)> <pub> <sig>   (one per input)
 * ```
 * Public offers go out as `M!PUBLIC!sw0reloffer …` and are withdrawn with `!cancel <oid>`. Message
 * signing (`<pub> <sig>`) and the envelope belong to the directory wire layer; here a message
 * body is the text after `FROM!TO!` (no leading `!`), as in the directory layer's `MessageLine`.
 *
 * @module
 */
export {
  OFFER_TYPES,
  SW0_OFFER_TYPES,
  ENCRYPTED_COMMANDS,
  MAX_SATS,
  DEFAULT_ORDERBOOK_TIMEOUT_MS,
  DEFAULT_ORDERBOOK_MIN_WAIT_MS,
  DEFAULT_ORDERBOOK_QUIET_PERIOD_MS,
  DEFAULT_RESPONSE_TIMEOUT_MS,
} from './constants.js';
export {
  parseOffer,
  parseOfferWords,
  validateOffer,
  formatOffer,
  isOfferType,
  isRelativeOffer,
  type Offer,
  type OfferType,
} from './offer.js';
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
} from './command-chain.js';
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
} from './fidelity-bond.js';
export {
  bitcoinMessageHashBytes,
  signBitcoinMessageBytes,
  verifyBitcoinMessageBytes,
  publicKeyOf,
} from './bitcoin-message.js';
export {
  EncryptionSession,
  isEncryptedCommand,
  parsePublicKeyHex,
  type EncryptionSessionInit,
  type EncryptedCommand,
} from './encryption.js';
export { EncryptionSessions, type EncryptionSessionsInit } from './encryption-sessions.js';
export { systemClock, type Clock, type TimerHandle } from './clock.js';
export {
  NickTracker,
  type NickTrackerInit,
  type NickTrackerEvents,
  type NickTrackerStats,
} from './nick-tracker.js';
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
} from './orderbook-collector.js';
export {
  ResponseCollector,
  type ResponseCollectorInit,
  type ResponseCollectorStats,
  type IncomingPrivmsg,
  type MakerResponse,
  type PushOutcome,
} from './response-collector.js';
export {
  RequestDeduplicator,
  type RequestDeduplicatorInit,
  type RequestDeduplicatorStats,
} from './request-deduplicator.js';
export {
  ChannelPolicy,
  parseChannel,
  directoryChannel,
  type Channel,
  type RouteView,
  type ChannelPolicyInit,
  type ChannelPolicyStats,
} from './channel-policy.js';
export { MultiDirectoryCore } from './multi-directory-core.js';
export {
  type MultiDirectoryCoreInit,
  type MultiDirectoryCoreEvents,
  type MultiDirectoryCoreStats,
  type FetchOrderbookOptions,
  type SendPrivmsgOptions,
  type WaitForResponsesOptions,
} from './multi-directory-options.js';
export { type DirectoryPort, type DirectPort, type PeerlistChange, type SendResult } from './ports.js';
export { ResponseInbox, type ResponseInboxInit } from './response-inbox.js';
