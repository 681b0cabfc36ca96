import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ErrorCodes,
  LengthPrefixedDecoder,
  encodeFrame,
  isPeerwayError,
  type LengthPrefixedDecoderOptions,
} from '../../src/core/index.js';
import { splitAt } from '../helpers/chunks.js';

function decodeAll(options: LengthPrefixedDecoderOptions, chunks: Buffer[]): Buffer[] {
  const d = new LengthPrefixedDecoder(options);
  const frames: Buffer[] = [];
  for (const c of chunks) {
    d.push(c);
    for (let f; (f = d.next()) !== null;) frames.push(Buffer.from(f));
  }
  return frames;
}

test('lp decoder: multistream header frame', () => {
  const header = Buffer.from('132f6d756c746973747265616d2f312e302e300a', 'hex');
  assert.deepEqual(encodeFrame(Buffer.from('/multistream/1.0.0\n')), header);
  const frames = decodeAll({ maxFrameSize: 1024, maxLengthBytes: 2 }, [header]);
  assert.equal(frames[0]!.toString(), '/multistream/1.0.0\n');
});

test('lp decoder: any chunking of any frames gives the same frames', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      (bodies, cuts) => {
        const data = Buffer.concat(bodies.map((b) => encodeFrame(b)));
        const frames = decodeAll({ maxFrameSize: 300 }, splitAt(data, cuts));
        assert.deepEqual(
          frames.map((f) => f.toString('hex')),
          bodies.map((b) => Buffer.from(b).toString('hex')),
        );
      },
    ),
  );
});

test('lp decoder: oversize frames are a typed error however they arrive', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2000 }), fc.array(fc.nat(), { maxLength: 8 }), (extra, cuts) => {
      const body = Buffer.alloc(1025 + extra);
      let code: string | undefined;
      try {
        decodeAll({ maxFrameSize: 1024 }, splitAt(encodeFrame(body), cuts));
      } catch (err) {
        assert.ok(isPeerwayError(err));
        code = err.code;
      }
      assert.equal(code, ErrorCodes.FRAME_TOO_LONG);
    }),
  );
});

test('lp decoder: prefix length cap and minimality', () => {
  assert.throws(
    () => decodeAll({ maxFrameSize: 1 << 20, maxLengthBytes: 2 }, [Buffer.from([0x80, 0x80, 0x01])]),
    {
      code: ErrorCodes.VARINT_TOO_LONG,
    },
  );
  assert.throws(() => decodeAll({ maxFrameSize: 1024 }, [Buffer.from([0x83, 0x00, 1, 2, 3])]), {
    code: ErrorCodes.VARINT_NOT_MINIMAL,
  });
  const lenient = decodeAll({ maxFrameSize: 1024, requireMinimal: false }, [
    Buffer.from([0x83, 0x00, 1, 2, 3]),
  ]);
  assert.deepEqual(lenient, [Buffer.from([1, 2, 3])]);
});

test('lp decoder: remainder after the last frame is handed back', () => {
  const d = new LengthPrefixedDecoder({ maxFrameSize: 100 });
  d.push(Buffer.concat([encodeFrame(Buffer.from('hi\n')), Buffer.from('app-bytes')]));
  assert.equal(d.next()?.toString(), 'hi\n');
  assert.equal(d.takeRemainder().toString(), 'app-bytes');
});

test('lp decoder: random bytes give bounded frames or typed errors', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
      try {
        for (const f of decodeAll(
          { maxFrameSize: 64, maxLengthBytes: 2 },
          splitAt(Buffer.from(bytes), cuts),
        )) {
          assert.ok(f.length <= 64);
        }
      } catch (err) {
        assert.ok(isPeerwayError(err));
      }
    }),
  );
});
