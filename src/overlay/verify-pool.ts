import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { VERIFY_WORKER_QUEUE } from './constants.js';

/** The verdict on one signature, and the worker's time checking it (ms), for the sender's budget. */
export type VerifyDone = (ok: boolean, ms: number) => void;

/**
 * The worker's code: libsodium's Ed25519 verification over batches. A batch is one transferred
 * buffer: a u32 count, then per item a u32 message length, the 32-byte key, the 64-byte signature
 * and the message. The answer is a verdict byte and a time per item, in order.
 */
const WORKER_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodium);
parentPort.on('message', (buffer) => {
  const bytes = Buffer.from(buffer);
  const count = bytes.readUInt32BE(0);
  const ok = new Uint8Array(count);
  const ms = new Float64Array(count);
  let at = 4;
  for (let i = 0; i < count; i++) {
    const length = bytes.readUInt32BE(at);
    const key = bytes.subarray(at + 4, at + 36);
    const signature = bytes.subarray(at + 36, at + 100);
    const message = bytes.subarray(at + 100, at + 100 + length);
    at += 100 + length;
    const started = performance.now();
    ok[i] = sodium.crypto_sign_verify_detached(signature, message, key) ? 1 : 0;
    ms[i] = performance.now() - started;
  }
  parentPort.postMessage({ ok, ms }, [ok.buffer, ms.buffer]);
});`;

/** Per-item header in a batch: message length (4), key (32), signature (64). */
const ITEM_HEADER = 100;
/**
 * Batches the worker holds at once: one it works on and one waiting, so it never idles; what
 * arrives meanwhile joins the next batch, which grows with the load (fewer, larger messages).
 */
const BATCHES_IN_FLIGHT = 2;

/**
 * Ed25519 verification on a worker thread, so that a busy community spends its own thread on
 * decoding, answering and sending while another core checks signatures. Items go in batches (what
 * arrived in one turn of the event loop, or while the worker was busy) and come back in the order they went in, so each
 * sender's packets are handled in the order they arrived. At most `maxQueued` items wait at once:
 * past that {@link submit} refuses and the caller drops the packet, as a full socket buffer would.
 *
 * Only libsodium's verification runs here (the same library, so the same verdicts as on the main
 * thread); {@link VerifyPool.create} returns undefined when its binding does not load.
 */
export class VerifyPool {
  private readonly worker: Worker;
  /** Callbacks of the batches sent, oldest first. */
  private readonly inFlight: VerifyDone[][] = [];
  private batch: Array<{ key: Uint8Array; signature: Uint8Array; message: Uint8Array; done: VerifyDone }> =
    [];
  private batchBytes = 4;
  private queued = 0;
  private answered = 0;
  private flushing = false;
  private dead = false;

  private constructor(
    sodiumPath: string,
    private readonly maxQueued: number,
  ) {
    this.worker = new Worker(WORKER_CODE, { eval: true, workerData: { sodium: sodiumPath } });
    // The community's socket keeps the process alive while it runs; this thread never should.
    this.worker.unref();
    this.worker.on('message', (m: { ok: Uint8Array; ms: Float64Array }) => this.onResults(m));
    this.worker.on('error', () => this.fail());
    this.worker.on('exit', () => this.fail());
  }

  /**
   * The pool the communities of this process share (one thread, started by the first), or
   * undefined when libsodium's binding does not load here. Pair each call with {@link release}.
   */
  static acquire(): VerifyPool | undefined {
    if (shared === undefined || shared.pool.dead) {
      const pool = VerifyPool.create();
      if (pool === undefined) return undefined;
      shared = { pool, users: 0 };
    }
    shared.users++;
    return shared.pool;
  }

  /** One user of the shared pool is done with it; the last one stops its thread. */
  async release(): Promise<void> {
    if (shared?.pool !== this) return this.close();
    if (--shared.users > 0) return;
    shared = undefined;
    await this.close();
  }

  /** A pool of its own with one worker thread, or undefined when libsodium's binding does not load here. */
  static create(maxQueued: number = VERIFY_WORKER_QUEUE): VerifyPool | undefined {
    let path: string;
    try {
      const require = createRequire(import.meta.url);
      path = require.resolve('sodium-native');
      require(path);
    } catch {
      return undefined;
    }
    return new VerifyPool(path, maxQueued);
  }

  /** False once the worker has stopped (closed, or it failed): verify on the caller's thread. */
  get alive(): boolean {
    return !this.dead;
  }

  /** Signatures this pool's thread has checked. */
  get checked(): number {
    return this.answered;
  }

  /** Items submitted whose verdict has not come back yet. */
  get pending(): number {
    return this.queued;
  }

  /**
   * Queues one check of a 64-byte `signature` by the 32-byte Ed25519 `key` over `message`;
   * `done` is called later with the verdict. False (and `done` never called) when the queue is
   * full or the worker has stopped.
   */
  submit(key: Uint8Array, signature: Uint8Array, message: Uint8Array, done: VerifyDone): boolean {
    if (this.dead || this.queued >= this.maxQueued) return false;
    if (key.length !== 32 || signature.length !== 64)
      throw new RangeError('an Ed25519 key is 32 bytes, a signature 64');
    this.queued++;
    this.batch.push({ key, signature, message, done });
    this.batchBytes += ITEM_HEADER + message.length;
    if (!this.flushing) {
      this.flushing = true;
      // Everything that arrives in this turn of the event loop goes in one batch.
      setImmediate(() => this.flush());
    }
    return true;
  }

  private flush(): void {
    this.flushing = false;
    if (this.dead || this.batch.length === 0 || this.inFlight.length >= BATCHES_IN_FLIGHT) return;
    const items = this.batch;
    const buffer = Buffer.allocUnsafeSlow(this.batchBytes);
    this.batch = [];
    this.batchBytes = 4;
    buffer.writeUInt32BE(items.length, 0);
    let at = 4;
    for (const item of items) {
      buffer.writeUInt32BE(item.message.length, at);
      buffer.set(item.key, at + 4);
      buffer.set(item.signature, at + 36);
      buffer.set(item.message, at + 100);
      at += ITEM_HEADER + item.message.length;
    }
    this.inFlight.push(items.map((item) => item.done));
    this.worker.postMessage(buffer.buffer, [buffer.buffer]);
  }

  private onResults(m: { ok: Uint8Array; ms: Float64Array }): void {
    const callbacks = this.inFlight.shift();
    if (callbacks === undefined) return;
    this.queued -= callbacks.length;
    this.answered += callbacks.length;
    // The next batch goes before these are handled, so the worker works while this thread does.
    this.flush();
    for (let i = 0; i < callbacks.length; i++) callbacks[i]!(m.ok[i] === 1, m.ms[i]!);
  }

  /** The worker is gone: what waited is dropped (never called back) and new items are refused. */
  private fail(): void {
    this.dead = true;
    this.inFlight.length = 0;
    this.batch = [];
    this.queued = 0;
  }

  /** Stops the worker; pending items are never called back. Idempotent. */
  async close(): Promise<void> {
    if (this.dead) return;
    this.fail();
    await this.worker.terminate();
  }
}

/** The pool shared by the communities of this process, and how many hold it. */
let shared: { pool: VerifyPool; users: number } | undefined;
