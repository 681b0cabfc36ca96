import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  formatSignedPrivmsg,
  parseMessageLine,
  splitPrivmsg,
  verifyPrivmsg,
} from '../../src/directory/wire/message-line.js';
import { bitcoinMessageHash, verifyBitcoinMessage } from '../../src/directory/wire/message-signature.js';
import { NickIdentity, nickFromPublicKey, nickMatchesPublicKey } from '../../src/directory/wire/nick.js';
import { isPeerwayError } from '../../src/core/index.js';
import { envelopeOf, loadTranscripts } from './transcripts.js';

const VECTORS: Array<[bigint, string, string]> = [
  [1n, 'J5Ckon1LuuapPSBM', '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'],
  [0xa11cen, 'J59jAPxM5B4KxDZN', '02a64db41e2968c849c2a5615ba0d6e816734a6d3e6ea6ecd6f3acb7d59daa9102'],
  [0xb0bn, 'J558BReKK6vTwxF4', '035d45cb81aa765d69ca52e3869491ecf0e8fdf6a63d64e65b5213647ee4973ae5'],
  // Keys of the other recorded peers (their nicks appear in the transcript handshakes).
  [0xcn, 'J5B8h8DsGvW3ZFQb', ''],
  [0xdn, 'J53n17ZgMqKDyHLW', ''],
  [0xen, 'J5CCfpVenWyTAdUp', ''],
  [0x6n, 'J55dE4UhFVK8d4FC', ''],
  [0x99n, 'J5CRcwVBsAhZhGpP', ''],
  [0x98n, 'J56Gzjcjvy88iiu8', ''],
  [0x97n, 'J5E78oGt6Gz5xaE7', ''],
  [0x96n, 'J52ZgHDjnZjcsfSr', ''],
  [0x95n, 'J5DTB1ys1sUrg5H9', ''],
  [0x7a4en, 'J58tfhWEsYbzRLpD', ''],
  [0x5efn, 'J5AJbXrXwgkpigoX', ''],
];

test('nick: the recorded nicks come from their keys', () => {
  for (const [secret, nick, pub] of VECTORS) {
    const id = NickIdentity.fromSecret(secret);
    assert.equal(id.nick, nick);
    if (pub !== '') assert.equal(id.publicKeyHex, pub);
    assert.equal(nickFromPublicKey(id.publicKey), nick);
    assert.ok(nickMatchesPublicKey(nick, id.publicKeyHex));
    assert.ok(!nickMatchesPublicKey(nick.slice(0, -1) + (nick.endsWith('a') ? 'b' : 'a'), id.publicKeyHex));
  }
});

test('nick: padding letters are dropped before comparing', () => {
  for (let i = 0; i < 50; i++) {
    const id = NickIdentity.generate();
    assert.equal(id.nick.length, 16);
    assert.ok(nickMatchesPublicKey(id.nick, id.publicKeyHex));
  }
  assert.throws(
    () => new NickIdentity(new Uint8Array(32)),
    (e) => isPeerwayError(e, 'ERR_DIRECTORY_BAD_NICK'),
  );
});

test('signatures: both recorded privmsgs verify, and their nicks match their keys', () => {
  const privmsgs = loadTranscripts()
    .filter((r) => r.dir === '>>')
    .map(envelopeOf)
    .filter((e) => e.type === 685 && e.line.endsWith('='));
  assert.equal(privmsgs.length, 2);
  for (const e of privmsgs) {
    const v = verifyPrivmsg(e.line);
    assert.ok(v.from === 'J59jAPxM5B4KxDZN' || v.from === 'J558BReKK6vTwxF4');
  }
  const fill = verifyPrivmsg(privmsgs[1]!.line);
  assert.equal(fill.command, 'fill');
  assert.match(fill.data, /^0 500000 (ab)+ P(cd)+$/);
});

test('signatures: tampering, wrong nick and garbage are refused with typed errors', () => {
  const a = NickIdentity.fromSecret(0xa11cen);
  const b = NickIdentity.fromSecret(0xb0bn);
  const line = formatSignedPrivmsg(a, b.nick, 'fill', '0 500000 abc');
  assert.equal(verifyPrivmsg(line).data, '0 500000 abc');
  const cases = [
    line.replace('500000', '500001'),
    line.replace(a.nick, b.nick),
    'J5x!J5y!fill',
    'J5x!J5y!fill a 02zz sig',
    `${a.nick}!${b.nick}!fill a ${a.publicKeyHex} !!!notbase64`,
  ];
  for (const bad of cases)
    assert.throws(
      () => verifyPrivmsg(bad),
      (e) => isPeerwayError(e),
      bad,
    );
  assert.throws(
    () => verifyPrivmsg('nonsense'),
    (e) => isPeerwayError(e, 'ERR_DIRECTORY_BAD_MESSAGE'),
  );
});

test('signatures: ours are low-S DER; high-S is still accepted on verify', () => {
  const a = NickIdentity.fromSecret(0xa11cen);
  for (let i = 0; i < 20; i++) {
    const msg = `m${i}`;
    const der = Buffer.from(a.sign(msg), 'base64');
    const sig = secp256k1.Signature.fromBytes(der, 'der');
    assert.ok(!sig.hasHighS());
    const high = new secp256k1.Signature(sig.r, secp256k1.Point.CURVE().n - sig.s);
    const highB64 = Buffer.from(high.toBytes('der')).toString('base64');
    assert.ok(verifyBitcoinMessage(msg + 'onion-network', highB64, a.publicKey));
    assert.ok(!verifyBitcoinMessage(msg + 'x', highB64, a.publicKey));
  }
  assert.equal(bitcoinMessageHash('').length, 32);
  // Messages over 252 bytes use the 0xfd compact-size prefix.
  const long = 'x'.repeat(1000);
  assert.ok(verifyBitcoinMessage(long + 'onion-network', a.sign(long), a.publicKey));
});

test('message lines: chained commands and empty data', () => {
  assert.deepEqual(parseMessageLine('A!B!x 1!y 2'), { from: 'A', to: 'B', body: 'x 1!y 2', command: 'x' });
  assert.equal(parseMessageLine('A!!x'), undefined);
  assert.equal(parseMessageLine('!B!x'), undefined);
  assert.equal(parseMessageLine('AB'), undefined);
  const a = NickIdentity.fromSecret(0xa11cen);
  const line = formatSignedPrivmsg(a, 'J5other', 'orderbook', '');
  assert.equal(verifyPrivmsg(line).data, '');
});

test('message lines: property: splitPrivmsg cuts the body as splitting it into words would', () => {
  // The definition: words split on single spaces; the last two are the key and the signature,
  // the data is the words between the command and the key, joined by single spaces again.
  const words = (body: string): { data: string; publicKey: string; signature: string } | undefined => {
    const tokens = body.split(' ');
    if (tokens.length < 3) return undefined;
    return {
      data: tokens.slice(1, -2).join(' '),
      publicKey: tokens[tokens.length - 2]!,
      signature: tokens[tokens.length - 1]!,
    };
  };
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', ' ', '!', 'x y'), { maxLength: 12 }), (parts) => {
      const body = parts.join('');
      const expected = words(body);
      const line = `J5from!J5to!${body}`;
      if (parseMessageLine(line) === undefined) return;
      if (expected === undefined) {
        assert.throws(
          () => splitPrivmsg(line),
          (e: unknown) => isPeerwayError(e),
          body,
        );
        return;
      }
      const split = splitPrivmsg(line);
      assert.deepEqual(
        { data: split.data, publicKey: split.publicKey, signature: split.signature },
        expected,
        JSON.stringify(body),
      );
    }),
    { numRuns: 500 },
  );
});
