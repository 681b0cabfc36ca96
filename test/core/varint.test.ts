import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeVarint,
  encodeVarint,
  varintLength,
  ErrorCodes,
  isPeerwayError,
} from '../../src/core/index.js';

test('varint: known encodings', () => {
  assert.deepEqual(encodeVarint(0), Buffer.from([0]));
  assert.deepEqual(encodeVarint(19), Buffer.from([0x13]));
  assert.deepEqual(encodeVarint(127), Buffer.from([0x7f]));
  assert.deepEqual(encodeVarint(128), Buffer.from([0x80, 0x01]));
  assert.deepEqual(encodeVarint(1025), Buffer.from([0x81, 0x08]));
  assert.deepEqual(encodeVarint(16384), Buffer.from([0x80, 0x80, 0x01]));
  assert.deepEqual(encodeVarint(Number.MAX_SAFE_INTEGER).length, 8);
});

test('varint: round trip for every safe integer', () => {
  fc.assert(
    fc.property(fc.maxSafeNat(), (n) => {
      const enc = encodeVarint(n);
      assert.equal(enc.length, varintLength(n));
      assert.deepEqual(decodeVarint(enc), { value: n, bytes: enc.length });
    }),
  );
});

test('varint: truncated input asks for more bytes', () => {
  fc.assert(
    fc.property(fc.integer({ min: 128, max: Number.MAX_SAFE_INTEGER }), (n) => {
      const enc = encodeVarint(n);
      assert.equal(decodeVarint(enc.subarray(0, enc.length - 1)), undefined);
    }),
  );
});

test('varint: limits give typed errors', () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (err) {
      if (isPeerwayError(err)) return err.code;
      throw err;
    }
    return undefined;
  };
  assert.equal(
    code(() => decodeVarint(Buffer.from([0x83, 0x00]))),
    ErrorCodes.VARINT_NOT_MINIMAL,
  );
  assert.deepEqual(decodeVarint(Buffer.from([0x83, 0x00]), 0, { requireMinimal: false }), {
    value: 3,
    bytes: 2,
  });
  assert.equal(
    code(() => decodeVarint(Buffer.from([0x80, 0x80, 0x01]), 0, { maxBytes: 2 })),
    ErrorCodes.VARINT_TOO_LONG,
  );
  assert.equal(
    code(() => decodeVarint(Buffer.alloc(9, 0xff))),
    ErrorCodes.VARINT_TOO_LONG,
  );
  assert.equal(
    code(() => decodeVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))),
    ErrorCodes.VARINT_RANGE,
  );
  assert.equal(
    code(() => encodeVarint(-1)),
    ErrorCodes.VARINT_RANGE,
  );
  assert.equal(
    code(() => encodeVarint(1.5)),
    ErrorCodes.VARINT_RANGE,
  );
});

test('varint: random bytes never throw anything but typed errors', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      try {
        const r = decodeVarint(bytes);
        if (r !== undefined) assert.ok(r.bytes <= 8);
      } catch (err) {
        assert.ok(isPeerwayError(err));
      }
    }),
  );
});
