import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeEnvelope,
  encodeEnvelope,
  decodeCanonicalEnvelope,
} from '../../src/directory/wire/envelope.js';
import { pythonJson } from '../../src/directory/wire/python-json.js';
import { isPeerwayError } from '../../src/core/index.js';
import { envelopeOf, loadTranscripts } from './transcripts.js';

test('envelope: encodes exactly as the recorded reference bytes', () => {
  for (const r of loadTranscripts()) {
    const env = envelopeOf(r);
    assert.equal(encodeEnvelope(env.type, env.line), r.bytes.toString('utf8').replace(/\r?\n$/, '\r\n'));
  }
});

test('envelope: decodes any spacing and key order, rejects bad shapes', () => {
  assert.deepEqual(decodeEnvelope('{"line":"x","type":687}'), { type: 687, line: 'x' });
  assert.deepEqual(decodeEnvelope(Buffer.from('{ "type" : 1 , "line" : "" }')), { type: 1, line: '' });
  for (const bad of [
    'not json',
    '[]',
    'null',
    '{"type":"685","line":""}',
    '{"type":1.5,"line":""}',
    '{"type":1}',
    '{"type":1,"line":5}',
  ]) {
    assert.throws(
      () => decodeEnvelope(bad),
      (e) => isPeerwayError(e, 'ERR_DIRECTORY_BAD_ENVELOPE'),
      bad,
    );
  }
});

test('envelope: line limit is enforced and configurable', () => {
  const line = encodeEnvelope(687, 'x'.repeat(100)).trimEnd();
  assert.throws(
    () => decodeEnvelope(line, 50),
    (e) => isPeerwayError(e, 'ERR_DIRECTORY_BAD_ENVELOPE'),
  );
  assert.equal(decodeEnvelope(line, 200).line.length, 100);
});

test('envelope property: encode then decode gives back type and line', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 100_000 }),
      fc.string({ unit: 'grapheme', maxLength: 200 }),
      (type, line) => {
        const text = encodeEnvelope(type, line);
        assert.ok(text.endsWith('\r\n'));
        assert.ok(/^[\x20-\x7e]*\r\n$/.test(text), 'output is printable ASCII');
        assert.deepEqual(decodeEnvelope(text.slice(0, -2), 1_000_000), { type, line });
      },
    ),
  );
});

test('envelope property: arbitrary input either decodes or throws a typed error', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
      try {
        const env = decodeEnvelope(text);
        assert.equal(typeof env.line, 'string');
        assert.ok(Number.isSafeInteger(env.type));
      } catch (err) {
        assert.ok(isPeerwayError(err, 'ERR_DIRECTORY_BAD_ENVELOPE'));
      }
    }),
  );
});

test('python json: separators and ASCII escaping like json.dumps', () => {
  assert.equal(
    pythonJson({ a: 1, b: [true, null], c: { d: 'é\u2028' } }),
    '{"a": 1, "b": [true, null], "c": {"d": "\\u00e9\\u2028"}}',
  );
  assert.equal(pythonJson({}), '{}');
  // DEL is outside printable ASCII: Python escapes it, JSON.stringify would not.
  assert.equal(pythonJson({ a: 'x\u007fy' }), '{"a": "x\\u007fy"}');
  // Recorded from python3 json.dumps: every ASCII character, then é, U+2028, a lone surrogate, U+FFFF.
  const all = String.fromCharCode(...Array.from({ length: 0x80 }, (_, i) => i)) + '\u00e9\u2028\ud800\uffff';
  assert.equal(
    pythonJson(all),
    '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f !\\"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\\u007f\\u00e9\\u2028\\ud800\\uffff"',
  );
});

test('envelope property: the fast path agrees with JSON.parse and re-encodes to the same text', () => {
  const texts = fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 999_999 }), fc.string({ unit: 'binary', maxLength: 80 }))
      .map(([t, l]) => encodeEnvelope(t, l).slice(0, -2)),
    fc.string({ unit: 'binary', maxLength: 80 }).map((l) => `{"type": 685, "line": "${l}"}`),
    fc.string({ maxLength: 80 }).map((t) => `{"type": ${t}, "line": ""}`),
  );
  fc.assert(
    fc.property(texts, (text) => {
      const fast = decodeCanonicalEnvelope(text);
      if (fast === undefined) return;
      assert.deepEqual(fast, decodeEnvelope(text, 1_000_000));
      assert.equal(encodeEnvelope(fast.type, fast.line), text + '\r\n');
    }),
    { numRuns: 2000 },
  );
  assert.equal(decodeCanonicalEnvelope('{"type": 007, "line": ""}'), undefined);
  assert.deepEqual(decodeCanonicalEnvelope('{"type": 687, "line": "a!PUBLIC!b"}'), {
    type: 687,
    line: 'a!PUBLIC!b',
  });
});
