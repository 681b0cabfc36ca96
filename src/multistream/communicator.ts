/**
 * The communicator (py-libp2p's `MultiselectCommunicator`): `read()` and `write()` of one
 * multistream message, for callers who drive the exchange themselves. It works on any byte
 * channel, an async iterable of byte arrays to read and a function to write, so it runs on a Node
 * socket, a WebSocket in a browser or a js-libp2p stream alike. Portable.
 *
 * @module
 */
import { ErrorCodes, abortError, isPeerwayError, type AbortOptions } from '../core/portable.js';
import { encodeMessage } from './frames.js';
import { messageText, multistreamError, withContext } from './errors.js';
import { MessageReader } from './message-reader.js';

/** Where a communicator reads and writes: bytes in as an async iterable, bytes out through `write`. */
export interface ByteChannel {
  /** The received bytes, in order; its end is the end of the stream. */
  readonly source: AsyncIterable<Uint8Array>;
  /** Sends bytes; may return a promise that settles once they are accepted. */
  write(data: Uint8Array): unknown;
}

/** Options for {@link MultiselectCommunicator}. */
export interface MultiselectCommunicatorInit {
  /** Deadline for each `read()` in milliseconds, unless the call gives a signal; 0 disables it. @default 10000 */
  timeout?: number;
}

const CONTEXT = { role: 'communicator' };

/**
 * Reads and writes single multistream messages on a byte channel. Errors are PeerwayErrors with
 * `details.role === 'communicator'`, which {@link multiselectErrorKind} maps to py-libp2p's
 * `MultiselectCommunicatorError`. Bytes read past the last message stay in the communicator:
 * take them with {@link MultiselectCommunicator.takeRemainder} when the protocol starts.
 *
 * @example
 * ```ts
 * const com = new MultiselectCommunicator({ source: socket, write: (b) => socket.write(b) });
 * await com.write('/multistream/1.0.0');
 * isValidHandshake(await com.read()); // true
 * ```
 */
export class MultiselectCommunicator {
  private readonly reader = new MessageReader();
  private readonly iterator: AsyncIterator<Uint8Array>;
  private readonly timeout: number;
  private pending: Promise<Uint8Array | undefined> | undefined;

  constructor(
    private readonly channel: ByteChannel,
    init: MultiselectCommunicatorInit = {},
  ) {
    this.iterator = channel.source[Symbol.asyncIterator]();
    this.timeout = init.timeout ?? 10_000;
  }

  /** Sends `text` as one message (the newline and length prefix are added). */
  async write(text: string, options: AbortOptions = {}): Promise<void> {
    let frame: Uint8Array;
    try {
      if (options.signal?.aborted === true) throw abortError(options.signal, 'multistream write');
      frame = encodeMessage(text);
      await this.channel.write(frame);
    } catch (err) {
      throw withContext(
        isPeerwayError(err)
          ? err
          : multistreamError(ErrorCodes.MULTISTREAM_EOF, 'write failed', undefined, err),
        CONTEXT,
      );
    }
  }

  /**
   * Reads one message and returns its text without the newline. Throws at the end of the stream
   * (ERR_MULTISTREAM_EOF), on a malformed message, on the deadline or on abort.
   */
  async read(options: AbortOptions = {}): Promise<string> {
    try {
      for (;;) {
        const message = this.reader.next();
        if (message !== null) return messageText(message);
        const chunk = await this.nextChunk(options.signal);
        if (chunk === undefined) {
          throw multistreamError(ErrorCodes.MULTISTREAM_EOF, 'stream ended before a whole message');
        }
        this.reader.push(chunk);
      }
    } catch (err) {
      throw withContext(err, CONTEXT);
    }
  }

  /** Removes and returns the bytes received after the last message read. */
  takeRemainder(): Uint8Array {
    return this.reader.takeRemainder();
  }

  private nextChunk(signal: AbortSignal | undefined): Promise<Uint8Array | undefined> {
    // A read given up on (deadline, abort) leaves its pending chunk for the next read.
    const next = (this.pending ??= this.iterator.next().then((r) => {
      this.pending = undefined;
      return r.done === true ? undefined : r.value;
    }));
    const bound = signal ?? (this.timeout > 0 ? AbortSignal.timeout(this.timeout) : undefined);
    if (bound === undefined) return next;
    if (bound.aborted) return Promise.reject(abortError(bound, 'multistream read'));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => reject(abortError(bound, 'multistream read'));
      bound.addEventListener('abort', onAbort, { once: true });
      next.then(
        (v) => {
          bound.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          bound.removeEventListener('abort', onAbort);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}
