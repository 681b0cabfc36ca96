import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeLine } from '../../src/discovery/rpc-message.js';

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
