import type { Duplex } from 'node:stream';
import { PeerwayError, type ErrorCode } from '../core/index.js';

/**
 * Reads exactly `n` bytes from a stream in paused mode and leaves every byte after them in the
 * stream's buffer, so a handshake can hand the socket on without losing data the peer sent early.
 * Rejects with `code` when the stream ends, closes or fails first. Listeners are always removed;
 * cancellation is the caller's job (destroying the stream rejects this read).
 */
export function readExact(stream: Duplex, n: number, code: ErrorCode, what: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
    };
    const fail = (message: string, cause?: unknown): void => {
      cleanup();
      reject(new PeerwayError(code, `${what}: ${message}`, { cause, details: { wanted: n } }));
    };
    const onReadable = (): void => {
      const chunk = stream.read(n) as Buffer | null;
      if (chunk === null) return;
      if (chunk.length < n) {
        // read() hands back a short remainder only once the stream has ended.
        fail(`stream ended after ${chunk.length} of ${n} bytes`);
        return;
      }
      cleanup();
      resolve(chunk);
    };
    const onEnd = (): void => fail('connection closed');
    const onError = (err: Error): void => fail(err.message, err);
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
    if (stream.destroyed) {
      fail('connection closed');
      return;
    }
    onReadable();
  });
}
