/**
 * One connection speaking envelopes: splits incoming bytes into lines (limit enforced before
 * buffering more), decodes each envelope, and writes outgoing envelopes batched per event-loop
 * I/O phase with a bound on bytes queued for a slow reader. Used by both the server
 * (one per client) and the client.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { LineDecoder, PeerwayError, ErrorCodes } from '../../core/index.js';
import { decodeCanonicalEnvelope, decodeEnvelope, encodeEnvelope, type Envelope } from './envelope.js';

/** What a {@link LineChannel} reports to its owner. */
export interface LineChannelHandlers {
  /**
   * One decoded envelope. `canonical` is the line's text (without CRLF) when it is spelled
   * exactly as {@link encodeEnvelope} would spell it, so it can be forwarded without re-encoding.
   */
  onEnvelope(envelope: Envelope, canonical: string | undefined, size: number): void;
  /**
   * Called with each complete line's size before it is decoded; false skips the line undecoded
   * (a sender over its rate limits costs no decoding). @default every line is decoded
   */
  admit?(size: number): boolean;
  /** The stream broke a framing rule (oversize or garbage line); the channel is already closed. */
  onProtocolError(error: PeerwayError): void;
  /**
   * The channel now holds a partial line and the shared `held` tally grew (see
   * {@link LineChannelOptions.held}): the owner may close holders to stay in its budget.
   */
  onHeld?(): void;
  /** The underlying stream closed (once). */
  onClose(): void;
}

/** Options for {@link LineChannel}. */
export interface LineChannelOptions {
  /** Longest accepted line in bytes (terminator excluded). */
  maxLineLength: number;
  /** Bytes that may wait in the socket's write buffer before sends are refused. */
  maxWriteBuffer: number;
  /** Shared byte counters (a server's stats) bumped alongside the channel's own. */
  counters?: { bytesIn: number; bytesOut: number };
  /**
   * A tally shared by several channels of the bytes their held partial lines keep in memory;
   * each channel adds its own share and takes it back when its line completes or it closes.
   */
  held?: { bytes: number };
}

// Channels with queued output, flushed together once the current I/O phase is over: replies to
// every line read in one poll phase leave in one write per socket.
const dirty = new Set<LineChannel>();
let flushScheduled = false;
function flushAll(): void {
  flushScheduled = false;
  const channels = [...dirty];
  dirty.clear();
  for (const c of channels) c.flush();
}

/** Where a stream keeps the channel reading it. */
const CHANNEL = Symbol('lineChannel');
type ChannelStream = Duplex & { [CHANNEL]: LineChannel };

function onStreamData(this: Duplex, chunk: Buffer): void {
  (this as ChannelStream)[CHANNEL].onData(chunk);
}
function onStreamEnd(this: Duplex): void {
  (this as ChannelStream)[CHANNEL].destroy();
}
function onStreamClose(this: Duplex): void {
  (this as ChannelStream)[CHANNEL].onStreamClosed();
}

/** An envelope-speaking connection over any Duplex stream. */
export class LineChannel {
  /** Bytes received so far. */
  bytesIn = 0;
  /** Bytes handed to the stream so far. */
  bytesOut = 0;
  /** True once the stream closed or close() was called. */
  closed = false;
  /**
   * When (ms) the line now pending started to arrive, or 0 when no partial line is held: the
   * owner closes a connection that holds one too long.
   */
  partialSince = 0;
  /** Bytes of memory the partial line now held keeps (0 when none), counted in `held`. */
  heldBytes = 0;
  private readonly stream: Duplex;
  private readonly decoder: LineDecoder;
  private readonly handlers: LineChannelHandlers;
  private readonly maxLineLength: number;
  private readonly maxWriteBuffer: number;
  /** Text queued since the last flush: one write per socket per I/O phase. */
  private pending = '';
  private readonly counters: { bytesIn: number; bytesOut: number } | undefined;
  private readonly held: { bytes: number } | undefined;
  private closedSeen = false;

  constructor(stream: Duplex, handlers: LineChannelHandlers, options: LineChannelOptions) {
    this.stream = stream;
    this.handlers = handlers;
    this.maxLineLength = options.maxLineLength;
    this.maxWriteBuffer = options.maxWriteBuffer;
    this.counters = options.counters;
    this.held = options.held;
    this.decoder = new LineDecoder({ maxLineLength: options.maxLineLength });
    // Shared listeners that find the channel on the stream: no closures per connection (a
    // directory holds many thousands of mostly idle ones).
    (stream as ChannelStream)[CHANNEL] = this;
    stream.on('data', onStreamData);
    stream.on('error', onStreamEnd);
    stream.on('end', onStreamEnd);
    stream.on('close', onStreamClose);
  }

  /** The underlying stream. */
  get raw(): Duplex {
    return this.stream;
  }

  /**
   * Queues one envelope. Returns false (and sends nothing) when the channel is closed or the
   * reader is so slow that its write buffer is over the limit.
   */
  send(type: number, line: string): boolean {
    return this.sendText(encodeEnvelope(type, line));
  }

  /** Queues an already encoded envelope (CRLF included); see {@link LineChannel.send}. */
  sendText(text: string): boolean {
    if (this.closed || this.stream.writableLength + this.pending.length > this.maxWriteBuffer) return false;
    if (this.pending === '') {
      dirty.add(this);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushAll);
      }
    }
    this.pending += text;
    // Envelopes are ASCII (we escape everything else), so characters are bytes.
    this.bytesOut += text.length;
    if (this.counters !== undefined) this.counters.bytesOut += text.length;
    return true;
  }

  /** Flushes what is queued, then closes the stream (used after a rejection reply). */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.setHeld(0);
    this.flush();
    this.stream.end();
    // A peer that never reads must not keep the socket alive.
    const timer = setTimeout(() => this.stream.destroy(), 2000);
    timer.unref();
    this.stream.once('close', () => clearTimeout(timer));
  }

  /** Closes the stream at once. */
  destroy(): void {
    this.closed = true;
    this.setHeld(0);
    this.stream.destroy();
  }

  /** Writes out what is queued. */
  flush(): void {
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    dirty.delete(this);
    if (!this.stream.destroyed) this.stream.write(text);
  }

  /** @internal The stream's `data` listener. */
  onData(chunk: Buffer): void {
    if (this.closed) return;
    this.bytesIn += chunk.length;
    if (this.counters !== undefined) this.counters.bytesIn += chunk.length;
    try {
      this.decoder.push(chunk);
      let completed = false;
      for (let line = this.decoder.next(); line !== null; line = this.decoder.next()) {
        completed = true;
        if (line.length === 0) continue;
        if (this.handlers.admit !== undefined && !this.handlers.admit(line.length)) {
          if (this.closed) return;
          continue;
        }
        const text = line.toString('utf8');
        const fast = decodeCanonicalEnvelope(text);
        if (fast !== undefined) this.handlers.onEnvelope(fast, text, line.length);
        else this.handlers.onEnvelope(decodeEnvelope(text, this.maxLineLength), undefined, line.length);
        if (this.closed) return;
      }
      // The clock of a partial line starts when it starts: a completed line resets it.
      if (this.decoder.buffered === 0) this.partialSince = 0;
      else if (completed || this.partialSince === 0) this.partialSince = Date.now();
      const grew = this.setHeld(this.partialSince === 0 ? 0 : this.decoder.retainedBytes);
      if (grew && this.handlers.onHeld !== undefined) this.handlers.onHeld();
    } catch (err) {
      this.destroy();
      const error =
        err instanceof PeerwayError
          ? err
          : new PeerwayError(ErrorCodes.DIRECTORY_BAD_ENVELOPE, 'handler failed', { cause: err });
      this.handlers.onProtocolError(error);
    }
  }

  /** Records what the held partial line keeps now; true when that grew. */
  private setHeld(bytes: number): boolean {
    const delta = bytes - this.heldBytes;
    if (delta === 0) return false;
    this.heldBytes = bytes;
    if (this.held !== undefined) this.held.bytes += delta;
    return delta > 0;
  }

  /** @internal The stream's `close` listener (runs once: a stream closes once). */
  onStreamClosed(): void {
    if (this.closedSeen) return;
    this.closedSeen = true;
    this.closed = true;
    this.setHeld(0);
    this.handlers.onClose();
  }
}
