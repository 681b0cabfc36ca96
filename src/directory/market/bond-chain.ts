/**
 * Fidelity bonds checked against the chain, as the reference's ob-watcher checks them
 * (`get_validated_timelocked_fidelity_bond_utxo`, then `calculate_timelocked_fidelity_bond_value`):
 *
 * ```
 *  output exists and is unspent ── else utxo-missing / utxo-spent
 *  output is confirmed          ── else unconfirmed
 *  tip height <= cert_expiry * 2016 ── else cert-expired
 *  output script == P2WSH(<locktime> CLTV DROP <utxo_pub> CHECKSIG) ── else script-mismatch
 *  one maker per outpoint       ── else duplicate-utxo (the first maker by nick keeps it)
 *  value = fidelityBondValue(amount, time of the confirming block, locktime, tip median time)
 * ```
 * The chain itself sits behind {@link BondChain}; the node implements it over an Electrum server.
 *
 * @module
 */
import { throwIfAborted, type AbortOptions } from '../../core/index.js';
import { bondOutputScript } from './bond-script.js';
import { fidelityBondValue } from './bond-value.js';
import {
  BOND_INTEREST_RATE,
  BOND_LOOKUP_CONCURRENCY,
  BOND_RETARGET_INTERVAL,
  BOND_VALUE_EXPONENT,
} from './constants.js';
import type { FidelityBondProof } from './fidelity-bond.js';
import type { BondAssessment } from './orderbook-json.js';
import type { BondAssessor, BondToAssess } from './orderbook-watcher.js';

/** What the chain holds at an outpoint. */
export type ChainOutput =
  | {
      state: 'unspent';
      /** Value in sats. */
      value: number;
      /** The output script, hex. */
      script: string;
      /** Height of the confirming block; 0 or less while in the mempool. */
      height: number;
    }
  | { state: 'spent' }
  | { state: 'missing' };

/** The chain's tip. */
export interface ChainTip {
  height: number;
  /** Median time past of the tip (unix seconds): the "now" of the bond formula. */
  medianTime: number;
}

/**
 * The small chain view bond checks need. `lookupOutput` gets the script the output should have,
 * so an index keyed by script (Electrum) can find it; it must report the script actually there.
 */
export interface BondChain {
  /** The current tip. */
  tip(options?: AbortOptions): Promise<ChainTip>;
  /** The output at `txid:vout` (txid in display hex). */
  lookupOutput(
    outpoint: { txid: string; vout: number },
    expectedScript: Uint8Array,
    options?: AbortOptions,
  ): Promise<ChainOutput>;
  /** The timestamp (unix seconds) of the block at `height`. */
  blockTime(height: number, options?: AbortOptions): Promise<number>;
}

/** Options of {@link checkBond} and {@link ChainBondAssessor}. */
export interface BondCheckOptions extends AbortOptions {
  /** Yearly interest rate of the formula. @default 0.015 */
  interestRate?: number;
  /** Exponent of the formula. @default 1.3 */
  exponent?: number;
}

function invalid(
  reason: NonNullable<BondAssessment['reason']>,
  extra: Partial<BondAssessment> = {},
): BondAssessment {
  return { status: 'invalid', reason, value: 0, ...extra };
}

/**
 * Checks one bond against the chain at `tip` and values it. Chain errors (the server failing)
 * reject; a bond that fails a check resolves as `invalid` with its reason.
 */
export async function checkBond(
  proof: FidelityBondProof,
  chain: BondChain,
  tip: ChainTip,
  options: BondCheckOptions = {},
): Promise<BondAssessment> {
  let expected: Buffer;
  try {
    expected = bondOutputScript(proof.utxoPubkey, proof.locktime);
  } catch {
    return invalid('script-mismatch');
  }
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const out = await chain.lookupOutput({ txid: proof.txid, vout: proof.vout }, expected, signal);
  if (out.state === 'missing') return invalid('utxo-missing');
  if (out.state === 'spent') return invalid('utxo-spent');
  const found = { amount: out.value, script: out.script };
  if (out.height <= 0) return invalid('unconfirmed', { ...found, confirmations: 0 });
  const confirmations = tip.height - out.height + 1;
  if (tip.height > proof.certExpiry * BOND_RETARGET_INTERVAL) {
    return invalid('cert-expired', { ...found, confirmations });
  }
  if (out.script.toLowerCase() !== expected.toString('hex')) {
    return invalid('script-mismatch', { ...found, confirmations });
  }
  const confirmationTime = await chain.blockTime(out.height, signal);
  const value = fidelityBondValue({
    utxoValue: out.value,
    confirmationTime,
    locktime: proof.locktime,
    currentTime: tip.medianTime,
    interestRate: options.interestRate ?? BOND_INTEREST_RATE,
    exponent: options.exponent ?? BOND_VALUE_EXPONENT,
  });
  return { status: 'valid', value, ...found, confirmations, confirmationTime };
}

/** Options for {@link ChainBondAssessor}. */
export interface ChainBondAssessorInit extends Omit<BondCheckOptions, 'signal'> {
  /** The chain view. */
  chain: BondChain;
  /** Look-ups run at once. @default 8 */
  concurrency?: number;
}

/**
 * A {@link BondAssessor} over a {@link BondChain}: one tip per round, bonds checked a few at a
 * time, a server error on one bond marks that bond `chain-error`, and an outpoint claimed by two
 * makers counts only for the first (by nick order of the input, which the watcher sorts).
 *
 * @example
 * ```ts
 * const watcher = new OrderbookWatcher({ taker, bonds: new ChainBondAssessor({ chain }) });
 * ```
 */
export class ChainBondAssessor implements BondAssessor {
  readonly #chain: BondChain;
  readonly #concurrency: number;
  readonly #formula: Omit<BondCheckOptions, 'signal'>;

  constructor(init: ChainBondAssessorInit) {
    this.#chain = init.chain;
    this.#concurrency = Math.max(1, init.concurrency ?? BOND_LOOKUP_CONCURRENCY);
    this.#formula = {
      ...(init.interestRate === undefined ? {} : { interestRate: init.interestRate }),
      ...(init.exponent === undefined ? {} : { exponent: init.exponent }),
    };
  }

  /** Checks every bond at the current tip; rejects only when the tip cannot be read. */
  async assess(bonds: readonly BondToAssess[], options: AbortOptions = {}): Promise<BondAssessment[]> {
    const tip = await this.#chain.tip(options);
    const out: BondAssessment[] = new Array<BondAssessment>(bonds.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < bonds.length) {
        throwIfAborted(options.signal, 'bond check');
        const i = next++;
        try {
          out[i] = await checkBond(bonds[i]!.proof, this.#chain, tip, { ...this.#formula, ...options });
        } catch {
          out[i] = invalid('chain-error');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, bonds.length) }, worker));
    const claimed = new Set<string>();
    for (const [i, bond] of bonds.entries()) {
      if (out[i]!.status !== 'valid') continue;
      const outpoint = `${bond.proof.txid}:${bond.proof.vout}`;
      if (claimed.has(outpoint))
        out[i] = invalid('duplicate-utxo', { ...out[i], status: 'invalid', value: 0 });
      claimed.add(outpoint);
    }
    return out;
  }
}
