/**
 * JoinMarket's fidelity-bond value: the time value of coins locked from confirmation until the
 * locktime, decaying after the lock ends, raised to an exponent that favours one large bond over
 * many small ones.
 *
 * ```
 *  T = (locktime - confirmationTime) / YEAR      L = locktime / YEAR      t = currentTime / YEAR
 *  a = max(0, min(1, e^(r*T) - 1) - min(1, e^(r * max(0, t - L)) - 1))
 *  value = (utxoValue * a) ^ exponent
 * ```
 * with YEAR the Gregorian year in seconds, r the yearly interest rate (0.015) and the exponent
 * 1.3: the reference's `calculate_timelocked_fidelity_bond_value` and the defaults of its
 * `[POLICY]` section (`interest_rate`, `bond_value_exponent`).
 *
 * @module
 */
import { BOND_VALUE_EXPONENT, BOND_INTEREST_RATE, GREGORIAN_YEAR_SECONDS } from './constants.js';

/** Inputs of {@link fidelityBondValue}. */
export interface BondValueInput {
  /** The bond output's value in sats. */
  utxoValue: number;
  /** Time (unix seconds) of the block that confirmed the output. */
  confirmationTime: number;
  /** The bond's locktime (unix seconds). */
  locktime: number;
  /** Now, as the chain sees it (the reference uses the tip's median time past). */
  currentTime: number;
  /** Yearly interest rate. @default 0.015 */
  interestRate?: number;
  /** Exponent applied to the time value. @default 1.3 */
  exponent?: number;
}

/**
 * The value of a time-locked fidelity bond by JoinMarket's formula.
 *
 * @example
 * ```ts
 * fidelityBondValue({ utxoValue: 50_000, confirmationTime: 1723864595,
 *   locktime: 1723864595 + 500_000, currentTime: 1723864595 + 50_000 });   // about 24.9738
 * ```
 */
export function fidelityBondValue(input: BondValueInput): number {
  const r = input.interestRate ?? BOND_INTEREST_RATE;
  const exponent = input.exponent ?? BOND_VALUE_EXPONENT;
  const T = (input.locktime - input.confirmationTime) / GREGORIAN_YEAR_SECONDS;
  const L = input.locktime / GREGORIAN_YEAR_SECONDS;
  const t = input.currentTime / GREGORIAN_YEAR_SECONDS;
  const a = Math.max(0, Math.min(1, Math.exp(r * T) - 1) - Math.min(1, Math.exp(r * Math.max(0, t - L)) - 1));
  return Math.pow(input.utxoValue * a, exponent);
}
