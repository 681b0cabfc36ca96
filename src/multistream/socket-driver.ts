/**
 * The Node driver for TCP and TLS sockets (`net.Socket` with its own `_read`): a
 * {@link DuplexDriver} that reads in flowing mode and keeps its listeners between negotiations
 * started back to back.
 *
 * Reading: through our own 'data' listener, so each chunk is answered as the socket delivers it,
 * with no tick in between. A socket pushes what it reads from I/O callbacks, never from inside
 * `_read()`, and its data and its EOF arrive in separate callbacks, each followed by the
 * microtasks; bytes already buffered are taken with `read(n)` of exactly what is there. So, as in
 * paused mode, Node never emits an 'end' before the caller of the negotiation can listen.
 *
 * Hand-back: the flowing state is set back first (null for a socket nobody had read, so a later
 * 'data' listener starts it; paused for one its owner paused), then bytes behind the last
 * negotiation message go back to the front of the read buffer with `unshift()`.
 *
 * Back to back: the listeners stay on the socket until the end of the microtask checkpoint in
 * which the negotiation's promise settles, and a negotiation started there (by code awaiting the
 * last one: the next select on the same connection, trySelect after a na, ls then select) takes
 * them over instead of removing and adding four listeners. Until then they ignore everything, so
 * code that reads the socket at once is not disturbed; they are gone before the next I/O event
 * or tick.
 *
 * @module
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { DuplexDriver, type FlowingDuplex } from './duplex-driver.js';

/**
 * Schedules the release: a reaction on a settled promise queues one microtask, as
 * `queueMicrotask()` does without the async resource and bound function Node makes for each call.
 */
const SETTLED = Promise.resolve();

/**
 * Drivers that handed their socket back and still listen, until their release: only those whose
 * promise settled in the current microtask checkpoint, so a scan is short, and no socket gets a
 * WeakMap entry (set and deleted per socket) just in case it negotiates again.
 */
const handedBack: SocketDriver[] = [];

/** The driver that just handed `stream` back, taken off the list, if there is one. */
export function claimSocketDriver(stream: Duplex): SocketDriver | undefined {
  for (let i = 0; i < handedBack.length; i++) {
    const driver = handedBack[i]!;
    if (driver.stream === stream) {
      driver.unlist(i);
      return driver;
    }
  }
  return undefined;
}

/** A stream's `_read`, compared by identity only. */
type WithRead = { readonly _read: unknown };
const socketRead = (net.Socket.prototype as WithRead)._read;

/** True for a socket whose chunks come from I/O callbacks (TCP, TLS, not a subclass's own `_read`). */
export function isPlainSocket(stream: Duplex): boolean {
  return stream instanceof net.Socket && (stream as WithRead)._read === socketRead;
}

/** Negotiations on one TCP or TLS socket. */
export class SocketDriver extends DuplexDriver {
  /** Our listeners are on the socket. */
  private listening = false;
  /** On the {@link handedBack} list. */
  private listed = false;
  private releaseQueued = false;
  private readonly onData = this.handleData.bind(this);
  private readonly release = this.handleRelease.bind(this);

  constructor(stream: FlowingDuplex) {
    super(stream);
  }

  protected override ownDataListeners(): number {
    return this.listening ? 1 : 0;
  }

  protected override listen(): void {
    const { stream } = this;
    this.prevFlowing = stream.readableFlowing === false ? false : null;
    if (this.listening) return;
    this.listening = true;
    // Not flowing while the listener goes on, or adding it would schedule a resume of its own.
    stream.readableFlowing = false;
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  protected override unlisten(): void {
    this.stopWaitingForDrain();
    if (!this.listening) return;
    const { stream } = this;
    this.listening = false;
    stream.off('data', this.onData);
    stream.off('end', this.onEnd);
    stream.off('close', this.onEnd);
    stream.off('error', this.onError);
  }

  /** Lets the socket flow to the running negotiation: what it has buffered first, then new chunks. */
  protected override read(): void {
    const { stream } = this;
    const exchange = this.exchange;
    if (exchange === undefined || this.blocked) return;
    stream.readableFlowing = true;
    // Bytes buffered before we flowed (put back by the last negotiation, or sent early), all at
    // once to our 'data' listener: reading exactly what is there never schedules 'end'.
    while (stream.readableLength > 0) {
      stream.read(stream.readableLength);
      if (this.exchange !== exchange || this.blocked) return;
    }
    // Keeps the socket reading, and lets an EOF already received surface as 'end'.
    stream.read(0);
  }

  private handleData(chunk: Uint8Array | string): void {
    const exchange = this.exchange;
    // Between a hand-back and the release, the socket belongs to its caller: not ours to read.
    if (exchange !== undefined) this.take(exchange, chunk);
  }

  /** Stops the flow until the socket drains. */
  protected override waitForDrain(): void {
    this.stream.readableFlowing = false;
    super.waitForDrain();
  }

  protected override handBack(rest: Uint8Array): void {
    const { stream } = this;
    this.stopWaitingForDrain();
    // Stop the flow before putting bytes back, or unshift() would hand them straight to us.
    if (this.prevFlowing === false) stream.pause();
    else stream.readableFlowing = null;
    if (rest.length > 0) stream.unshift(rest);
  }

  /** Keeps the listeners for a negotiation started by whoever awaited this one (see above). */
  protected override handedBack(): void {
    if (!this.listed) {
      this.listed = true;
      handedBack.push(this);
    }
    if (!this.releaseQueued) {
      this.releaseQueued = true;
      void SETTLED.then(this.release);
    }
  }

  /** Takes this driver off the {@link handedBack} list, where it sits at `at` if known. */
  unlist(at = handedBack.indexOf(this)): void {
    if (!this.listed) return;
    this.listed = false;
    handedBack.splice(at, 1);
  }

  private handleRelease(): void {
    this.releaseQueued = false;
    if (this.exchange !== undefined) return;
    this.unlist();
    this.unlisten();
  }
}
