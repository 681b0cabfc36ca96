/**
 * The orderbook as JSON in the shape of the reference's ob-watcher (`GET /orderbook.json`):
 *
 * ```
 * { "offers": [ { "counterparty", "oid", "ordertype", "minsize", "maxsize", "txfee",
 *                 "cjfee", "fidelity_bond_value" } ],
 *   "fidelitybonds": [ { "counterparty", "utxo": { "txid", "vout" }, "bond_value", "locktime",
 *                        "amount", "script", "utxo_confirmations",
 *                        "utxo_confirmation_timestamp", "utxo_pub", "cert_expiry" } ] }
 * ```
 * `cjfee` is a number (sats) for absolute offers and the decimal text for relative ones, as
 * ob-watcher writes them. ob-watcher leaves bonds that fail its chain checks out of the list; we
 * keep them, with `bond_value` 0, `status` and `reason` saying why (fields ob-watcher does not
 * have), so a reader can show an invalid bond as invalid.
 *
 * @module
 */
import type { FidelityBondProof } from './fidelity-bond.js';
import { isRelativeOffer } from './offer.js';
import type { OrderbookEntry } from './orderbook-collector.js';

/** One offer row of {@link OrderbookJson}. */
export interface OrderbookJsonOffer {
  counterparty: string;
  oid: number;
  /** The offer command, for example `sw0reloffer`. */
  ordertype: string;
  minsize: number;
  maxsize: number;
  txfee: number;
  /** Sats (a number) for absolute offers; the decimal fraction as text for relative ones. */
  cjfee: number | string;
  /** The maker's bond value (JoinMarket's formula); 0 without a valid bond. */
  fidelity_bond_value: number;
}

/** Why a bond is not counted. */
export type BondInvalidReason =
  | 'utxo-missing'
  | 'utxo-spent'
  | 'unconfirmed'
  | 'script-mismatch'
  | 'cert-expired'
  | 'duplicate-utxo'
  | 'chain-error';

/** What the chain said about one bond (see `checkBond`). */
export interface BondAssessment {
  /** `valid` counted; `invalid` failed a check (`reason`); `unchecked` no chain view was asked. */
  status: 'valid' | 'invalid' | 'unchecked';
  /** Why the bond is invalid. */
  reason?: BondInvalidReason;
  /** JoinMarket's bond value; 0 unless valid. */
  value: number;
  /** The UTXO's value in sats, when it was found. */
  amount?: number;
  /** The UTXO's output script (hex), when it was found. */
  script?: string;
  /** Confirmations of the UTXO, when it was found. */
  confirmations?: number;
  /** Timestamp (s) of the block that confirmed the UTXO, when known. */
  confirmationTime?: number;
}

/** One bond row of {@link OrderbookJson}. */
export interface OrderbookJsonBond {
  counterparty: string;
  utxo: { txid: string; vout: number };
  bond_value: number;
  locktime: number;
  /** UTXO value in sats; null when the UTXO was not found or not looked up. */
  amount: number | null;
  /** UTXO output script (hex); null when not found. */
  script: string | null;
  utxo_confirmations: number | null;
  utxo_confirmation_timestamp: number | null;
  /** Compressed public key of the bond output (hex). */
  utxo_pub: string;
  /** Certificate expiry in 2016-block periods. */
  cert_expiry: number;
  /** `valid`, `invalid` or `unchecked` (no chain view). Not in ob-watcher's rows. */
  status: BondAssessment['status'];
  /** Why the bond is invalid. Not in ob-watcher's rows. */
  reason?: BondInvalidReason;
}

/** The whole book in ob-watcher's `/orderbook.json` shape. */
export interface OrderbookJson {
  offers: OrderbookJsonOffer[];
  fidelitybonds: OrderbookJsonBond[];
}

/** A maker's bond and what the chain said about it. */
export interface AssessedBond {
  counterparty: string;
  proof: FidelityBondProof;
  assessment: BondAssessment;
}

/** An offer row in ob-watcher's shape; `bondValue` is the maker's bond value (0 without one). */
export function offerToJson(entry: OrderbookEntry, bondValue = 0): OrderbookJsonOffer {
  return {
    counterparty: entry.counterparty,
    oid: entry.oid,
    ordertype: entry.type,
    minsize: entry.minsize,
    maxsize: entry.maxsize,
    txfee: entry.txfee,
    cjfee: isRelativeOffer(entry.type) ? entry.cjfee : Number(entry.cjfee),
    fidelity_bond_value: bondValue,
  };
}

/** A bond row in ob-watcher's shape, with our `status` and `reason`. */
export function bondToJson(bond: AssessedBond): OrderbookJsonBond {
  const { proof, assessment: a } = bond;
  const row: OrderbookJsonBond = {
    counterparty: bond.counterparty,
    utxo: { txid: proof.txid, vout: proof.vout },
    bond_value: a.status === 'valid' ? a.value : 0,
    locktime: proof.locktime,
    amount: a.amount ?? null,
    script: a.script ?? null,
    utxo_confirmations: a.confirmations ?? null,
    utxo_confirmation_timestamp: a.confirmationTime ?? null,
    utxo_pub: Buffer.from(proof.utxoPubkey).toString('hex'),
    cert_expiry: proof.certExpiry,
    status: a.status,
  };
  if (a.reason !== undefined) row.reason = a.reason;
  return row;
}

/**
 * Builds the whole JSON book from merged offers and the assessed bonds (one per maker).
 *
 * @example
 * ```ts
 * const json = toOrderbookJson(result.offers, bonds);
 * response.end(JSON.stringify(json));
 * ```
 */
export function toOrderbookJson(
  offers: readonly OrderbookEntry[],
  bonds: readonly AssessedBond[] = [],
): OrderbookJson {
  const values = new Map<string, number>();
  for (const b of bonds) if (b.assessment.status === 'valid') values.set(b.counterparty, b.assessment.value);
  return {
    offers: offers.map((o) => offerToJson(o, values.get(o.counterparty) ?? 0)),
    fidelitybonds: bonds.map(bondToJson),
  };
}
