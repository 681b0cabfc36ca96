import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, isPeerwayError } from '../../../src/core/index.js';
import { fidelityBondValue } from '../../../src/directory/market/bond-value.js';
import { bondOutputScript, bondWitnessScript } from '../../../src/directory/market/bond-script.js';
import { parseBondProof } from '../../../src/directory/market/fidelity-bond.js';

// The reference's own test (test/jmclient/test_wallet.py, test_calculate_timelocked_fidelity_bond_value)
// calls the formula with interest 0.01 and its default exponent, with this YEAR (sic: 356.25 days).
const REF_YEAR = 60 * 60 * 24 * 356.25;
const EPSILON = 0.000001;
const ref = (locktime: number, current: number): number =>
  fidelityBondValue({
    utxoValue: 100_000_000,
    confirmationTime: 0,
    locktime,
    currentTime: current,
    interestRate: 0.01,
  });

test('bond value: the reference test vectors (flat before the locktime, falling after, rising with the lock, capped far out)', () => {
  const flat = [0, 1, 2, 3].map((y) => ref(6 * REF_YEAR, y * REF_YEAR));
  for (let i = 0; i + 1 < flat.length; i++)
    assert.ok(Math.abs(flat[i]! - flat[i + 1]!) < EPSILON, `flat ${i}`);
  assert.ok(flat[0]! > 0, 'a bond locked for years has value');

  const after = [0, 1, 2, 3, 4].map((y) => ref(6 * REF_YEAR, (6 + y) * REF_YEAR));
  for (let i = 0; i + 1 < after.length; i++) assert.ok(after[i + 1]! - after[i]! < 0, `falls after ${i}`);

  const longer = [0, 1, 2, 3, 4].map((y) => ref(y * REF_YEAR, 0));
  const ratio = longer.slice(0, -1).map((v, i) => v / longer[i + 1]!);
  for (let i = 0; i + 1 < ratio.length; i++) assert.ok(ratio[i]! - ratio[i + 1]! < 0, `ratio ${i}`);

  const far = [0, 1, 2, 3, 4].map((y) => ref((200 + y) * REF_YEAR, 0));
  for (let i = 0; i + 1 < far.length; i++)
    assert.ok(Math.abs(far[i]! - far[i + 1]!) < EPSILON, `capped ${i}`);
  // Capped at the value of burned coins: a = 1, so (value * 1) ^ 1.3.
  assert.ok(Math.abs(far[0]! - Math.pow(100_000_000, 1.3)) < 1, 'cap is the burned-coin value');
});

test('bond value: a concrete vector (50,000 sat, locked 500,000 s, 50,000 s in) and the defaults 0.015 / 1.3', () => {
  const conf = 1723864595;
  const v = fidelityBondValue({
    utxoValue: 50_000,
    confirmationTime: conf,
    locktime: conf + 500_000,
    currentTime: conf + 50_000,
  });
  assert.ok(Math.abs(v - 24.9738) < 0.0001, `value ${v}`);
  // Worked by hand from the formula: a = e^(0.015 * 500000 / YEAR) - 1.
  const year = 60 * 60 * 24 * 365.2425;
  const a = Math.exp((0.015 * 500_000) / year) - 1;
  assert.equal(v, Math.pow(50_000 * a, 1.3));
  // Past the lock the value falls to zero once the decay term reaches the time value.
  assert.equal(
    fidelityBondValue({
      utxoValue: 50_000,
      confirmationTime: conf,
      locktime: conf + 500_000,
      currentTime: conf + 10 * year,
    }),
    0,
  );
});

interface Vector {
  case: string;
  valid: boolean;
  makerNick: string;
  takerNick: string;
  proof: string;
  certPubkey: string;
  utxoPubkey: string;
  certExpiry: number;
  txid: string;
  vout: number;
  locktime: number;
}
const vectors = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../fixtures/joinmarket-bond-proof-vectors.json'), 'utf8'),
  ) as {
    vectors: Vector[];
  }
).vectors;

test('tbond: the reference six fidelity-bond proof vectors', () => {
  assert.equal(vectors.length, 6);
  for (const v of vectors) {
    const nicks = { takerNick: v.takerNick, makerNick: v.makerNick };
    if (v.valid) {
      const proof = parseBondProof(v.proof, nicks);
      assert.equal(proof.txid, v.txid, v.case);
      assert.equal(proof.vout, v.vout, v.case);
      assert.equal(proof.locktime, v.locktime, v.case);
      assert.equal(proof.certExpiry, v.certExpiry, v.case);
      assert.equal(Buffer.from(proof.utxoPubkey).toString('hex'), v.utxoPubkey, v.case);
      assert.equal(Buffer.from(proof.certPubkey).toString('hex'), v.certPubkey, v.case);
      // Bound to the taker: the same proof for another taker fails.
      assert.throws(() => parseBondProof(v.proof, { ...nicks, takerNick: v.makerNick }), v.case);
    } else {
      assert.throws(
        () => parseBondProof(v.proof, nicks),
        (err) =>
          isPeerwayError(err, ErrorCodes.ORDERBOOK_BOND_INVALID) ||
          isPeerwayError(err, ErrorCodes.ORDERBOOK_BOND_SIGNATURE),
        v.case,
      );
    }
  }
});

test('bond script: <locktime> CLTV DROP <pub> CHECKSIG, and its P2WSH output', () => {
  const pub = Buffer.from('02f54f027377e84171296453828aa863c23fc4489453025f49bd3addfb3a359b3d', 'hex');
  // 1640995200 = 0x61cf9980: four bytes little-endian, top bit clear.
  assert.equal(
    bondWitnessScript(pub, 1640995200).toString('hex'),
    '048099cf61b17521' + pub.toString('hex') + 'ac',
  );
  // 0x80000000 needs a fifth byte so the number stays positive.
  assert.equal(bondWitnessScript(pub, 0x8000_0000).subarray(0, 6).toString('hex'), '050000008000');
  assert.equal(bondWitnessScript(pub, 5)[0], 0x55, 'small numbers are OP_n');
  const out = bondOutputScript(pub, 1640995200);
  assert.equal(out.length, 34);
  assert.equal(out.subarray(0, 2).toString('hex'), '0020');
  assert.throws(
    () => bondWitnessScript(pub.subarray(1), 1),
    (err) => isPeerwayError(err, ErrorCodes.ORDERBOOK_BOND_INVALID),
  );
  assert.throws(
    () => bondWitnessScript(pub, -1),
    (err) => isPeerwayError(err, ErrorCodes.ORDERBOOK_BOND_INVALID),
  );
});
