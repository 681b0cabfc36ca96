import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCodes, LineDecoder, isPeerwayError } from '../../src/core/index.js';
import { splitAt } from '../helpers/chunks.js';

function decodeAll(decoder: LineDecoder, chunks: Buffer[]): string[] {
  const lines: string[] = [];
  for (const c of chunks) {
    decoder.push(c);
    for (let line; (line = decoder.next()) !== null;) lines.push(line.toString('latin1'));
  }
  return lines;
}

const lineText = fc.string({ unit: fc.constantFrom('a', 'b', '\r', ' ', 'é', '{'), maxLength: 40 });

test('line decoder: LF and CRLF lines, many per chunk and split over chunks', () => {
  const d = new LineDecoder({ maxLineLength: 100 });
  assert.deepEqual(decodeAll(d, [Buffer.from('one\r\ntwo\nthr'), Buffer.from('ee\r'), Buffer.from('\n\n')]), [
    'one',
    'two',
    'three',
    '',
  ]);
  assert.equal(d.buffered, 0);
});

test('line decoder: any chunking of any input gives the same lines', () => {
  fc.assert(
    fc.property(
      fc.array(lineText, { maxLength: 20 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 30 }),
      (lines, crlf, cuts) => {
        const text = lines.map((l) => l + (crlf ? '\r\n' : '\n')).join('');
        const data = Buffer.from(text, 'latin1');
        const expected = decodeAll(new LineDecoder({ maxLineLength: 1000 }), [data]);
        assert.deepEqual(decodeAll(new LineDecoder({ maxLineLength: 1000 }), splitAt(data, cuts)), expected);
        // With CRLF framing each line loses exactly its terminator's CR.
        if (crlf) assert.deepEqual(expected, lines);
      },
    ),
  );
});

test('line decoder: a line over the limit is a typed error however it arrives', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 64 }), fc.array(fc.nat(), { maxLength: 10 }), (limit, cuts) => {
      const data = Buffer.from('x'.repeat(limit + 1) + '\n');
      const d = new LineDecoder({ maxLineLength: limit });
      let code: string | undefined;
      try {
        decodeAll(d, splitAt(data, cuts));
      } catch (err) {
        assert.ok(isPeerwayError(err));
        code = err.code;
      }
      assert.equal(code, ErrorCodes.FRAME_TOO_LONG);
      // Once failed, the decoder stays failed.
      assert.throws(() => d.push(Buffer.from('ok\n')), { code: ErrorCodes.DECODER_FAILED });
    }),
  );
});

test('line decoder: exactly the limit is accepted, CR of CRLF does not count', () => {
  const d = new LineDecoder({ maxLineLength: 3 });
  assert.deepEqual(decodeAll(d, [Buffer.from('abc\r'), Buffer.from('\nxyz\n')]), ['abc', 'xyz']);
  const lf = new LineDecoder({ maxLineLength: 3, acceptCRLF: false });
  assert.deepEqual(decodeAll(lf, [Buffer.from('ab\r\n')]), ['ab\r']);
});

test('line decoder: an unterminated line stops being buffered at the limit', () => {
  const d = new LineDecoder({ maxLineLength: 10 });
  let threw = false;
  try {
    for (let i = 0; i < 100; i++) decodeAll(d, [Buffer.from('y')]);
  } catch (err) {
    threw = isPeerwayError(err, ErrorCodes.FRAME_TOO_LONG);
  }
  assert.ok(threw);
  assert.ok(d.buffered <= 12);
});

test('line decoder: takeRemainder returns what follows the last line', () => {
  const d = new LineDecoder({ maxLineLength: 10 });
  assert.deepEqual(decodeAll(d, [Buffer.from('a\nb'), Buffer.from('cd')]), ['a']);
  assert.equal(d.takeRemainder().toString(), 'bcd');
  assert.equal(d.buffered, 0);
});

test('line decoder: random bytes give lines or typed errors, never anything else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
      const d = new LineDecoder({ maxLineLength: 16 });
      try {
        for (const line of decodeAll(d, splitAt(Buffer.from(bytes), cuts))) assert.ok(line.length <= 16);
      } catch (err) {
        assert.ok(isPeerwayError(err, ErrorCodes.FRAME_TOO_LONG));
      }
    }),
  );
});

test('line decoder: large chunks and long lines (split in place) decode like one chunk', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: fc.constantFrom('a', 'z', '\r', '\n'), maxLength: 3000 }), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (pieces, cuts) => {
        const data = Buffer.from(pieces.join('\n') + '\n', 'latin1');
        const whole = decodeAll(new LineDecoder({ maxLineLength: 20_000 }), [data]);
        const expected = data
          .toString('latin1')
          .split('\n')
          .slice(0, -1)
          .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        assert.deepEqual(whole, expected);
        assert.deepEqual(
          decodeAll(new LineDecoder({ maxLineLength: 20_000 }), splitAt(data, cuts)),
          expected,
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('line decoder: returned lines stay intact after later pushes', () => {
  const d = new LineDecoder({ maxLineLength: 10_000 });
  const kept: Buffer[] = [];
  for (let i = 0; i < 2000; i++) {
    d.push(Buffer.from(`line-${i}\n`.repeat(1 + (i % 3))));
    for (let line; (line = d.next()) !== null;) kept.push(line);
  }
  let n = 0;
  for (let i = 0; i < 2000; i++)
    for (let r = 0; r <= i % 3; r++) assert.equal(kept[n++]!.toString(), `line-${i}`);
});

test("line decoder, onOverflow 'skip': any chunking gives the lines within the limit, the rest counted", () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '{', '}', ' '), maxLength: 40 }), {
        maxLength: 20,
      }),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.integer({ min: 1, max: 30 }),
      (lines, cuts, limit) => {
        const data = Buffer.from(lines.map((l) => l + '\n').join(''), 'latin1');
        const d = new LineDecoder({ maxLineLength: limit, onOverflow: 'skip' });
        assert.deepEqual(
          decodeAll(d, splitAt(data, cuts)),
          lines.filter((l) => l.length <= limit),
        );
        assert.equal(d.dropped, lines.filter((l) => l.length > limit).length);
      },
    ),
  );
});

test("line decoder, onOverflow 'skip': an unterminated flood stays bounded and decoding resumes", () => {
  const d = new LineDecoder({ maxLineLength: 100, onOverflow: 'skip' });
  for (let i = 0; i < 100; i++) decodeAll(d, [Buffer.alloc(1000, 0x61)]);
  assert.ok(d.buffered <= 101);
  assert.deepEqual(decodeAll(d, [Buffer.from('tail\nnext\n')]), ['next']);
  assert.equal(d.dropped, 1);
  // Small chunks and a large chunk that completes the overlong line take the same path.
  assert.deepEqual(
    decodeAll(d, [Buffer.alloc(150, 0x62), Buffer.from('x\r\n' + 'ok\n'.repeat(200))]).length,
    200,
  );
  assert.equal(d.dropped, 2);
});

test('line decoder: a held partial line retains about its own bytes however it arrived', () => {
  const size = 39_996;
  const partial = Buffer.alloc(size, 0x61);
  const arrivals: Record<string, Buffer[]> = {
    'one chunk': [partial],
    '1 KiB chunks': splitEvery(partial, 1024),
    '64 B chunks': splitEvery(partial, 64),
    'after a long line': [
      ...splitEvery(Buffer.concat([partial, Buffer.from('\n')]), 1000),
      partial.subarray(0, 10),
    ],
  };
  for (const [how, chunks] of Object.entries(arrivals)) {
    const d = new LineDecoder({ maxLineLength: 40_000 });
    decodeAll(d, chunks);
    const pending = d.buffered;
    // At most a quarter or 8 KiB of spare room around the pending bytes.
    assert.ok(
      d.retainedBytes <= pending + Math.max(8192, pending >> 2),
      `${how}: ${d.retainedBytes} bytes retained for ${pending} pending`,
    );
    // The held line still completes intact.
    const rest = decodeAll(d, [Buffer.from('\n')]);
    assert.equal(rest.length, 1);
    assert.equal(rest[0]!.length, pending);
  }
  // The usual attack, one chunk held: exactly its bytes.
  const d = new LineDecoder({ maxLineLength: 40_000 });
  decodeAll(d, [partial]);
  assert.equal(d.retainedBytes, size);
});

function splitEvery(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}

test('line decoder: small chunks of whole lines are split in place, so an idle decoder holds no slab', () => {
  const d = new LineDecoder({ maxLineLength: 1000 });
  const chunk = Buffer.from('{"type": 793, "line": "hello"}\r\nsecond\n');
  d.push(chunk);
  const first = d.next();
  assert.ok(first !== null, 'the first line is complete');
  assert.equal(first.buffer, chunk.buffer, 'the line is a view of the received chunk, not a copy');
  assert.equal(d.next()?.toString(), 'second');
  assert.equal(d.next(), null);
  assert.equal(d.retainedBytes, 0, 'nothing pending: no slab kept while idle');
  // A chunk that ends mid-line is still copied into a slab, and the lines stay right.
  d.push(Buffer.from('par'));
  assert.equal(d.next(), null);
  assert.ok(d.retainedBytes > 0, 'a partial line is held in a slab');
  d.push(Buffer.from('tial\nnext\n'));
  assert.equal(d.next()?.toString(), 'partial');
  assert.equal(d.next()?.toString(), 'next');
});
