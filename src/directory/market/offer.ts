/**
 * Offer commands: `sw0reloffer oid minsize maxsize txfee cjfee` and its five siblings. Parsing is
 * strict about numbers (plain decimal digits, no sign, no spaces) and keeps the fee's text exactly,
 * so printing a parsed offer gives back the maker's own bytes.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { MAX_NUMBER_FIELD_LENGTH, MAX_OID, MAX_SATS, OFFER_TYPES } from './constants.js';

/** One of the six offer command names. */
export type OfferType = (typeof OFFER_TYPES)[number];

/** A maker's offer, as announced on the wire. */
export interface Offer {
  /** The command name, for example `sw0reloffer`. */
  type: OfferType;
  /** The maker's order id. */
  oid: number;
  /** Smallest CoinJoin amount the maker accepts, in sats. */
  minsize: number;
  /** Largest CoinJoin amount the maker accepts, in sats. */
  maxsize: number;
  /** The maker's contribution to the miner fee, in sats. */
  txfee: number;
  /**
   * The CoinJoin fee exactly as written: a decimal fraction for relative offers (`0.00002`),
   * whole sats for absolute ones (`250`).
   */
  cjfee: string;
}

const OFFER_TYPE_SET: ReadonlySet<string> = new Set(OFFER_TYPES);
const DIGITS = /^[0-9]+$/;
// Python's Decimal accepts these forms and the reference stores str(Decimal(cjfee)); we refuse a
// sign, infinities and NaN, which no honest maker sends.
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?$/;

/** True for the six offer command names. */
export function isOfferType(name: string): name is OfferType {
  return OFFER_TYPE_SET.has(name);
}

/** True for the relative-fee offer types (`*reloffer`). */
export function isRelativeOffer(type: OfferType): boolean {
  return type.endsWith('reloffer');
}

function invalid(message: string, details: Record<string, unknown>): PeerwayError {
  return new PeerwayError(ErrorCodes.ORDERBOOK_OFFER_INVALID, message, { details });
}

function parseInteger(field: string | undefined, name: string, max: number): number {
  if (field === undefined) throw invalid(`offer is missing ${name}`, { field: name });
  if (field.length > MAX_NUMBER_FIELD_LENGTH || !DIGITS.test(field)) {
    throw invalid(`offer ${name} is not a plain non-negative integer`, { field: name });
  }
  const value = Number(field);
  if (!Number.isSafeInteger(value) || value > max) {
    throw invalid(`offer ${name} is out of range`, { field: name, max });
  }
  return value;
}

function checkFee(type: OfferType, cjfee: string | undefined): string {
  if (cjfee === undefined) throw invalid('offer is missing cjfee', { field: 'cjfee' });
  if (isRelativeOffer(type)) {
    if (cjfee.length > MAX_NUMBER_FIELD_LENGTH || !DECIMAL.test(cjfee)) {
      throw invalid('relative offer cjfee is not a decimal fraction', { field: 'cjfee' });
    }
    return cjfee;
  }
  parseInteger(cjfee, 'cjfee', MAX_SATS);
  return cjfee;
}

/**
 * Parses the words of one offer command: `[type, oid, minsize, maxsize, txfee, cjfee]`. Words after
 * the sixth are ignored, as the reference does.
 *
 * @throws PeerwayError ERR_ORDERBOOK_OFFER_INVALID naming the bad field.
 * @example
 * ```ts
 * parseOfferWords('sw0reloffer 0 27300 1000000 0 0.00002'.split(' '));
 * // { type: 'sw0reloffer', oid: 0, minsize: 27300, maxsize: 1000000, txfee: 0, cjfee: '0.00002' }
 * ```
 */
export function parseOfferWords(words: readonly string[]): Offer {
  const [type, oid, minsize, maxsize, txfee, cjfee] = words;
  if (type === undefined || !isOfferType(type)) {
    throw invalid('not an offer command', { command: type?.slice(0, 32) });
  }
  const offer: Offer = {
    type,
    oid: parseInteger(oid, 'oid', MAX_OID),
    minsize: parseInteger(minsize, 'minsize', MAX_SATS),
    maxsize: parseInteger(maxsize, 'maxsize', MAX_SATS),
    txfee: parseInteger(txfee, 'txfee', MAX_SATS),
    cjfee: checkFee(type, cjfee),
  };
  if (offer.minsize > offer.maxsize) {
    throw invalid('offer minsize is larger than maxsize', { field: 'minsize' });
  }
  return offer;
}

/** Parses one offer command from its text (`sw0absoffer 1 5000 90000 0 250`, no leading `!`). */
export function parseOffer(text: string): Offer {
  return parseOfferWords(text.split(' '));
}

/**
 * Checks an offer built in code (a maker's own) with the same rules the parser applies.
 *
 * @throws PeerwayError ERR_ORDERBOOK_OFFER_INVALID
 */
export function validateOffer(offer: Offer): Offer {
  return parseOfferWords(formatOffer(offer).split(' '));
}

/** Prints an offer as its command text without the `!`: `sw0reloffer 0 27300 1000000 0 0.00002`. */
export function formatOffer(offer: Offer): string {
  return `${offer.type} ${offer.oid} ${offer.minsize} ${offer.maxsize} ${offer.txfee} ${offer.cjfee}`;
}
