import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  bitcoinMessageHashBytes,
  publicKeyOf,
  secp256k1VerifyImplementation,
  signBitcoinMessageBytes,
  verifyBitcoinMessageBytes,
} from '../../../src/directory/wire/bitcoin-message.js';

const sk = Buffer.from('11'.repeat(32), 'hex');
const pub = publicKeyOf(sk);

test('message signing: a 313-byte message uses the 0xfd length prefix (checked with another library)', () => {
  // Signature made by this code and verified once with Python's `cryptography` over the digest
  // sha256(sha256("\x18Bitcoin Signed Message:\n" fd 3901 message)).
  const message = Buffer.from('x'.repeat(300) + 'onion-network');
  const sig = Buffer.from(
    '3045022100c2e35fd50907a798f75ab526c102d096e531a91ef6bb364590efcf464971a052022063ea1a8b1df7dacef35e06520dfb2009f3e67175bc14d0d561569003e825b2b3',
    'hex',
  );
  assert.deepEqual(Buffer.from(signBitcoinMessageBytes(message, sk)), sig, 'RFC 6979: same bytes again');
  assert.ok(verifyBitcoinMessageBytes(message, sig, pub));
  assert.equal(bitcoinMessageHashBytes(message).length, 32);
});

test('message signing: high-S is accepted on verify, low-S is what we sign', () => {
  const message = Buffer.from('0 27300 1000000 0 0.00002onion-network');
  const der = signBitcoinMessageBytes(message, sk);
  const sig = secp256k1.Signature.fromBytes(der, 'der');
  assert.equal(sig.hasHighS(), false);
  const high = new secp256k1.Signature(sig.r, secp256k1.Point.CURVE().n - sig.s).toBytes('der');
  assert.ok(verifyBitcoinMessageBytes(message, high, pub));
});

test('message signing: bad keys and garbage signatures say false, never throw', () => {
  const message = Buffer.from('hello');
  const der = signBitcoinMessageBytes(message, sk);
  const notOnCurve = Buffer.alloc(33, 0);
  notOnCurve[0] = 2;
  notOnCurve[32] = 5;
  assert.equal(verifyBitcoinMessageBytes(message, der, notOnCurve), false);
  assert.equal(verifyBitcoinMessageBytes(message, der, Buffer.alloc(5)), false);
  assert.equal(verifyBitcoinMessageBytes(message, Buffer.from('3000', 'hex'), pub), false);
  assert.equal(verifyBitcoinMessageBytes(message, Buffer.alloc(0), pub), false);
});

test('message signing property: what we sign verifies; any change to message or key does not', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 600 }),
      fc.bigInt({ min: 1n, max: secp256k1.Point.CURVE().n - 1n }),
      (message, secret) => {
        const key = Buffer.from(secret.toString(16).padStart(64, '0'), 'hex');
        const sig = signBitcoinMessageBytes(message, key);
        assert.ok(verifyBitcoinMessageBytes(message, sig, publicKeyOf(key)));
        assert.ok(
          !verifyBitcoinMessageBytes(Buffer.concat([message, Buffer.from([0])]), sig, publicKeyOf(key)),
        );
        assert.ok(!verifyBitcoinMessageBytes(message, sig, pub) || key.equals(sk));
      },
    ),
    { numRuns: 60 },
  );
});

test('message signing property: random bytes as a signature never verify and never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      assert.equal(verifyBitcoinMessageBytes(Buffer.from('m'), bytes, pub), false);
    }),
    { numRuns: 300 },
  );
});

test('message signing: libsecp256k1 checks signatures where the optional binding is installed', () => {
  // The binding is in this project's install (optionalDependencies); when it is missing the
  // verifier falls back to OpenSSL, which this assertion would catch as a lost speed-up.
  assert.equal(secp256k1VerifyImplementation(), 'libsecp256k1', 'the fast verifier is in use');
});

test('message signing property: the fast verifier agrees with @noble/curves, high-S and corrupted signatures included', () => {
  const n = secp256k1.Point.CURVE().n;
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200 }),
      fc.bigInt({ min: 1n, max: n - 1n }),
      fc.boolean(),
      fc.nat({ max: 80 }),
      fc.integer({ min: 0, max: 255 }),
      (message, secret, highS, flipAt, flipTo) => {
        const key = Buffer.from(secret.toString(16).padStart(64, '0'), 'hex');
        let der = signBitcoinMessageBytes(message, key);
        if (highS) {
          const sig = secp256k1.Signature.fromBytes(der, 'der');
          der = new secp256k1.Signature(sig.r, n - sig.s).toBytes('der');
        }
        const bytes = Buffer.from(der);
        if (flipAt < bytes.length) bytes[flipAt] = flipTo;
        let expected: boolean;
        try {
          expected = secp256k1.verify(bytes, bitcoinMessageHashBytes(message), publicKeyOf(key), {
            prehash: false,
            format: 'der',
            lowS: false,
          });
        } catch {
          expected = false;
        }
        assert.equal(
          verifyBitcoinMessageBytes(message, bytes, publicKeyOf(key)),
          expected,
          'same answer as noble',
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('message signing: property: the signature is byte for byte what @noble/curves makes', () => {
  // Signing may go through libsecp256k1; both use RFC 6979 nonces without extra data, so the DER
  // bytes must not depend on which one this process has.
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 300 }),
      (key, msg) => {
        if (!secp256k1.utils.isValidSecretKey(key)) return;
        const ours = Buffer.from(signBitcoinMessageBytes(msg, key));
        const noble = Buffer.from(
          secp256k1.sign(bitcoinMessageHashBytes(msg), key, { prehash: false, format: 'der', lowS: true }),
        );
        assert.deepEqual(ours, noble, 'same DER bytes');
      },
    ),
    { numRuns: 200 },
  );
  // An invalid secret key is refused, whichever library signs.
  assert.throws(() => signBitcoinMessageBytes(Buffer.from('x'), new Uint8Array(32)));
});
