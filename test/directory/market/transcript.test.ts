// The recorded maker and client lines from the reference run are understood by this layer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formatOfferMessage,
  parseOfferMessage,
  splitCommands,
} from '../../../src/directory/market/command-chain.js';
import { verifyBitcoinMessageBytes } from '../../../src/directory/wire/bitcoin-message.js';

const lines = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/orderbook-transcript-lines.json'), 'utf8'),
) as Record<string, string>;

/** What the directory layer does: from, to, and the body after them. */
function split(line: string): { from: string; to: string; body: string } {
  const [from = '', to = '', ...rest] = line.split('!');
  return { from, to, body: rest.join('!') };
}

/** Privmsg bodies end with `<pub> <sig>` over the data after the command word. */
function unsign(body: string): { body: string; data: string; pub: string; sig: string } {
  const words = body.split(' ');
  const sig = words.pop()!;
  const pub = words.pop()!;
  return { body: words.join(' '), data: words.slice(1).join(' '), pub, sig };
}

test('transcript: the maker pubmsg offer parses and prints back identically', () => {
  const { from, to, body } = split(lines.makerPubmsg!);
  assert.equal(from, 'J59jAPxM5B4KxDZN');
  assert.equal(to, 'PUBLIC');
  const msg = parseOfferMessage(body);
  assert.equal(msg.offers.length, 1);
  assert.equal(formatOfferMessage(msg.offers), body);
});

test('transcript: our taker and the reference client ask for the orderbook the same way', () => {
  for (const key of ['takerOrderbookPubmsg', 'referenceClientOrderbookPubmsg']) {
    assert.equal(parseOfferMessage(split(lines[key]!).body).orderbookRequest, true);
  }
});

test('transcript: the signed privmsg offer verifies and parses once the signature is removed', () => {
  const { to, body } = split(lines.makerOfferPrivmsg!);
  assert.equal(to, 'J558BReKK6vTwxF4');
  const signed = unsign(body);
  const message = Buffer.from(signed.data + lines.hostid!, 'utf8');
  assert.ok(
    verifyBitcoinMessageBytes(message, Buffer.from(signed.sig, 'base64'), Buffer.from(signed.pub, 'hex')),
  );
  const tampered = Buffer.from(signed.data.replace('27300', '27301') + lines.hostid!, 'utf8');
  assert.ok(
    !verifyBitcoinMessageBytes(tampered, Buffer.from(signed.sig, 'base64'), Buffer.from(signed.pub, 'hex')),
  );
  assert.equal(parseOfferMessage(signed.body).offers[0]!.maxsize, 1000000);
});

test('transcript: the signed fill verifies and splits into its four arguments', () => {
  const signed = unsign(split(lines.takerFillPrivmsg!).body);
  const message = Buffer.from(signed.data + lines.hostid!, 'utf8');
  assert.ok(
    verifyBitcoinMessageBytes(message, Buffer.from(signed.sig, 'base64'), Buffer.from(signed.pub, 'hex')),
  );
  const [fill] = splitCommands(signed.body);
  assert.equal(fill!.name, 'fill');
  assert.equal(fill!.args.length, 4);
  assert.equal(fill!.args[2]!.length, 64, 'taker NaCl key as hex');
});
