import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { ErrorCodes, isPeerwayError } from '../../../src/core/index.js';
import { EncryptionSessions } from '../../../src/directory/market/encryption-sessions.js';
import {
  EncryptionSession,
  isEncryptedCommand,
  parsePublicKeyHex,
} from '../../../src/directory/market/encryption.js';

interface SodiumOpen {
  crypto_box_keypair(pk: Uint8Array, sk: Uint8Array): void;
  crypto_box_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean;
}
const sodium = createRequire(import.meta.url)('sodium-native') as SodiumOpen;

const code = (c: string) => (err: unknown) => isPeerwayError(err) && err.code === c;

function pair(): { taker: EncryptionSession; maker: EncryptionSession } {
  const taker = new EncryptionSession();
  const maker = new EncryptionSession({ counterpartyKeyHex: taker.publicKeyHex });
  taker.setCounterpartyKey(maker.publicKeyHex);
  return { taker, maker };
}

test('encryption: taker and maker carry auth, ioauth, tx and sig both ways', () => {
  const { taker, maker } = pair();
  const auth =
    'ab'.repeat(32) +
    ':0|02' +
    'cd'.repeat(32) +
    '|03' +
    'ef'.repeat(32) +
    '|' +
    '11'.repeat(32) +
    '|' +
    '22'.repeat(32);
  assert.equal(maker.decrypt(taker.encrypt(auth)), auth);
  const ioauth = 'txid:1,txid:2 02aa bc1qcj bc1qchange MEQCIF==';
  assert.equal(taker.decrypt(maker.encrypt(ioauth)), ioauth);
  const tx = Buffer.alloc(3000, 7).toString('base64');
  assert.equal(maker.decrypt(taker.encrypt(tx)), tx);
});

test('encryption: the wire form is base64 of a 24-byte nonce followed by a plain NaCl box', () => {
  const takerKeys = { publicKey: Buffer.alloc(32), secretKey: Buffer.alloc(32) };
  sodium.crypto_box_keypair(takerKeys.publicKey, takerKeys.secretKey);
  const taker = new EncryptionSession({ secretKey: takerKeys.secretKey });
  assert.equal(taker.publicKeyHex, takerKeys.publicKey.toString('hex'));
  const maker = new EncryptionSession({ counterpartyKeyHex: taker.publicKeyHex });
  const wire = Buffer.from(maker.encrypt('hello sig'), 'base64');
  const opened = Buffer.alloc(wire.length - 40);
  assert.ok(
    sodium.crypto_box_open_easy(
      opened,
      wire.subarray(24),
      wire.subarray(0, 24),
      Buffer.from(maker.publicKeyHex, 'hex'),
      takerKeys.secretKey,
    ),
  );
  assert.equal(opened.toString('utf8'), 'hello sig');
  assert.equal(wire.length, 24 + 16 + 'hello sig'.length);
});

test('encryption: keys and a box recorded from tweetnacl (what JoinMarket peers send) match byte for byte', () => {
  // Secret keys 0x11…11 (taker) and 0x22…22 (maker); the taker boxed 'txid:0|P|P2|s|e' to the
  // maker with the nonce 00 01 … 17, using tweetnacl 1.0.3's nacl.box.
  const taker = new EncryptionSession({ secretKey: Buffer.alloc(32, 0x11) });
  const maker = new EncryptionSession({
    secretKey: Buffer.alloc(32, 0x22),
    counterpartyKeyHex: taker.publicKeyHex,
  });
  assert.equal(taker.publicKeyHex, '7b4e909bbe7ffe44c465a220037d608ee35897d31ef972f07f74892cb0f73f13');
  assert.equal(maker.publicKeyHex, '0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20');
  const recorded = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXdzAXBsETmLxNvnz/GAKiJS/0cPJko4aYRv0H0KItFw==';
  assert.equal(maker.decrypt(recorded), 'txid:0|P|P2|s|e');
  taker.setCounterpartyKey(maker.publicKeyHex);
  const back = Buffer.from(taker.encrypt('txid:0|P|P2|s|e'), 'base64');
  assert.equal(back.length, Buffer.from(recorded, 'base64').length);
});

test('encryption: every message gets a fresh nonce', () => {
  const { taker } = pair();
  assert.notEqual(taker.encrypt('same'), taker.encrypt('same'));
});

test('encryption: a third party, a flipped bit or garbage fail with the typed error', () => {
  const { taker, maker } = pair();
  const outsider = new EncryptionSession({ counterpartyKeyHex: taker.publicKeyHex });
  const ct = taker.encrypt('secret');
  assert.throws(() => outsider.decrypt(ct), code(ErrorCodes.ENCRYPTION_DECRYPT_FAILED));
  const bytes = Buffer.from(ct, 'base64');
  bytes[bytes.length - 1]! ^= 1;
  assert.throws(() => maker.decrypt(bytes.toString('base64')), code(ErrorCodes.ENCRYPTION_DECRYPT_FAILED));
  assert.throws(() => maker.decrypt('***'), code(ErrorCodes.ENCRYPTION_DECRYPT_FAILED));
  assert.throws(() => maker.decrypt('AAAA'), code(ErrorCodes.ENCRYPTION_DECRYPT_FAILED));
  assert.throws(() => maker.decrypt('A'.repeat(40_004)), code(ErrorCodes.ENCRYPTION_TOO_LONG));
  assert.throws(() => taker.encrypt('x'.repeat(30_000)), code(ErrorCodes.ENCRYPTION_TOO_LONG));
});

test('encryption: keys must be 64 hex characters, and nothing flows before the key is set', () => {
  const session = new EncryptionSession();
  assert.equal(session.ready, false);
  assert.throws(() => session.encrypt('x'), code(ErrorCodes.ENCRYPTION_NOT_READY));
  assert.throws(() => session.decrypt('AAAA'), code(ErrorCodes.ENCRYPTION_NOT_READY));
  for (const bad of ['', 'zz'.repeat(32), 'ab'.repeat(31), 'ab'.repeat(33)]) {
    assert.throws(() => session.setCounterpartyKey(bad), code(ErrorCodes.ENCRYPTION_BAD_KEY), bad);
  }
  session.setCounterpartyKey('AB'.repeat(32));
  assert.equal(session.counterpartyKeyHex, 'ab'.repeat(32));
});

test('encryption: which commands are encrypted', () => {
  for (const c of ['auth', 'ioauth', 'tx', 'sig', '!sig']) assert.ok(isEncryptedCommand(c), c);
  for (const c of ['fill', 'pubkey', 'push', 'error', 'orderbook']) assert.ok(!isEncryptedCommand(c), c);
});

test('encryption: one session per counterparty in a registry', () => {
  const sessions = new EncryptionSessions({ maxSessions: 2 });
  const a = sessions.create('J5a');
  const maker = new EncryptionSession({ counterpartyKeyHex: a.publicKeyHex });
  assert.throws(() => sessions.encrypt('J5a', 'x'), code(ErrorCodes.ENCRYPTION_NOT_READY));
  a.setCounterpartyKey(maker.publicKeyHex);
  assert.equal(maker.decrypt(sessions.encrypt('J5a', 'hi')), 'hi');
  assert.equal(sessions.decrypt('J5a', maker.encrypt('back')), 'back');
  assert.throws(() => sessions.decrypt('J5nobody', 'AAAA'), code(ErrorCodes.ENCRYPTION_NOT_READY));
  sessions.create('J5b');
  assert.throws(() => sessions.create('J5c'), code(ErrorCodes.INVALID_ARGUMENT));
  sessions.delete('J5b');
  sessions.create('J5c');
  assert.equal(sessions.size, 2);
});

test('encryption property: any text round-trips; any ciphertext input fails only with typed errors', () => {
  const { taker, maker } = pair();
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
      const wellFormed = Buffer.from(text, 'utf8').toString('utf8');
      assert.equal(maker.decrypt(taker.encrypt(wellFormed)), wellFormed);
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64')),
      ),
      (input) => {
        try {
          maker.decrypt(input);
          assert.fail('random input decrypted');
        } catch (err) {
          assert.ok(isPeerwayError(err, ErrorCodes.ENCRYPTION_DECRYPT_FAILED), String(err));
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('encryption property: a key is exactly 64 hex characters, anything else is the typed error', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 70 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
      ),
      (text) => {
        try {
          assert.equal(parsePublicKeyHex(text).length, 32);
          assert.match(text, /^[0-9a-fA-F]{64}$/);
        } catch (err) {
          assert.ok(isPeerwayError(err, ErrorCodes.ENCRYPTION_BAD_KEY), String(err));
        }
      },
    ),
  );
});
