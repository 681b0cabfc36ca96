import { ErrorCodes } from './codes.js';
import { PeerwayError } from './errors.js';

const LF = 0x0a;
const CR = 0x0d;
/** Chunks at least this large, arriving with nothing pending, are split in place without copying. */
const DIRECT_MIN = 512;
/** Smallest slab allocated for partial lines. Small, so idle connections hold little memory. */
const MIN_SLAB = 1024;
/**
 * Pending lines at least this long grow their slab by an eighth instead of doubling it, so a
 * held partial line costs about its own bytes. 8 KiB: above the 2-6 KiB lines the fast path is
 * tuned for, so their slabs still double.
 */
const TIGHT_GROWTH = 8 * 1024;
/**
 * A held partial line whose slab has more than this many spare bytes (and over a quarter of the
 * line) is moved to a fitted slab. 8 KiB: larger than a doubled slab of the short lines the fast
 * path sees, so it never triggers there; the move copies at most the bytes freed, so stays linear.
 */
const HOLD_SLACK = 8 * 1024;
/** Chunks up to this size are copied and scanned with plain loops (cheaper than native calls). */
const SMALL = 32;
/** Unscanned runs up to this length are searched with a plain loop. */
const SCAN_LOOP = 16;
const EMPTY = Buffer.alloc(0);

/** Options for {@link LineDecoder}. */
export interface LineDecoderOptions {
  /** Longest line accepted, in bytes, without its `\n` or `\r\n`. */
  maxLineLength: number;
  /** Strip one `\r` before the `\n` (accept CRLF as well as LF). @default true */
  acceptCRLF?: boolean;
  /**
   * What a line over the limit does: `'fail'` throws ERR_FRAME_TOO_LONG and leaves the decoder
   * failed (right for handshakes and strict protocols); `'skip'` discards that line up to its
   * `\n`, counts it in {@link LineDecoder.dropped} and carries on (JSON-RPC servers do this).
   * @default 'fail'
   */
  onOverflow?: 'fail' | 'skip';
}

/**
 * Splits a byte stream into lines. Feed chunks with {@link LineDecoder.push} and pull lines with
 * {@link LineDecoder.next}; any chunking of the same bytes yields the same lines, in time linear
 * in the input. A large chunk that arrives with nothing pending is split in place (lines are views
 * of it); smaller pieces are copied once into an append-only slab and lines are views of that.
 * Bytes behind a returned line are never overwritten, so a line stays valid after later calls;
 * copy it (`Buffer.from(line)`) only to keep it long-term without pinning the slab.
 * A line longer than `maxLineLength` throws ERR_FRAME_TOO_LONG as soon as it is detected, and the
 * decoder then stays failed (the connection should be dropped); with `onOverflow: 'skip'` the line
 * is dropped and counted instead, and decoding carries on after its `\n`.
 *
 * @example
 * ```ts
 * const lines = new LineDecoder({ maxLineLength: 40_000 });
 * socket.on('data', (chunk) => {
 *   lines.push(chunk);
 *   for (let line; (line = lines.next()) !== null; ) handle(line);
 * });
 * ```
 */
export class LineDecoder {
  private readonly maxLineLength: number;
  private readonly acceptCRLF: boolean;
  // Pending bytes live in slab[start, end); slab[start, scan) is known to hold no LF.
  private slab: Buffer = EMPTY;
  private start = 0;
  private end = 0;
  private scan = 0;
  // A large chunk being split in place, from directPos on.
  private direct: Buffer | null = null;
  private directPos = 0;
  private failed: PeerwayError | undefined;
  private readonly skipOverflow: boolean;
  // Skipping the rest of an overlong line up to its LF.
  private discarding = false;
  /** Lines dropped for being over the limit (only with `onOverflow: 'skip'`). */
  dropped = 0;

  constructor(options: LineDecoderOptions) {
    this.maxLineLength = options.maxLineLength;
    this.acceptCRLF = options.acceptCRLF ?? true;
    this.skipOverflow = options.onOverflow === 'skip';
  }

  /** Bytes buffered and not yet returned. */
  get buffered(): number {
    return this.end - this.start + (this.direct === null ? 0 : this.direct.length - this.directPos);
  }

  /**
   * Bytes of memory the decoder itself holds: its slab, which a held partial line keeps alive.
   * After {@link LineDecoder.next} returns null this exceeds the pending bytes by at most 8 KiB or
   * a quarter of them, whichever is more (a line that came in one chunk: not at all).
   */
  get retainedBytes(): number {
    return this.slab.buffer.byteLength;
  }

  /** Queues a received chunk. */
  push(chunk: Buffer): void {
    if (this.failed !== undefined) throw this.failedError();
    if (this.direct !== null) this.spillDirect();
    if (this.discarding) {
      // Nothing is pending while discarding: drop up to the overlong line's LF.
      const at = chunk.indexOf(LF);
      if (at === -1) return;
      this.discarding = false;
      chunk = chunk.subarray(at + 1);
    }
    if (chunk.length === 0) return;
    // A chunk of whole lines (it ends with LF) is split in place whatever its size: nothing is
    // copied, and a connection whose messages arrive whole never holds a slab while it idles.
    if (chunk.length >= DIRECT_MIN || (this.start === this.end && chunk[chunk.length - 1] === LF)) {
      if (this.start === this.end) {
        this.direct = chunk;
        this.directPos = 0;
        return;
      }
      // Copy only what completes the pending line; split the rest of the chunk in place.
      const at = chunk.indexOf(LF);
      if (at !== -1) {
        this.append(chunk.subarray(0, at + 1));
        if (at + 1 < chunk.length) {
          this.direct = chunk;
          this.directPos = at + 1;
        }
        return;
      }
    }
    this.append(chunk);
  }

  /** The next complete line (without its terminator), or null when more bytes are needed. */
  next(): Buffer | null {
    if (this.failed !== undefined) throw this.failedError();
    for (;;) {
      // Slab lines come first: a direct chunk only ever follows a completed slab line.
      if (this.start !== this.end) {
        const at = this.find();
        if (at !== -1) {
          const from = this.start;
          this.start = this.scan = at + 1;
          const line = this.cut(this.slab, from, at);
          if (line === null) continue;
          return line;
        }
        this.scan = this.end;
        this.checkPending();
        this.fitHeld();
        return null;
      }
      const direct = this.direct;
      if (direct !== null) {
        const at = direct.indexOf(LF, this.directPos);
        if (at !== -1) {
          const from = this.directPos;
          this.directPos = at + 1;
          if (this.directPos === direct.length) this.direct = null;
          const line = this.cut(direct, from, at);
          if (line === null) continue;
          return line;
        }
        this.spillDirect();
        this.scan = this.end;
        this.checkPending();
        this.fitHeld();
        return null;
      }
      // Nothing pending and the slab nearly used up: let it go rather than pin it while idle.
      if (this.slab.length - this.end < 256) this.reset();
      return null;
    }
  }

  /** Removes and returns the bytes buffered after the last complete line. */
  takeRemainder(): Buffer {
    let rest: Buffer;
    if (this.direct !== null) {
      rest = this.direct.subarray(this.directPos);
      this.direct = null;
    } else {
      rest = this.slab.subarray(this.start, this.end);
    }
    this.reset();
    return rest;
  }

  private reset(): void {
    this.slab = EMPTY;
    this.start = this.end = this.scan = 0;
  }

  /** Index of the next LF in the slab's unscanned bytes, or -1. */
  private find(): number {
    const slab = this.slab;
    const end = this.end;
    if (end - this.scan <= SCAN_LOOP) {
      for (let i = this.scan; i < end; i++) if (slab[i] === LF) return i;
      return -1;
    }
    // The slab is zero-filled and append-only, so its unwritten tail holds no LF and the native
    // search needs no bound.
    return slab.indexOf(LF, this.scan);
  }

  /**
   * The line in buf[from, lfAt) with an optional trailing CR removed, checked against the limit;
   * null when it was over the limit and skipped.
   */
  private cut(buf: Buffer, from: number, lfAt: number): Buffer | null {
    let stop = lfAt;
    if (this.acceptCRLF && stop > from && buf[stop - 1] === CR) stop--;
    if (stop - from > this.maxLineLength) {
      if (!this.skipOverflow) this.fail(stop - from);
      this.dropped++;
      return null;
    }
    return buf.subarray(from, stop);
  }

  private append(chunk: Buffer): void {
    const n = chunk.length;
    if (this.end + n > this.slab.length) this.grow(n);
    const slab = this.slab;
    if (n <= SMALL) {
      let end = this.end;
      for (let i = 0; i < n; i++) slab[end++] = chunk[i]!;
      this.end = end;
    } else {
      slab.set(chunk, this.end);
      this.end += n;
    }
  }

  /** Moves pending bytes to a new slab with room for `extra` more; the old slab is never reused. */
  private grow(extra: number): void {
    const pending = this.end - this.start;
    const need = pending + extra;
    const size = need < TIGHT_GROWTH ? Math.max(MIN_SLAB, 2 * need) : need + (need >> 3);
    const next = Buffer.alloc(size);
    next.set(this.slab.subarray(this.start, this.end), 0);
    this.scan -= this.start;
    this.start = 0;
    this.end = pending;
    this.slab = next;
  }

  private spillDirect(): void {
    const rest = this.direct!.subarray(this.directPos);
    this.direct = null;
    if (rest.length === 0) return;
    if (this.start === this.end && rest.length >= TIGHT_GROWTH) {
      // A long partial line on its own becomes a full slab of exactly its size: the received
      // chunk itself when that is nearly all it holds (a full slab is never written to, so the
      // caller's bytes stay untouched), else a copy.
      if (rest.buffer.byteLength - rest.length <= rest.length >> 3) {
        this.slab = rest;
      } else {
        this.slab = Buffer.allocUnsafeSlow(rest.length);
        this.slab.set(rest, 0);
      }
      this.start = this.scan = 0;
      this.end = rest.length;
      return;
    }
    this.append(rest);
  }

  /**
   * A partial line is held: when its slab is mostly spare room (lines already returned, or room
   * grown for bytes that did not come), move it to a fitted slab so that it costs its own bytes.
   */
  private fitHeld(): void {
    const pending = this.end - this.start;
    const spare = this.slab.length - pending;
    if (spare <= HOLD_SLACK || spare <= pending >> 2) return;
    if (pending === 0) return this.reset();
    const next = Buffer.alloc(Math.max(MIN_SLAB, pending + (pending >> 3)));
    next.set(this.slab.subarray(this.start, this.end), 0);
    this.scan -= this.start;
    this.start = 0;
    this.end = pending;
    this.slab = next;
  }

  private checkPending(): void {
    // One trailing CR may still turn out to be part of a CRLF terminator.
    const allowance = this.acceptCRLF ? 1 : 0;
    const pending = this.end - this.start;
    if (pending <= this.maxLineLength + allowance) return;
    if (!this.skipOverflow) this.fail(pending);
    // Drop what we hold of the overlong line and skip the rest of it as it arrives.
    this.dropped++;
    this.discarding = true;
    this.start = this.scan = this.end;
  }

  private fail(length: number): never {
    this.failed = new PeerwayError(
      ErrorCodes.FRAME_TOO_LONG,
      `line of ${length}+ bytes exceeds the limit of ${this.maxLineLength}`,
      { details: { limit: this.maxLineLength, length } },
    );
    throw this.failed;
  }

  private failedError(): PeerwayError {
    return new PeerwayError(ErrorCodes.DECODER_FAILED, 'line decoder already failed', { cause: this.failed });
  }
}
