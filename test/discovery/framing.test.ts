import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineFramer } from '../../src/discovery/line-framer.js';
import { decodeLine } from '../../src/discovery/rpc-message.js';

function feed(framer: LineFramer, chunks: Buffer[]): string[] {
  return chunks.flatMap((c) => framer.push(c)).map((b) => b.toString('latin1'));
}

function split(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(data.subarray(last, p));
    last = p;
  }
  out.push(data.subarray(last));
  return out;
}

test('any chunking gives the same lines, and only lines within the limit', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '{', '}', ' '), maxLength: 40 }), {
        maxLength: 20,
      }),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.integer({ min: 1, max: 30 }),
      (lines, cuts, limit) => {
        const data = Buffer.from(lines.map((l) => l + '\n').join(''), 'latin1');
        const framer = new LineFramer(limit);
        const got = feed(framer, split(data, cuts));
        assert.deepEqual(
          got,
          lines.filter((l) => l.length <= limit),
        );
        assert.equal(framer.dropped, lines.filter((l) => l.length > limit).length);
      },
    ),
  );
});

test('an unterminated long line does not grow the buffer past the limit', () => {
  const framer = new LineFramer(100);
  for (let i = 0; i < 100; i++) framer.push(Buffer.alloc(1000, 0x61));
  assert.ok(framer.buffered <= 100);
  assert.deepEqual(feed(framer, [Buffer.from('tail\nnext\n')]), ['next']);
  assert.equal(framer.dropped, 1);
});

test('decodeLine never throws and classifies every input', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      const r = decodeLine(text, 8);
      const messages = r.batch ? r.messages : [r.message];
      for (const m of messages) assert.ok(['request', 'response', 'invalid'].includes(m.kind));
    }),
  );
});

test('decodeLine accepts valid requests, responses and whitespace padding', () => {
  const r = decodeLine('{"jsonrpc":"2.0","method":"m","params":[1],"id":3    }', 8);
  assert.deepEqual(r, { batch: false, message: { kind: 'request', method: 'm', params: [1], id: 3 } });
  const n = decodeLine('{"jsonrpc":"2.0","method":"m"}', 8);
  assert.deepEqual(n, { batch: false, message: { kind: 'request', method: 'm', params: [] } });
  const e = decodeLine('{"jsonrpc":"2.0","error":{"code":1,"message":"x"},"id":"a"}', 8);
  assert.equal(!e.batch && e.message.kind === 'response' && e.message.error?.code, 1);
  const big = decodeLine(
    JSON.stringify(Array.from({ length: 9 }, () => ({ jsonrpc: '2.0', method: 'm' }))),
    8,
  );
  assert.equal(!big.batch && big.message.kind === 'invalid' && big.message.code, -32600);
  const badId = decodeLine('{"jsonrpc":"2.0","method":"m","id":{"x":1}}', 8);
  assert.equal(!badId.batch && badId.message.kind, 'invalid');
});
