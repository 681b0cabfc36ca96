import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError } from '../../../src/core/index.js';
import {
  formatCancelMessage,
  formatOfferMessage,
  joinCommands,
  parseOfferMessage,
  splitCommands,
  bodyToPrivmsg,
  privmsgToBody,
} from '../../../src/directory/market/command-chain.js';
import { offerArbitrary } from './arbitraries.js';

test('chain: a maker answer with two offers and a bond proof', () => {
  const body = 'sw0reloffer 0 27300 1000000 0 0.00002!sw0absoffer 1 5000 90000 0 250!tbond QUJD';
  const msg = parseOfferMessage(body);
  assert.equal(msg.offers.length, 2);
  assert.equal(msg.offers[1]!.type, 'sw0absoffer');
  assert.equal(msg.bondProof, 'QUJD');
  assert.equal(msg.orderbookRequest, false);
  assert.deepEqual(msg.rejected, []);
  assert.equal(formatOfferMessage(msg.offers, 'QUJD'), body);
});

test('chain: one bad offer is reported and does not spoil the others', () => {
  const msg = parseOfferMessage('sw0reloffer 0 5 1 0 0.1!sw0reloffer 1 1 5 0 0.1');
  assert.deepEqual(
    msg.offers.map((o) => o.oid),
    [1],
  );
  assert.equal(msg.rejected.length, 1);
  assert.equal(msg.rejected[0]!.error.code, ErrorCodes.ORDERBOOK_OFFER_INVALID);
});

test('chain: cancels, orderbook requests and the double-orderbook guard', () => {
  assert.equal(formatCancelMessage([0, 3]), 'cancel 0!cancel 3');
  assert.deepEqual(parseOfferMessage('cancel 0!cancel 3').cancels, [0, 3]);
  assert.equal(parseOfferMessage('cancel x').rejected.length, 1);
  assert.equal(parseOfferMessage('orderbook').orderbookRequest, true);
  assert.equal(parseOfferMessage('orderbook!orderbook').orderbookRequest, false);
  // A stray leading `!` only adds an empty command, as in the reference's own split.
  assert.equal(parseOfferMessage('!orderbook').orderbookRequest, true);
  assert.equal(parseOfferMessage('!sw0reloffer 0 1 2 0 0.1').offers.length, 1);
});

test('chain: split and join are inverse', () => {
  const cmds = splitCommands('fill 0 500000 abab Pcdcd!hp2 ff');
  assert.deepEqual(cmds, [
    { name: 'fill', args: ['0', '500000', 'abab', 'Pcdcd'] },
    { name: 'hp2', args: ['ff'] },
  ]);
  assert.equal(joinCommands(cmds), 'fill 0 500000 abab Pcdcd!hp2 ff');
});

test('chain: bodies past the limits throw the typed error', () => {
  const tooLong = (err: unknown) => isPeerwayError(err, ErrorCodes.ORDERBOOK_MESSAGE_TOO_LONG);
  assert.throws(() => splitCommands('a'.repeat(40_001)), tooLong);
  assert.throws(() => splitCommands('a!'.repeat(1000) + 'a'), tooLong);
  assert.equal(splitCommands('a!'.repeat(999) + 'a').length, 1000);
});

test('chain property: offers survive format then parse', () => {
  fc.assert(
    fc.property(fc.array(offerArbitrary, { maxLength: 20 }), (offers) => {
      const msg = parseOfferMessage(formatOfferMessage(offers));
      assert.deepEqual(msg.offers, offers);
      assert.equal(msg.bondProof, undefined);
    }),
  );
});

test('chain property: arbitrary bodies never throw anything but the size error', () => {
  const body = fc.array(
    fc.oneof(fc.constantFrom('!', ' ', 'sw0reloffer', 'cancel', 'tbond', 'orderbook', '0', '1'), fc.string()),
    {
      maxLength: 30,
    },
  );
  fc.assert(
    fc.property(body, (parts) => {
      const msg = parseOfferMessage(parts.join(''));
      for (const offer of msg.offers) assert.ok(offer.minsize <= offer.maxsize);
    }),
    { numRuns: 2000 },
  );
});

test('chain: a body cuts into privmsg command and signed data, and back', () => {
  const body = 'sw0reloffer 0 27300 1000000 0 0.00002!tbond QUJD';
  const parts = bodyToPrivmsg(body);
  assert.deepEqual(parts, { command: 'sw0reloffer', data: '0 27300 1000000 0 0.00002!tbond QUJD' });
  assert.equal(privmsgToBody(parts.command, parts.data), body);
  assert.deepEqual(bodyToPrivmsg('orderbook'), { command: 'orderbook', data: '' });
  assert.equal(privmsgToBody('!orderbook', ''), 'orderbook');
});

test('chain property: privmsg parts round-trip every body that starts with a command word', () => {
  fc.assert(
    fc.property(fc.stringMatching(/^[a-z0-9]{1,12}$/), fc.string(), (command, data) => {
      const body = privmsgToBody(command, data);
      const parts = bodyToPrivmsg(body);
      assert.equal(privmsgToBody(parts.command, parts.data), body);
      assert.equal(parts.command, command);
    }),
  );
});
