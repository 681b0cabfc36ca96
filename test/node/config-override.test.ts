import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import {
  layerFromPath,
  layerSets,
  mergeLayers,
  parseAssignment,
  scalarFromString,
} from '../../src/node/config-override.js';

const segment = fc
  .stringMatching(/^[A-Za-z0-9_-]{1,12}$/)
  .filter((s) => !['__proto__', 'prototype', 'constructor'].includes(s));
const path = fc.array(segment, { minLength: 1, maxLength: 5 });

test('--set: path=JSON round trips for any path and JSON value', () => {
  fc.assert(
    fc.property(path, fc.jsonValue(), (p, value) => {
      const parsed = parseAssignment(`${p.join('.')}=${JSON.stringify(value)}`);
      assert.deepEqual(parsed.path, p);
      // JSON turns -0 into 0; compare through JSON as the wire does.
      assert.deepEqual(JSON.stringify(parsed.value), JSON.stringify(value));
      assert.ok(layerSets(layerFromPath(parsed.path, parsed.value), p));
    }),
  );
});

test('--set: a value that is not JSON is taken as the plain string', () => {
  fc.assert(
    fc.property(path, fc.string(), (p, text) => {
      let isJson = true;
      try {
        JSON.parse(text);
      } catch {
        isJson = false;
      }
      fc.pre(!isJson);
      assert.equal(parseAssignment(`${p.join('.')}=${text}`).value, text);
    }),
  );
});

test('--set: any text parses or fails with ERR_CONFIG_INVALID, never anything else', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (text) => {
      try {
        parseAssignment(text);
      } catch (err) {
        assert.ok(isPeerwayError(err, ErrorCodes.CONFIG_INVALID));
      }
    }),
  );
});

test('mergeLayers: the upper layer wins field by field and inputs stay untouched', () => {
  const base = { a: { b: 1, c: 2 }, d: [1, 2], e: 'x' };
  const over = { a: { c: 3 }, d: [3], f: null };
  assert.deepEqual(mergeLayers(base, over), { a: { b: 1, c: 3 }, d: [3], e: 'x', f: null });
  assert.deepEqual(base, { a: { b: 1, c: 2 }, d: [1, 2], e: 'x' });
  const polluted = mergeLayers({}, JSON.parse('{"__proto__": {"polluted": true}}'));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(polluted.polluted, undefined);
});

test('scalarFromString: decimal integers become numbers, everything else stays a string', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
      assert.equal(scalarFromString(String(n)), n);
    }),
  );
  for (const text of ['', '08', '1.5', '-1', ' 1', 'abc', '1e3', '99999999999999999']) {
    assert.equal(scalarFromString(text), text);
  }
});
