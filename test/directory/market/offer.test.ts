import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError } from '../../../src/core/index.js';
import { OFFER_TYPES, MAX_SATS } from '../../../src/directory/market/constants.js';
import {
  formatOffer,
  isRelativeOffer,
  parseOffer,
  validateOffer,
  type Offer,
} from '../../../src/directory/market/offer.js';
import { offerArbitrary } from './arbitraries.js';

const invalid = (err: unknown): boolean => isPeerwayError(err, ErrorCodes.ORDERBOOK_OFFER_INVALID);

test('offer: the recorded maker offer parses and prints back byte for byte', () => {
  const text = 'sw0reloffer 0 27300 1000000 0 0.00002';
  const offer = parseOffer(text);
  assert.deepEqual(offer, {
    type: 'sw0reloffer',
    oid: 0,
    minsize: 27300,
    maxsize: 1000000,
    txfee: 0,
    cjfee: '0.00002',
  });
  assert.equal(formatOffer(offer), text);
});

test('offer: every type parses, absolute fees are whole sats', () => {
  for (const type of OFFER_TYPES) {
    const fee = isRelativeOffer(type) ? '0.0003' : '250';
    const offer = parseOffer(`${type} 7 5000 90000 10 ${fee}`);
    assert.equal(offer.type, type);
    assert.equal(offer.cjfee, fee);
  }
  assert.throws(() => parseOffer('sw0absoffer 1 5000 90000 0 0.5'), invalid);
  assert.throws(() => parseOffer('absoffer 1 5000 90000 0 -1'), invalid);
});

test('offer: relative fee formats Python Decimal accepts are kept as written', () => {
  for (const fee of ['0.00002', '2E-5', '2e-05', '.0001', '1.', '0', '0.10']) {
    assert.equal(parseOffer(`sw0reloffer 0 1 2 0 ${fee}`).cjfee, fee);
  }
  for (const fee of ['-0.1', '+0.1', 'NaN', 'Infinity', '0x10', '1e', '', '0.1.2', '1,5']) {
    assert.throws(() => parseOffer(`sw0reloffer 0 1 2 0 ${fee}`), invalid, fee);
  }
});

test('offer: sizes are bounded, ordered and plain integers', () => {
  assert.throws(() => parseOffer('sw0reloffer 0 200 100 0 0.1'), invalid, 'min > max');
  assert.throws(() => parseOffer(`sw0reloffer 0 1 ${MAX_SATS + 1} 0 0.1`), invalid, 'max > 21e14');
  assert.equal(parseOffer(`sw0reloffer 0 ${MAX_SATS} ${MAX_SATS} ${MAX_SATS} 0.1`).maxsize, MAX_SATS);
  for (const bad of ['-1', '+1', '1.0', '1e3', ' 1', '', '0x1', '٣']) {
    assert.throws(() => parseOffer(`sw0reloffer ${bad} 1 2 0 0.1`), invalid, `oid ${bad}`);
  }
  assert.throws(() => parseOffer('sw0reloffer 0 1 2 0'), invalid, 'missing cjfee');
  assert.throws(() => parseOffer('sw0reloffer'), invalid, 'no fields');
  assert.throws(() => parseOffer('fill 0 1 2 0 0.1'), invalid, 'not an offer');
});

test('offer: extra words after cjfee are ignored, as the reference does', () => {
  const offer = parseOffer('sw0reloffer 0 1 2 0 0.1 extra words');
  assert.equal(formatOffer(offer), 'sw0reloffer 0 1 2 0 0.1');
});

test('offer: validateOffer rejects offers built wrongly in code', () => {
  const good: Offer = { type: 'sw0absoffer', oid: 1, minsize: 1, maxsize: 2, txfee: 0, cjfee: '5' };
  assert.deepEqual(validateOffer(good), good);
  assert.throws(() => validateOffer({ ...good, oid: 1.5 }), invalid);
  assert.throws(() => validateOffer({ ...good, minsize: -1 }), invalid);
  assert.throws(() => validateOffer({ ...good, cjfee: '0.1' }), invalid);
});

test('offer property: format then parse is the identity', () => {
  fc.assert(
    fc.property(offerArbitrary, (offer) => {
      assert.deepEqual(parseOffer(formatOffer(offer)), offer);
    }),
  );
});

test('offer property: any text either parses to a printable offer or throws the typed error', () => {
  const words = fc.array(
    fc.oneof(fc.constantFrom(...OFFER_TYPES), fc.string({ maxLength: 12 }), fc.nat().map(String)),
    { maxLength: 8 },
  );
  fc.assert(
    fc.property(words, (parts) => {
      const text = parts.join(' ');
      try {
        const offer = parseOffer(text);
        assert.ok(offer.minsize <= offer.maxsize);
        assert.deepEqual(parseOffer(formatOffer(offer)), offer);
      } catch (err) {
        assert.ok(invalid(err), String(err));
      }
    }),
    { numRuns: 2000 },
  );
});
