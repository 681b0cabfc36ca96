// The two Ed25519 implementations behind LibNaCL keys: known answers, equal signatures and equal
// verdicts on valid, mutated and hostile input, and the small-order refusals py-ipv8 (libsodium) makes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import fc from 'fast-check';
import { ed25519 as noble } from '@noble/curves/ed25519.js';
import {
  ed25519,
  hasSmallOrder,
  isCanonicalPoint,
  libsodiumEd25519,
  nodeEd25519,
  SMALL_ORDER_ENCODINGS,
  type Ed25519,
} from '../../src/overlay/ed25519.js';
import { PrivateKey, publicKeyFromBin } from '../../src/overlay/keys.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

test('ed25519: libsodium loads from the dependency and is the one in use', () => {
  assert.ok(libsodiumEd25519(), 'sodium-native did not load');
  assert.equal(ed25519.name, 'libsodium');
});

const sodium = libsodiumEd25519()!;
const both: readonly Ed25519[] = [nodeEd25519, sodium];

// RFC 8032 section 7.1, tests 1 and 2.
const RFC8032 = [
  {
    seed: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    seed: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

test('ed25519: both implementations give the RFC 8032 keys and signatures', () => {
  for (const impl of both) {
    for (const v of RFC8032) {
      const signer = impl.signer(hex(v.seed));
      assert.equal(Buffer.from(signer.publicKey).toString('hex'), v.pk, impl.name);
      assert.equal(Buffer.from(signer.sign(hex(v.msg))).toString('hex'), v.sig, impl.name);
      assert.equal(impl.verifier(hex(v.pk)).verify(hex(v.sig), hex(v.msg)), true, impl.name);
    }
  }
});

test('ed25519: the refused encodings are all of small order or not canonical', () => {
  const listed = SMALL_ORDER_ENCODINGS;
  // libsodium's list: the seven encodings of points of order 1, 2, 4 and 8 it refuses.
  assert.equal(listed.length, 7);
  for (const p of listed) {
    assert.equal(hasSmallOrder(p), true);
    const withSign = Buffer.from(p);
    withSign[31]! |= 0x80;
    assert.equal(hasSmallOrder(withSign), true, 'the sign bit is ignored');
    // Checked with an independent implementation: canonical ones decode to a point of small order.
    if (isCanonicalPoint(p)) assert.equal(noble.Point.fromBytes(p).isSmallOrder(), true);
  }
  assert.equal(
    isCanonicalPoint(hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')),
    false,
  );
  assert.equal(
    isCanonicalPoint(hex('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')),
    true,
  );
  // Ordinary keys are neither.
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
      const pk = nodeEd25519.signer(seed).publicKey;
      return !hasSmallOrder(pk) && isCanonicalPoint(pk);
    }),
  );
});

test('ed25519: the identity key "signs" every message for bare OpenSSL, for neither implementation here', () => {
  const identity = hex('0100000000000000000000000000000000000000000000000000000000000000');
  const sig = Buffer.alloc(64);
  sig[0] = 1; // R = identity, S = 0
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (msg) => {
      for (const impl of both) assert.equal(impl.verifier(identity).verify(sig, msg), false, impl.name);
    }),
  );
  // The same key inside a LibNaCLPK bin, as a packet would carry it.
  const bin = Buffer.concat([Buffer.from('LibNaCLPK:'), Buffer.alloc(32, 9), identity]);
  assert.equal(publicKeyFromBin(bin).verify(sig, Buffer.from('any packet')), false);
});

test('ed25519: every small-order key makes some message verify for bare OpenSSL; both here refuse', () => {
  const sig = Buffer.alloc(64);
  sig[0] = 1; // R = identity, S = 0: valid for key A whenever [h]A is the identity
  for (const point of SMALL_ORDER_ENCODINGS.filter((p) => isCanonicalPoint(p))) {
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), point]);
    const bare = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    // h is uniform mod the point's order (at most 8): one of 64 fixed messages gives h = 0 there.
    const forged = Array.from({ length: 64 }, (_, i) => Buffer.from(`message ${i}`)).find((m) =>
      verify(null, m, bare, sig),
    );
    assert.ok(forged, `OpenSSL accepts a forgery for ${point.toString('hex')}`);
    for (const impl of both) assert.equal(impl.verifier(point).verify(sig, forged), false, impl.name);
  }
});

test('ed25519: equal signatures and equal verdicts on valid and mutated input', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 400 }),
      fc.nat(),
      fc.integer({ min: 0, max: 2 }),
      (seed, msg, at, what) => {
        const a = nodeEd25519.signer(seed);
        const b = sodium.signer(seed);
        assert.deepEqual(Buffer.from(a.publicKey), Buffer.from(b.publicKey));
        const sig = Buffer.from(a.sign(msg));
        assert.deepEqual(Buffer.from(b.sign(msg)), sig);
        for (const impl of both) assert.equal(impl.verifier(a.publicKey).verify(sig, msg), true, impl.name);
        // Flip one bit of the signature, the message or the key: both refuse.
        const s2 = Buffer.from(sig);
        const m2 = Buffer.from(msg);
        const k2 = Buffer.from(a.publicKey);
        const target = what === 0 ? s2 : what === 1 && m2.length > 0 ? m2 : k2;
        target[at % target.length]! ^= 1 << (at % 8);
        const verdicts = both.map((impl) => {
          try {
            return impl.verifier(k2).verify(s2, m2);
          } catch {
            return 'refused key';
          }
        });
        assert.deepEqual(verdicts, [false, false]);
      },
    ),
    { numRuns: 300 },
  );
});

test('ed25519: random signatures, keys and lengths: both say no, neither throws', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ maxLength: 80 }),
      fc.uint8Array({ maxLength: 64 }),
      (pk, sig, msg) => {
        const verdicts = both.map((impl) => impl.verifier(pk).verify(sig, msg));
        assert.deepEqual(verdicts, [false, false]);
      },
    ),
    { numRuns: 500 },
  );
});

test('ed25519: a LibNaCL private key signs what its public key and the other implementation verify', () => {
  const key = PrivateKey.generate();
  const data = Buffer.from('introduction-request');
  const sig = key.sign(data);
  assert.equal(key.publicKey.verify(sig, data), true);
  const vk = key.publicKey.bin.subarray(42, 74);
  assert.equal(nodeEd25519.verifier(vk).verify(sig, data), true);
  for (const impl of both) {
    assert.throws(() => impl.verifier(vk.subarray(0, 31)), RangeError, impl.name);
    assert.throws(() => impl.signer(new Uint8Array(31)), RangeError, impl.name);
  }
});
