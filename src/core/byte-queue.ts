/**
 * A queue of received chunks read without re-copying: the shared buffer behind both framing
 * decoders. Bytes are copied at most once, when a frame spans chunks.
 *
 * @module
 */

/** FIFO of byte chunks with a read offset into the first one. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0; // index of the first live chunk
  private offset = 0; // read offset inside chunks[head]
  /** Bytes queued and not yet consumed. */
  length = 0;
  // Where the last unsuccessful indexOf() stopped; valid while `epoch` is unchanged.
  private epoch = 0;
  private scanEpoch = -1;
  private scanChunk = 0;
  private scanBase = 0;

  /** The chunk holding the read position (undefined when empty); read from {@link ByteQueue.headOffset}. */
  get headChunk(): Buffer | undefined {
    return this.length === 0 ? undefined : this.chunks[this.head];
  }

  /** The read position inside {@link ByteQueue.headChunk}. */
  get headOffset(): number {
    return this.offset;
  }

  /** Appends a chunk (kept by reference, not copied). */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The byte at `index` from the read position, or -1 past the end. */
  byteAt(index: number): number {
    if (index >= this.length) return -1;
    let i = this.head;
    let pos = index + this.offset;
    for (;;) {
      const c = this.chunks[i]!;
      if (pos < c.length) return c[pos]!;
      pos -= c.length;
      i++;
    }
  }

  /**
   * Finds `byte` at or after `from` (counted from the read position); returns its index or -1.
   * A search that resumes where the previous one stopped starts at the chunk it stopped in, so
   * scanning a line that arrives in many chunks stays linear.
   */
  indexOf(byte: number, from: number): number {
    let i = this.head;
    let base = 0;
    if (this.scanEpoch === this.epoch && this.scanBase <= from) {
      i = this.scanChunk;
      base = this.scanBase;
    }
    const chunks = this.chunks;
    for (; i < chunks.length; i++) {
      const c = chunks[i]!;
      const start = i === this.head ? this.offset : 0;
      const size = c.length - start;
      if (from < base + size) {
        const begin = start + Math.max(0, from - base);
        let at = -1;
        if (c.length - begin <= 16) {
          // Tiny chunks: a plain loop is cheaper than a native call.
          for (let j = begin; j < c.length; j++) {
            if (c[j] === byte) {
              at = j;
              break;
            }
          }
        } else {
          at = c.indexOf(byte, begin);
        }
        if (at !== -1) return base + at - start;
      }
      base += size;
    }
    // Chunks are never modified once queued, so the next search can start after these.
    this.scanChunk = i;
    this.scanBase = base;
    this.scanEpoch = this.epoch;
    return -1;
  }

  /**
   * Removes and returns the next `n` bytes. A view into the received chunk when they lie in one
   * chunk (zero-copy), otherwise one new buffer.
   */
  read(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.head]!;
    if (first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.skip(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.head]!;
      const take = Math.min(c.length - this.offset, n - filled);
      if (take <= 16) {
        for (let j = 0; j < take; j++) out[filled + j] = c[this.offset + j]!;
      } else {
        c.copy(out, filled, this.offset, this.offset + take);
      }
      filled += take;
      this.skip(take);
    }
    return out;
  }

  /** Discards the next `n` bytes. */
  skip(n: number): void {
    if (n === 0) return;
    this.epoch++;
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[this.head]!;
      const left = c.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.head++;
      this.offset = 0;
    }
    // Compact the array now and then so consumed chunks can be collected.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    } else if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    }
  }

  /** Removes and returns everything queued. */
  readAll(): Buffer {
    return this.read(this.length);
  }
}
