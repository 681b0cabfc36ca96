// fast-check generators shared by the orderbook tests.
import fc from 'fast-check';
import { OFFER_TYPES, MAX_SATS } from '../../../src/directory/market/constants.js';
import { isRelativeOffer, type Offer } from '../../../src/directory/market/offer.js';

export const offerArbitrary: fc.Arbitrary<Offer> = fc
  .record({
    type: fc.constantFrom(...OFFER_TYPES),
    oid: fc.maxSafeNat(),
    a: fc.integer({ min: 0, max: MAX_SATS }),
    b: fc.integer({ min: 0, max: MAX_SATS }),
    txfee: fc.integer({ min: 0, max: MAX_SATS }),
    abs: fc.integer({ min: 0, max: MAX_SATS }),
    rel: fc.tuple(fc.nat(99), fc.nat(999999)),
  })
  .map(({ type, oid, a, b, txfee, abs, rel }) => ({
    type,
    oid,
    minsize: Math.min(a, b),
    maxsize: Math.max(a, b),
    txfee,
    cjfee: isRelativeOffer(type) ? `${rel[0]}.${String(rel[1]).padStart(6, '0')}` : String(abs),
  }));
