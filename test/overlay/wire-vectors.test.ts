// Rebuilds the recorded py-ipv8 3.2 packets byte for byte from the test keys, and parses them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as P from '../../src/overlay/discovery-payloads.js';
import { bitsOf } from '../../src/overlay/formats.js';
import { PrivateKey } from '../../src/overlay/keys.js';
import { decodeMessage, encodeMessage } from '../../src/overlay/messages.js';
import { communityPrefix } from '../../src/overlay/packet.js';
import { hex, packet, toHex, vectors } from './vectors.js';

const prefix = communityPrefix(hex(vectors.communityId));
const keyA = PrivateKey.fromBin(hex(vectors.peers.A.private));
const keyB = PrivateKey.fromBin(hex(vectors.peers.B.private));
const A = { host: '127.0.0.1', port: 18601 };
const B = { host: '127.0.0.1', port: 18602 };
const C = { host: '127.0.0.1', port: 18603 };
const Z = { host: '0.0.0.0', port: 0 };
const empty = new Uint8Array(0);

function same(name: string, built: Uint8Array): void {
  assert.equal(toHex(built), vectors.packets[name]!.hex, name);
  assert.equal(built.length, vectors.packets[name]!.size);
}

test('keys: public key bins and mids match py-ipv8', () => {
  assert.equal(toHex(keyA.publicKey.bin), vectors.peers.A.public);
  assert.equal(toHex(keyB.publicKey.bin), vectors.peers.B.public);
  assert.equal(toHex(keyA.publicKey.mid), vectors.peers.A.mid);
  assert.equal(toHex(keyB.publicKey.mid), vectors.peers.B.mid);
  const keyC = PrivateKey.fromBin(hex(vectors.peers.C.private));
  assert.equal(toHex(keyC.publicKey.mid), vectors.peers.C.mid);
  assert.equal(toHex(keyA.keyToBin()), vectors.peers.A.private);
});

test('246 introduction-request is rebuilt and parsed', () => {
  const value = {
    destination: A,
    sourceLan: B,
    sourceWan: Z,
    flags: bitsOf(false, false, false, false, false, false, false, true),
    identifier: 1,
    extraBytes: empty,
  };
  same(
    'introductionRequest246',
    encodeMessage(prefix, P.IntroductionRequestPayload, value, { key: keyB, globalTime: 1n }),
  );
  const m = decodeMessage(packet('introductionRequest246'), P.IntroductionRequestPayload);
  assert.equal(m.globalTime, 1n);
  assert.deepEqual(m.payload, { ...value, flags: value.flags });
  assert.equal(toHex(m.key!.mid), vectors.peers.B.mid);
});

test('245 introduction-response is rebuilt and parsed', () => {
  const value = {
    destination: B,
    sourceLan: A,
    sourceWan: Z,
    lanIntroduction: Z,
    wanIntroduction: Z,
    flags: bitsOf(false, false, false, true),
    identifier: 1,
    extraBytes: empty,
  };
  same(
    'introductionResponse245',
    encodeMessage(prefix, P.IntroductionResponsePayload, value, { key: keyA, globalTime: 1n }),
  );
  const m = decodeMessage(packet('introductionResponse245'), P.IntroductionResponsePayload);
  assert.deepEqual(m.payload, value);
  assert.equal(m.payload.flags[P.ResponseFlag.supportsNewStyle], true);
});

test('250 and 232 puncture-requests (unsigned) are rebuilt and parsed', () => {
  const v250 = { lanWalker: A, wanWalker: C, identifier: 1 };
  same('punctureRequest250', encodeMessage(prefix, P.PunctureRequestPayload, v250, { globalTime: 6n }));
  assert.deepEqual(
    decodeMessage(packet('punctureRequest250'), P.PunctureRequestPayload, { signed: false }).payload,
    v250,
  );
  const v232 = { lanWalker: A, wanWalker: B, identifier: 4 };
  same('newPunctureRequest232', encodeMessage(prefix, P.NewPunctureRequestPayload, v232, { globalTime: 8n }));
  const m = decodeMessage(packet('newPunctureRequest232'), P.NewPunctureRequestPayload, { signed: false });
  assert.deepEqual(m.payload, v232);
  assert.equal(m.globalTime, 8n);
});

test('249 puncture is rebuilt and parsed', () => {
  const value = { sourceLan: B, sourceWan: C, identifier: 1 };
  same('puncture249', encodeMessage(prefix, P.PuncturePayload, value, { key: keyB, globalTime: 6n }));
  assert.deepEqual(decodeMessage(packet('puncture249'), P.PuncturePayload).payload, value);
});

test('234 and 233 new-style introductions are rebuilt and parsed', () => {
  const v234 = {
    destination: A,
    sourceLan: B,
    sourceWan: B,
    identifier: 2,
    flags: bitsOf(),
    extraBytes: empty,
  };
  same(
    'newIntroductionRequest234',
    encodeMessage(prefix, P.NewIntroductionRequestPayload, v234, { key: keyB, globalTime: 2n }),
  );
  assert.deepEqual(
    decodeMessage(packet('newIntroductionRequest234'), P.NewIntroductionRequestPayload).payload,
    v234,
  );
  const v233 = {
    destination: A,
    sourceLan: B,
    sourceWan: B,
    lanIntroduction: Z,
    wanIntroduction: Z,
    identifier: 2,
    flags: bitsOf(),
    extraBytes: empty,
  };
  same(
    'newIntroductionResponse233',
    encodeMessage(prefix, P.NewIntroductionResponsePayload, v233, { key: keyB, globalTime: 3n }),
  );
  assert.deepEqual(
    decodeMessage(packet('newIntroductionResponse233'), P.NewIntroductionResponsePayload).payload,
    v233,
  );
});

test('a flipped signature byte or a trailing byte is rejected with a typed error', () => {
  const bad = packet('puncture249');
  bad[bad.length - 1]! ^= 1;
  assert.throws(() => decodeMessage(bad, P.PuncturePayload), { code: 'ERR_OVERLAY_BAD_SIGNATURE' });
  const long = new Uint8Array([...packet('punctureRequest250'), 0]);
  assert.throws(() => decodeMessage(long, P.PunctureRequestPayload, { signed: false }), {
    code: 'ERR_OVERLAY_DECODE',
  });
  const short = packet('punctureRequest250').subarray(0, 40);
  assert.throws(() => decodeMessage(short, P.PunctureRequestPayload, { signed: false }), {
    code: 'ERR_OVERLAY_DECODE',
  });
});

test('intro requests accept a tail as extra bytes (raw), like py-ipv8', () => {
  const value = {
    destination: A,
    sourceLan: B,
    sourceWan: Z,
    flags: bitsOf(),
    identifier: 9,
    extraBytes: Uint8Array.from([1, 2, 3]),
  };
  const m = decodeMessage(
    encodeMessage(prefix, P.IntroductionRequestPayload, value, { key: keyB, globalTime: 9n }),
    P.IntroductionRequestPayload,
  );
  assert.deepEqual(m.payload.extraBytes, Uint8Array.from([1, 2, 3]));
});
