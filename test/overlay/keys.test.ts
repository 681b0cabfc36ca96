// Key formats: LibNaCL keys and the ECDSA-SHA1 binary-curve keys the public trackers sign with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { PrivateKey, publicKeyFromBin } from '../../src/overlay/keys.js';
import { openSigned, communityPrefix } from '../../src/overlay/packet.js';
import { IntroductionRequestPayload } from '../../src/overlay/discovery-payloads.js';
import { bitsOf } from '../../src/overlay/formats.js';
import { ByteWriter } from '../../src/overlay/byte-io.js';

test('fresh LibNaCL keys sign and verify; private bins round-trip', () => {
  const key = PrivateKey.generate();
  const data = Buffer.from('peerway');
  const sig = key.sign(data);
  assert.equal(sig.length, 64);
  assert.ok(key.publicKey.verify(sig, data));
  assert.ok(!key.publicKey.verify(sig, Buffer.from('peerwax')));
  assert.deepEqual(PrivateKey.fromBin(key.keyToBin()).publicKey.bin, key.publicKey.bin);
  assert.equal(key.publicKey.bin.length, 74);
});

test('bad key bins are refused with ERR_OVERLAY_BAD_KEY', () => {
  assert.throws(() => PrivateKey.fromBin(new Uint8Array(10)), { code: 'ERR_OVERLAY_BAD_KEY' });
  assert.throws(() => publicKeyFromBin(Buffer.from('LibNaCLPK:short')), { code: 'ERR_OVERLAY_BAD_KEY' });
  assert.throws(() => publicKeyFromBin(PrivateKey.generate().keyToBin()), { code: 'ERR_OVERLAY_BAD_KEY' });
  assert.throws(() => publicKeyFromBin(Buffer.from('3000', 'hex')), { code: 'ERR_OVERLAY_BAD_KEY' });
});

for (const [curve, sigLength] of [
  ['sect163k1', 42],
  ['sect233k1', 60],
  ['sect409k1', 104],
  ['sect571r1', 144],
] as const) {
  test(`a packet signed with an ECDSA ${curve} (M2Crypto) key verifies; a tampered one does not`, () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: curve });
    const bin = publicKey.export({ format: 'der', type: 'spki' });
    if (curve === 'sect163k1') {
      assert.equal(bin.length, 66);
      assert.equal(bin.subarray(0, 20).toString('hex'), '3040301006072a8648ce3d020106052b81040001');
    }
    const key = publicKeyFromBin(bin);
    assert.equal(key.signatureLength, sigLength);
    const w = new ByteWriter();
    w.bytes(communityPrefix(new Uint8Array(20)));
    w.u8(246);
    w.u16(bin.length);
    w.bytes(bin);
    w.u64(1n);
    const any = { host: '127.0.0.1', port: 1 };
    IntroductionRequestPayload.write(w, {
      destination: any,
      sourceLan: any,
      sourceWan: any,
      flags: bitsOf(),
      identifier: 1,
      extraBytes: new Uint8Array(0),
    });
    const unsigned = w.finish();
    // py-ipv8 pads r and s to ceil(key bits / 8) bytes each; OpenSSL's P1363 form uses the order size.
    const p1363 = sign('sha1', unsigned, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const half = sigLength / 2;
    const pad = (b: Buffer): Buffer => Buffer.concat([Buffer.alloc(half - b.length), b]);
    const signature = Buffer.concat([
      pad(p1363.subarray(0, p1363.length / 2)),
      pad(p1363.subarray(p1363.length / 2)),
    ]);
    assert.equal(signature.length, sigLength);
    const opened = openSigned(Buffer.concat([unsigned, signature]));
    assert.equal(opened.key.signatureLength, sigLength);
    assert.equal(opened.body.u64(), 1n);
    const tampered = Buffer.concat([unsigned, signature]);
    tampered[30]! ^= 1;
    assert.throws(
      () => openSigned(tampered),
      (err: { code?: string }) =>
        err.code === 'ERR_OVERLAY_BAD_SIGNATURE' || err.code === 'ERR_OVERLAY_BAD_KEY',
    );
  });
}
