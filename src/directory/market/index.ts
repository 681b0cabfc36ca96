/**
 * directory/market: the JoinMarket market layer above the directory wire: offers, fidelity-bond
 * proofs, the end-to-end encryption of a CoinJoin negotiation, the taker (`MultiDirectoryClient`:
 * nick tracking, orderbook collection, response collection, channel pinning across several
 * directories) and the maker (`MakerClient`). It imports only `../client/index.js` and
 * `../wire/index.js`.
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
export { type Channel } from './channel-policy.js';
export { OFFER_TYPES } from './constants.js';
export { EncryptionSession } from './encryption.js';
export {
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
} from './ioauth.js';
export { formatUtxo, parseUtxo, utxoForm, type Utxo, type UtxoForm } from './utxo.js';
export { NEUTRINO_COMPAT_FEATURE } from './constants.js';
export {
  type BondCertificate,
  createBondProof,
  type FidelityBondProof,
  parseBondProof,
  signBondCertificate,
  verifyBondProof,
} from './fidelity-bond.js';
export {
  MakerClient,
  type MakerClientEvents,
  type MakerClientInit,
  type MakerClientStats,
  type MakerRequest,
} from './maker-client.js';
export {
  MultiDirectoryClient,
  type MultiDirectoryClientInit,
  type MultiFetchOptions,
  type MultiSendOptions,
} from './multi-directory-client.js';
export { formatOffer, type Offer, type OfferType, parseOffer } from './offer.js';
export {
  type OrderbookEndReason,
  type OrderbookEntry,
  type OrderbookProgress,
  type OrderbookResult,
} from './orderbook-collector.js';
export { type MakerResponse } from './response-collector.js';
export { type MultiDirectoryClientEvents, type WaitForResponsesOptions } from './taker-options.js';
export {
  type AssessedBond,
  type BondAssessment,
  type BondInvalidReason,
  type OrderbookJson,
  type OrderbookJsonBond,
  type OrderbookJsonOffer,
  toOrderbookJson,
} from './orderbook-json.js';
export {
  type BondAssessor,
  type BondToAssess,
  type OfferRemovalReason,
  OrderbookWatcher,
  type OrderbookWatcherEvents,
  type OrderbookWatcherInit,
  type OrderbookWatcherStats,
  type WatcherRefresh,
} from './orderbook-watcher.js';
export { type BondValueInput, fidelityBondValue } from './bond-value.js';
export { bondOutputScript, bondWitnessScript } from './bond-script.js';
export {
  type BondChain,
  type BondCheckOptions,
  ChainBondAssessor,
  type ChainBondAssessorInit,
  type ChainOutput,
  type ChainTip,
  checkBond,
} from './bond-chain.js';
