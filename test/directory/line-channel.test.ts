import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { encodeEnvelope, type Envelope } from '../../src/directory/wire/envelope.js';
import { LineChannel } from '../../src/directory/wire/line-channel.js';
import type { PeerwayError } from '../../src/core/index.js';
import { splitAt } from '../helpers/chunks.js';

/** Feeds `bytes` in the given pieces to a channel over an in-memory stream (pure framing). */
async function feed(
  pieces: Buffer[],
  maxLineLength = 40_000,
): Promise<{ envelopes: Envelope[]; error?: PeerwayError }> {
  const stream = new PassThrough();
  const envelopes: Envelope[] = [];
  let error: PeerwayError | undefined;
  new LineChannel(
    stream,
    { onEnvelope: (e) => envelopes.push(e), onProtocolError: (e) => (error = e), onClose: () => {} },
    { maxLineLength, maxWriteBuffer: 1 << 20 },
  );
  for (const p of pieces) stream.write(p);
  await new Promise((r) => setImmediate(r));
  stream.destroy();
  return error === undefined ? { envelopes } : { envelopes, error };
}

test('line channel property: any chunking of CRLF or LF lines yields the same envelopes', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.string({ unit: 'grapheme', maxLength: 60 })), {
        maxLength: 20,
      }),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.boolean(),
      async (items, cuts, lf) => {
        const text = items.map(([t, l]) => encodeEnvelope(t, l)).join('');
        const bytes = Buffer.from(lf ? text.replaceAll('\r\n', '\n') : text);
        const { envelopes, error } = await feed(splitAt(bytes, cuts));
        assert.equal(error, undefined);
        assert.deepEqual(
          envelopes,
          items.map(([type, line]) => ({ type, line })),
        );
      },
    ),
    { numRuns: 200 },
  );
});

test('line channel: an oversize line fails as soon as it is seen, garbage fails the channel', async () => {
  const big = await feed([Buffer.from('x'.repeat(300))], 100);
  assert.equal(big.error?.code, 'ERR_FRAME_TOO_LONG');
  const garbage = await feed([Buffer.from(encodeEnvelope(687, 'a') + 'nope\r\n' + encodeEnvelope(687, 'b'))]);
  assert.equal(garbage.error?.code, 'ERR_DIRECTORY_BAD_ENVELOPE');
  assert.deepEqual(garbage.envelopes, [{ type: 687, line: 'a' }], 'nothing after the bad line is read');
});
