/**
 * Property tests over an in-memory pair (pure framing: every write arrives as its own chunk):
 * any chunking of a valid exchange negotiates identically, and random or mutated input always
 * settles with one of our error codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import fc from 'fast-check';
import { isPeerwayError } from '../../src/core/index.js';
import { handle, select } from '../../src/multistream/index.js';
import { encodeMessage as encodeBytes } from '../../src/multistream/frames.js';
import { memoryPair } from './memory-pair.js';

/** One multistream message as a Buffer. */
const encodeMessage = (text: string | Uint8Array): Buffer => Buffer.from(encodeBytes(text));

const HEADER = encodeMessage('/multistream/1.0.0');
const NA = encodeMessage('na');

const protocolId = fc
  .string({ minLength: 1, maxLength: 40 })
  .filter((s) => !s.includes('\n') && s !== 'na' && s !== 'ls' && s !== '/multistream/1.0.0')
  .map((s) => `/${s}`);

/** Writes `bytes` split at `cuts`, one write (one chunk at the peer) per piece. */
function writeChunked(stream: Duplex, bytes: Buffer, cuts: number[]): void {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let last = 0;
  for (const p of [...points, bytes.length]) {
    if (p > last) stream.write(bytes.subarray(last, p));
    last = p;
  }
}

/** Everything `stream` delivers until it ends. */
function drain(stream: Duplex): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

test('listener: any chunking of a valid exchange negotiates identically', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(protocolId, { minLength: 1, maxLength: 5 }),
      fc.uint8Array({ maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      async (ids, tail, cuts) => {
        const wanted = ids[ids.length - 1]!;
        const [raw, ours] = memoryPair();
        const replies: Buffer[] = [];
        raw.on('data', (c: Buffer) => replies.push(c));
        const bytes = Buffer.concat([HEADER, ...ids.map((id) => encodeMessage(id)), Buffer.from(tail)]);
        writeChunked(raw, bytes, cuts);
        raw.end();
        assert.equal(await handle(ours, ['/other', wanted]), wanted);
        assert.deepEqual(await drain(ours), Buffer.from(tail));
        const expected = Buffer.concat([HEADER, ...ids.slice(0, -1).map(() => NA), encodeMessage(wanted)]);
        assert.deepEqual(Buffer.concat(replies), expected);
        ours.destroy();
      },
    ),
    { numRuns: 150 },
  );
});

test('dialer: any chunking of a valid exchange negotiates identically', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(protocolId, { minLength: 1, maxLength: 5 }),
      fc.nat(),
      fc.uint8Array({ maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      async (ids, pick, tail, cuts) => {
        const accepted = pick % ids.length;
        const [ours, raw] = memoryPair();
        const sent: Buffer[] = [];
        raw.on('data', (c: Buffer) => sent.push(c));
        const answer = Buffer.concat([
          HEADER,
          ...ids.slice(0, accepted).map(() => NA),
          encodeMessage(ids[accepted]!),
          Buffer.from(tail),
        ]);
        writeChunked(raw, answer, cuts);
        raw.end();
        assert.equal(await select(ours, ids), ids[accepted]);
        assert.deepEqual(await drain(ours), Buffer.from(tail));
        const proposals = ids.slice(0, accepted + 1).map((id) => encodeMessage(id));
        assert.deepEqual(Buffer.concat(sent), Buffer.concat([HEADER, ...proposals]));
        ours.destroy();
      },
    ),
    { numRuns: 150 },
  );
});

/** Settles: resolves with the protocol or rejects with one of our codes; anything else fails. */
async function settles(run: Promise<string>): Promise<void> {
  try {
    await run;
  } catch (err) {
    assert.ok(isPeerwayError(err) && /^ERR_(MULTISTREAM_|TIMEOUT)/.test(err.code), String(err));
  }
}

const validListenerInput = Buffer.concat([HEADER, encodeMessage('/a'), encodeMessage('/b/1.0.0')]);

const mutated = fc
  .tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
  .map(([flips, cut]) => {
    const bytes = Buffer.from(validListenerInput);
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    return bytes.subarray(0, cut % (bytes.length + 1));
  });

test('random and mutated bytes never hang or crash either side', async () => {
  const input = fc.oneof(
    fc.uint8Array({ maxLength: 2100 }).map((b) => Buffer.from(b)),
    mutated,
    fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.concat([HEADER, Buffer.from(b)])),
  );
  await fc.assert(
    fc.asyncProperty(input, fc.array(fc.nat(), { maxLength: 6 }), async (bytes, cuts) => {
      const [raw, ours] = memoryPair();
      raw.on('data', () => {});
      writeChunked(raw, bytes, cuts);
      raw.end();
      // The deadline is only a safety net: EOF must settle it long before.
      await settles(handle(ours, ['/b/1.0.0'], { timeout: 2000 }));
      const [oursDialer, rawListener] = memoryPair();
      rawListener.on('data', () => {});
      writeChunked(rawListener, bytes, cuts);
      rawListener.end();
      await settles(select(oursDialer, ['/a', '/b/1.0.0'], { timeout: 2000 }));
      ours.destroy();
      oursDialer.destroy();
    }),
    { numRuns: 200 },
  );
});
