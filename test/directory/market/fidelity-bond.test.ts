import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError } from '../../../src/core/index.js';
import {
  bondCertMessage,
  createBondProof,
  decodeBondProof,
  encodeBondProof,
  parseBondProof,
  signBondCertificate,
  verifyBondProof,
  type FidelityBondProof,
} from '../../../src/directory/market/fidelity-bond.js';
import { publicKeyOf, signBitcoinMessageBytes } from '../../../src/directory/wire/bitcoin-message.js';

interface Fixture {
  takerNick: string;
  makerNick: string;
  proof: string;
  certPubkey: string;
  utxoPubkey: string;
  certExpiry: number;
  txid: string;
  vout: number;
  locktime: number;
  nickSignatureDer: string;
  certSignatureDer: string;
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/orderbook-bond-proof.json'), 'utf8'),
) as Fixture;
const nicks = { takerNick: fixture.takerNick, makerNick: fixture.makerNick };
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const secret = (n: bigint): Uint8Array => Buffer.from(n.toString(16).padStart(64, '0'), 'hex');
const invalid = (err: unknown): boolean => isPeerwayError(err, ErrorCodes.ORDERBOOK_BOND_INVALID);
const badSig = (which: string) => (err: unknown) =>
  isPeerwayError(err, ErrorCodes.ORDERBOOK_BOND_SIGNATURE) && err.details?.which === which;

test('tbond: the fixture proof decodes into its fields and verifies', () => {
  const proof = parseBondProof(fixture.proof, nicks);
  assert.equal(hex(proof.certPubkey), fixture.certPubkey);
  assert.equal(hex(proof.utxoPubkey), fixture.utxoPubkey);
  assert.equal(proof.certExpiry, fixture.certExpiry);
  assert.equal(proof.txid, fixture.txid);
  assert.equal(proof.vout, fixture.vout);
  assert.equal(proof.locktime, fixture.locktime);
  assert.equal(hex(proof.nickSignature), fixture.nickSignatureDer);
  assert.equal(hex(proof.certSignature), fixture.certSignatureDer);
  assert.equal(encodeBondProof(proof), fixture.proof);
});

test('tbond: building the fixture proof again gives the same bytes (deterministic signatures)', () => {
  const certSecretKey = secret(0xc3c3n);
  const certPubkey = publicKeyOf(certSecretKey);
  const proof = createBondProof(
    {
      certSecretKey,
      certPubkey,
      certSignature: signBondCertificate(secret(0xb0dn), certPubkey, fixture.certExpiry),
      certExpiry: fixture.certExpiry,
      utxoPubkey: publicKeyOf(secret(0xb0dn)),
      txid: fixture.txid,
      vout: fixture.vout,
      locktime: fixture.locktime,
    },
    nicks,
  );
  assert.equal(proof, fixture.proof);
});

test('tbond: a proof for another taker or maker fails the nick signature', () => {
  assert.throws(
    () => parseBondProof(fixture.proof, { ...nicks, takerNick: 'J5Ckon1LuuapPSBM' }),
    badSig('nick'),
  );
  assert.throws(
    () => parseBondProof(fixture.proof, { takerNick: nicks.makerNick, makerNick: nicks.takerNick }),
    badSig('nick'),
  );
});

test('tbond: a changed expiry or utxo key fails the certificate signature', () => {
  const proof = decodeBondProof(fixture.proof);
  assert.throws(() => verifyBondProof({ ...proof, certExpiry: proof.certExpiry + 1 }, nicks), badSig('cert'));
  assert.throws(
    () => verifyBondProof({ ...proof, utxoPubkey: publicKeyOf(secret(7n)) }, nicks),
    badSig('cert'),
  );
});

test('tbond: a certificate signed over the hex form of the key is accepted too', () => {
  const proof = decodeBondProof(fixture.proof);
  const asciiCert = signBitcoinMessageBytes(
    bondCertMessage(proof.certPubkey, proof.certExpiry, true),
    secret(0xb0dn),
  );
  verifyBondProof({ ...proof, certSignature: asciiCert }, nicks);
});

test('tbond: wrong length, bad base64 or a missing DER header are typed decode errors', () => {
  const bytes = Buffer.from(fixture.proof, 'base64');
  assert.throws(() => decodeBondProof(bytes.subarray(0, 251).toString('base64')), invalid);
  assert.throws(() => decodeBondProof(Buffer.concat([bytes, Buffer.from([0])]).toString('base64')), invalid);
  assert.throws(() => decodeBondProof('not base64!'), invalid);
  assert.throws(() => decodeBondProof(''), invalid);
  const noHeader = Buffer.from(bytes);
  noHeader.fill(0xff, 0, 72);
  assert.throws(() => decodeBondProof(noHeader.toString('base64')), invalid);
});

const proofArbitrary: fc.Arbitrary<FidelityBondProof> = fc.record({
  nickSignature: fc.uint8Array({ minLength: 1, maxLength: 71 }).map((b) => Uint8Array.from([0x30, ...b])),
  certSignature: fc.uint8Array({ minLength: 1, maxLength: 71 }).map((b) => Uint8Array.from([0x30, ...b])),
  certPubkey: fc.uint8Array({ minLength: 33, maxLength: 33 }),
  certExpiry: fc.integer({ min: 0, max: 0xffff }),
  utxoPubkey: fc.uint8Array({ minLength: 33, maxLength: 33 }),
  txid: fc.uint8Array({ minLength: 32, maxLength: 32 }).map(hex),
  vout: fc.integer({ min: 0, max: 0xffffffff }),
  locktime: fc.integer({ min: 0, max: 0xffffffff }),
});

test('tbond property: encode then decode is the identity', () => {
  fc.assert(
    fc.property(proofArbitrary, (proof) => {
      const decoded = decodeBondProof(encodeBondProof(proof));
      assert.deepEqual(
        { ...decoded, nickSignature: hex(decoded.nickSignature), certSignature: hex(decoded.certSignature) },
        { ...proof, nickSignature: hex(proof.nickSignature), certSignature: hex(proof.certSignature) },
      );
    }),
  );
});

test('tbond property: arbitrary input decodes or throws the typed error, and never verifies', () => {
  const input = fc.oneof(
    fc.uint8Array({ minLength: 252, maxLength: 252 }).map((b) => Buffer.from(b).toString('base64')),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('base64')),
    fc.string({ maxLength: 400 }),
  );
  fc.assert(
    fc.property(input, (text) => {
      let proof: FidelityBondProof;
      try {
        proof = decodeBondProof(text);
      } catch (err) {
        assert.ok(invalid(err), String(err));
        return;
      }
      assert.throws(
        () => verifyBondProof(proof, nicks),
        (err) => isPeerwayError(err, ErrorCodes.ORDERBOOK_BOND_SIGNATURE),
      );
    }),
    { numRuns: 500 },
  );
});
