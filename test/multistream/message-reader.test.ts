import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError, type ErrorCode } from '../../src/core/index.js';
import { encodeMessage as encodeBytes } from '../../src/multistream/frames.js';
import { MessageReader } from '../../src/multistream/message-reader.js';
import { splitAt } from '../helpers/chunks.js';

/** One multistream message as a Buffer. */
const encodeMessage = (text: string | Uint8Array): Buffer => Buffer.from(encodeBytes(text));

const MAX = 1024;

/** A message's text: the reader returns it with its newline, as sent. */
function text(message: Buffer): string {
  assert.equal(message[message.length - 1], 0x0a);
  return message.toString('utf8', 0, message.length - 1);
}

function readAll(chunks: Buffer[], max = MAX): string[] {
  const reader = new MessageReader({ maxLength: max, maxLengthBytes: 2, singleLine: true });
  const out: string[] = [];
  for (const c of chunks) {
    reader.push(c);
    for (let m; (m = reader.next()) !== null;) out.push(text(Buffer.from(m)));
  }
  return out;
}

function rejects(hex: string, code: ErrorCode): void {
  assert.throws(
    () => readAll([Buffer.from(hex.replace(/ /g, ''), 'hex')]),
    (err) => isPeerwayError(err, code),
    hex,
  );
}

test('message reader: wire vectors from real peers', () => {
  const header = Buffer.from('132f6d756c746973747265616d2f312e302e300a', 'hex');
  assert.deepEqual(encodeMessage('/multistream/1.0.0'), header);
  assert.deepEqual(encodeMessage('na'), Buffer.from('036e610a', 'hex'));
  assert.deepEqual(encodeMessage('ls'), Buffer.from('036c730a', 'hex'));
  assert.deepEqual(encodeMessage('/noise'), Buffer.from('072f6e6f6973650a', 'hex'));
  assert.deepEqual(encodeMessage('x'.repeat(1024)).subarray(0, 2), Buffer.from('8108', 'hex'));
  assert.deepEqual(readAll([Buffer.concat([header, encodeMessage('na')])]), ['/multistream/1.0.0', 'na']);
});

test('message reader: every violation has its own code', () => {
  rejects('81 08', ErrorCodes.MULTISTREAM_TOO_LONG); // 1025, rejected from the prefix alone
  rejects('80 80 01', ErrorCodes.MULTISTREAM_TOO_LONG); // 3-byte prefix
  rejects('83 00 61 62 0a', ErrorCodes.MULTISTREAM_NOT_MINIMAL); // length 3 in two bytes
  rejects('00', ErrorCodes.MULTISTREAM_MALFORMED); // empty
  rejects('03 61 62 63', ErrorCodes.MULTISTREAM_MALFORMED); // no trailing newline
  rejects('04 61 0a 62 0a', ErrorCodes.MULTISTREAM_MALFORMED); // two lines in one message
  // A lone newline and CRLF are well-formed messages; exact matching happens above the reader.
  assert.deepEqual(readAll([Buffer.from('010a', 'hex')]), ['']);
  assert.deepEqual(readAll([Buffer.from('082f6e6f6973650d0a', 'hex')]), ['/noise\r']);
});

test('message reader: 1024 bytes pass, and the limit is the caller’s', () => {
  const big = encodeMessage('y'.repeat(1023));
  assert.equal(readAll([big])[0]!.length, 1023);
  assert.throws(
    () => readAll([big], 100),
    (err) => isPeerwayError(err, ErrorCodes.MULTISTREAM_TOO_LONG),
  );
});

const protocolId = fc
  .string({ minLength: 1, maxLength: 300, unit: 'grapheme' })
  .filter((s) => !s.includes('\n') && Buffer.byteLength(s) <= 1023);

test('message reader: any chunking yields the same messages and the same remainder', () => {
  fc.assert(
    fc.property(
      fc.array(protocolId, { minLength: 1, maxLength: 8 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (ids, tail, cuts) => {
        const bytes = Buffer.concat([...ids.map((id) => encodeMessage(id)), Buffer.from(tail)]);
        const reader = new MessageReader();
        const out: string[] = [];
        for (const c of splitAt(bytes, cuts)) {
          reader.push(c);
          while (out.length < ids.length) {
            const m = reader.next();
            if (m === null) break;
            out.push(text(Buffer.from(m)));
          }
        }
        assert.deepEqual(out, ids);
        assert.deepEqual(Buffer.from(reader.takeRemainder()), Buffer.from(tail));
      },
    ),
  );
});

test('message reader: random bytes never exceed the limits and fail only with our codes', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 8 }), (chunks) => {
      const reader = new MessageReader();
      try {
        for (const c of chunks) {
          reader.push(Buffer.from(c));
          for (let m; (m = reader.next()) !== null;) {
            assert.ok(m.length <= MAX);
            assert.equal(m.indexOf(0x0a), m.length - 1, 'one newline, at the end');
          }
          // Only an incomplete message is held back: at most the largest frame.
          assert.ok(reader.buffered <= MAX + 2);
        }
      } catch (err) {
        assert.ok(isPeerwayError(err) && err.code.startsWith('ERR_MULTISTREAM_'), String(err));
      }
    }),
  );
});
