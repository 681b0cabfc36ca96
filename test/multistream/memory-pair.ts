/**
 * Two connected in-memory Duplex streams: what one writes, the other reads (handed over in a
 * microtask, like a transport would, so neither side runs inside the other's write). For framing
 * tests and the benchmark only; everything else uses real sockets.
 */
import { Duplex } from 'node:stream';

class MemoryEnd extends Duplex {
  peer: MemoryEnd | undefined;

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.peer!;
    queueMicrotask(() => {
      if (!peer.destroyed) peer.push(chunk);
    });
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const peer = this.peer!;
    queueMicrotask(() => {
      if (!peer.destroyed) peer.push(null);
    });
    callback();
  }

  override _read(): void {}

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer!;
    queueMicrotask(() => peer.destroy());
    callback(err);
  }
}

/** A connected pair: [dialer end, listener end]. */
export function memoryPair(): [Duplex, Duplex] {
  const a = new MemoryEnd({ allowHalfOpen: true });
  const b = new MemoryEnd({ allowHalfOpen: true });
  a.peer = b;
  b.peer = a;
  return [a, b];
}
