import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { ErrorCodes, isPeerwayError } from '../../../src/core/index.js';
import { EncryptionSessions } from '../../../src/directory/market/encryption-sessions.js';
import {
  EncryptionSession,
  isEncryptedCommand,
  parsePublicKeyHex,
} from '../../../src/directory/market/encryption.js';

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
  const takerKeys = nacl.box.keyPair();
  const taker = new EncryptionSession({ secretKey: takerKeys.secretKey });
  const maker = new EncryptionSession({ counterpartyKeyHex: taker.publicKeyHex });
  const wire = Buffer.from(maker.encrypt('hello sig'), 'base64');
  const opened = nacl.box.open(
    wire.subarray(24),
    wire.subarray(0, 24),
    Buffer.from(maker.publicKeyHex, 'hex'),
    takerKeys.secretKey,
  );
  assert.equal(Buffer.from(opened!).toString('utf8'), 'hello sig');
  assert.equal(wire.length, 24 + 16 + 'hello sig'.length);
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
