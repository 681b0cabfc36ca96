/**
 * Newline framing for JSON-RPC with ElectrumX's tolerance: a line longer than the limit is
 * skipped up to its `\n` and reported, and the stream carries on (core's LineDecoder fails the
 * whole connection instead, which is right for handshakes but not here).
 *
 * @module
 */

const LF = 0x0a;

/** Splits a byte stream into lines, dropping (and counting) any longer than `maxLine` bytes. */
export class LineFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private discarding = false;
  /** Lines dropped for being too long. */
  dropped = 0;

  constructor(private readonly maxLine: number) {}

  /** Bytes held for an incomplete line. */
  get buffered(): number {
    return this.size;
  }

  /** Feeds a chunk; returns the complete lines it finished (without their `\n`). */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let start = 0;
    while (start < chunk.length) {
      const at = chunk.indexOf(LF, start);
      if (at === -1) {
        this.append(chunk.subarray(start));
        break;
      }
      this.append(chunk.subarray(start, at));
      if (this.discarding) {
        this.discarding = false;
      } else {
        out.push(this.size === 0 ? Buffer.alloc(0) : this.take());
      }
      this.parts = [];
      this.size = 0;
      start = at + 1;
    }
    return out;
  }

  private append(piece: Buffer): void {
    if (this.discarding || piece.length === 0) return;
    if (this.size + piece.length > this.maxLine) {
      this.discarding = true;
      this.dropped++;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private take(): Buffer {
    return this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.size);
  }
}
