import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { base58Encode } from '../../src/directory/wire/base58.js';

const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** The definition: the bytes as one big-endian number written in base 58, a `1` per leading zero. */
function reference(bytes: Uint8Array): string {
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  let out = '';
  for (; n > 0n; n /= 58n) out = ALPHABET[Number(n % 58n)]! + out;
  return '1'.repeat(zeros) + out;
}

test('base58: known encodings', () => {
  assert.equal(base58Encode(new Uint8Array([])), '');
  assert.equal(base58Encode(new Uint8Array([0, 0, 1])), '112');
  assert.equal(base58Encode(Buffer.from('hello world')), 'StV1DL6CwTryKyV');
  assert.equal(base58Encode(new Uint8Array([255, 255])), 'LUv');
});

test('base58: property: same digits as the big-number definition', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      assert.equal(base58Encode(bytes), reference(bytes), Buffer.from(bytes).toString('hex'));
    }),
    { numRuns: 500 },
  );
});
