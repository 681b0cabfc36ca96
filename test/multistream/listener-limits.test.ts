/**
 * What one negotiation may cost a listener: a bounded number of `ls` answers and `na` rounds, and
 * no reading while the stream's write side is backed up (issue 12, finding 10: 150,000 `ls` that
 * the dialer never read grew a listener by 377 MB).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { Multiselect } from '../../src/multistream/index.js';
import { MAX_LS_PER_NEGOTIATION, MAX_NA_PER_NEGOTIATION } from '../../src/multistream/constants.js';
import { encodeMessage as encodeBytes } from '../../src/multistream/frames.js';
import { encodeLsReply } from '../../src/multistream/ls-list.js';
import { tcpPair } from './tcp-pair.js';

/** One multistream message as a Buffer. */
const encodeMessage = (text: string | Uint8Array): Buffer => Buffer.from(encodeBytes(text));

const HEADER = encodeMessage('/multistream/1.0.0');
const LS = encodeMessage('ls');

function registry(protocols: string[]): Multiselect {
  const mss = new Multiselect({ timeout: 3000 });
  for (const p of protocols) mss.addHandler(p, () => {});
  return mss;
}

const tooMany = (err: unknown): boolean => isPeerwayError(err, ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS);

test('listener: an ls flood that is never read is cut off after a few answers and counted', async () => {
  await using pair = await tcpPair();
  const protocols = Array.from({ length: 10 }, (_, i) => `/flood/test/${i}/1.0.0`);
  const mss = registry(protocols);
  const reply = encodeLsReply(protocols).length;
  const negotiation = mss.negotiate(pair.listener);
  // 20,000 requests (80 KB) in one go; the dialer never reads a byte.
  pair.dialer.pause();
  pair.dialer.write(Buffer.concat([HEADER, ...Array<Buffer>(20_000).fill(LS)]));
  await assert.rejects(negotiation, tooMany);
  assert.ok(pair.listener.destroyed, 'the flooder’s stream is closed');
  assert.ok(
    pair.listener.bytesWritten <= HEADER.length + MAX_LS_PER_NEGOTIATION * reply,
    `listener wrote ${pair.listener.bytesWritten} bytes`,
  );
  assert.equal(mss.stats.failed[ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS], 1);
  assert.equal(mss.stats.ls, MAX_LS_PER_NEGOTIATION);
});

test('listener: endless unknown proposals are cut off after a bounded number of na rounds', async () => {
  await using pair = await tcpPair();
  const mss = registry(['/wanted/1.0.0']);
  const negotiation = mss.negotiate(pair.listener);
  const proposals = Array.from({ length: 5000 }, (_, i) => encodeMessage(`/nope/${i}`));
  pair.dialer.write(Buffer.concat([HEADER, ...proposals]));
  await assert.rejects(negotiation, tooMany);
  assert.ok(pair.listener.destroyed);
  assert.equal(mss.stats.na, MAX_NA_PER_NEGOTIATION);
  assert.equal(mss.stats.failed[ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS], 1);
});

test('listener: honest dialers within the bounds are served as before', async () => {
  await using pair = await tcpPair();
  const mss = registry(['/wanted/1.0.0']);
  const negotiation = mss.negotiate(pair.listener);
  const refused = Array.from({ length: MAX_NA_PER_NEGOTIATION }, (_, i) => encodeMessage(`/nope/${i}`));
  const asks = Array<Buffer>(MAX_LS_PER_NEGOTIATION).fill(LS);
  pair.dialer.write(Buffer.concat([HEADER, ...asks, ...refused, encodeMessage('/wanted/1.0.0')]));
  assert.equal((await negotiation).protocol, '/wanted/1.0.0');
});

/** A stream whose peer reads nothing: every write stays queued, so the write side backs up. */
class StuckPeer extends Duplex {
  written = 0;
  override _write(chunk: Buffer, _encoding: BufferEncoding, _callback: () => void): void {
    this.written += chunk.length; // the callback never runs: nothing is ever taken off the wire
  }
  override _read(): void {}
}

test('listener: stops reading while its write side is backed up', async () => {
  // About 100 KB of list: one answer fills the stream's 16 KiB write buffer many times over.
  const protocols = Array.from({ length: 200 }, (_, i) => `/big/${i}/${'x'.repeat(480)}`);
  const mss = registry(protocols);
  const reply = encodeLsReply(protocols).length;
  const stream = new StuckPeer();
  const negotiation = mss.negotiate(stream, { timeout: 300 });
  stream.push(Buffer.concat([HEADER, LS, LS, LS]));
  // The deadline is unreferenced, and this stream holds no handle: keep the test's loop alive.
  const alive = setTimeout(() => {}, 5000);
  await assert
    .rejects(negotiation, (err) => isPeerwayError(err, ErrorCodes.TIMEOUT))
    .finally(() => clearTimeout(alive));
  // The first answer went out; the rest waited for a 'drain' that never came.
  assert.equal(mss.stats.ls, 1);
  assert.ok(stream.written <= HEADER.length + reply, `wrote ${stream.written} bytes`);
});
