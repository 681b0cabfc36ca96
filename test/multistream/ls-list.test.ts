import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { decodeLsReply, encodeLsReply } from '../../src/multistream/ls-list.js';
import { MessageReader } from '../../src/multistream/message-reader.js';

/** The reply body as our dialer sees it: the outer message, final newline removed. */
function body(reply: Buffer): Buffer {
  const reader = new MessageReader({ maxLength: 65536, maxLengthBytes: 3, singleLine: false });
  reader.push(reply);
  const message = reader.next()!;
  return Buffer.from(message.subarray(0, message.length - 1));
}

test('ls reply: the spec format, byte for byte as a js listener sends it', () => {
  const reply = Buffer.from(encodeLsReply(['/echo/1.0.0', '/noise']));
  assert.equal(reply.toString('hex'), '160c2f6563686f2f312e302e300a072f6e6f6973650a0a');
  assert.equal(Buffer.from(encodeLsReply(['/noise'])).toString('hex'), '09072f6e6f6973650a0a');
  assert.equal(Buffer.from(encodeLsReply([])).toString('hex'), '010a');
  assert.deepEqual(decodeLsReply(body(reply)), ['/echo/1.0.0', '/noise']);
  assert.deepEqual(decodeLsReply(body(Buffer.from(encodeLsReply([])))), []);
});

test('ls reply: py-libp2p’s newline-separated list is read as a fallback', () => {
  const text = Buffer.from('/a/1\n/b/2.0\n');
  const py = Buffer.concat([Buffer.from([text.length]), text]);
  assert.deepEqual(decodeLsReply(body(py)), ['/a/1', '/b/2.0']);
});

test('ls reply: garbage is ERR_MULTISTREAM_BAD_LS', () => {
  for (const hex of ['05', '03616263', '0a2f61']) {
    assert.throws(
      () => decodeLsReply(Buffer.from(hex, 'hex')),
      (err) => isPeerwayError(err, ErrorCodes.MULTISTREAM_BAD_LS),
      hex,
    );
  }
});

test('ls reply: round trip for any list of valid ids', () => {
  const id = fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme' }).filter((s) => !s.includes('\n'));
  fc.assert(
    fc.property(fc.array(id, { maxLength: 30 }), (ids) => {
      assert.deepEqual(decodeLsReply(body(Buffer.from(encodeLsReply(ids)))), ids);
    }),
  );
});

test('ls reply: random bodies decode or fail with ERR_MULTISTREAM_BAD_LS', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        const list = decodeLsReply(Buffer.from(bytes));
        assert.ok(list.every((p) => !p.includes('\n')));
      } catch (err) {
        assert.ok(isPeerwayError(err, ErrorCodes.MULTISTREAM_BAD_LS), String(err));
      }
    }),
  );
});
