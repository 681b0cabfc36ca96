/**
 * `peerway/multistream/libp2p`: a drop-in for js-libp2p's `@libp2p/multistream-select` 7, with
 * the same exports (`select`, `handle`, `PROTOCOL_ID`, `MultistreamSelectInit`) working on
 * js-libp2p's own streams and connections, so a js-libp2p node negotiates every connection
 * upgrade and every stream with peerway's stricter and faster core. Alias it with npm
 * `overrides` pointing `@libp2p/multistream-select` at a two-file shim that re-exports this
 * module (docs/protocols/multistream.md has the exact lines):
 *
 * ```json
 * "overrides": { "@libp2p/multistream-select": "file:./multistream-select-peerway" }
 * ```
 *
 * Differences from the stock module, all within the spec: the first message must be the header,
 * messages must end in exactly one newline with a minimal length prefix, protocol ids match
 * byte for byte (no trimming of `\r` or spaces), a listener refuses past 32 `na` and 4 `ls` in one
 * negotiation, and a dialer fails on an answer that is neither its proposal nor `na`. Errors are
 * PeerwayErrors with ERR_MULTISTREAM_* codes whose `name` is the one js-libp2p's module would use
 * (`UnsupportedProtocolError`, `InvalidMessageError`, `UnexpectedEOFError`, ...). Also exports
 * the portable parts of the py-libp2p API (the communicator, `isValidHandshake`, the error map).
 *
 * Portable: imports nothing from Node, so it runs in a browser as js-libp2p does.
 *
 * @example
 * ```ts
 * import * as mss from 'peerway/multistream/libp2p';
 * const protocol = await mss.select(stream, ['/ipfs/ping/1.0.0'], { signal });
 * ```
 *
 * @module
 */
import { ErrorCodes, PeerwayError, isPeerwayError, toPeerwayError } from '../core/portable.js';
import { PROTOCOL_ID } from './constants.js';
import { SelectExchange } from './dialer-exchange.js';
import { multistreamError, withContext } from './errors.js';
import { HEADER_LINE, NA_LINE, protocolFrames, sameBytes, type ProtocolFrames } from './frames.js';
import { ListenerExchange } from './listener-exchange.js';
import { MessageReader } from './message-reader.js';
import {
  negotiateMessageStream,
  type Libp2pMessageEvent,
  type Libp2pMessageStream,
  type Libp2pStreamListener,
  type MessageStreamNegotiateOptions,
} from './message-stream.js';
import { NO_COUNTERS, tableFor, type TableEntry } from './protocol-table.js';
import { DEFAULT_NEGOTIATION_TIMEOUT } from './constants.js';

export { PROTOCOL_ID };
export type {
  Libp2pMessageStream,
  Libp2pMessageEvent,
  Libp2pStreamListener,
  MessageStreamNegotiateOptions,
} from './message-stream.js';
export { isValidHandshake, multiselectErrorKind, type MultiselectErrorKind } from './errors.js';
export {
  MultiselectCommunicator,
  type ByteChannel,
  type MultiselectCommunicatorInit,
} from './communicator.js';

/**
 * Options of {@link select} and {@link handle}, as `@libp2p/multistream-select` 7 takes them.
 * Its length-prefix options (`maxDataLength` and so on) are accepted and ignored: the limits of
 * multistream-select are fixed (1024-byte messages, 2-byte prefixes).
 */
export interface MultistreamSelectInit extends MessageStreamNegotiateOptions {
  /**
   * When false and exactly one protocol is proposed, select optimistically: send the header and
   * the proposal, resolve at once, and check the listener's answer before the first 'message'
   * reaches a listener of the caller's; a refusal aborts the stream with an
   * `UnsupportedProtocolError`. Unsafe for nested negotiation (see docs/protocols/multistream.md).
   * @default true
   */
  negotiateFully?: boolean;
  /** Accepted for compatibility and ignored. */
  maxDataLength?: number;
  /** Accepted for compatibility and ignored. */
  maxLengthLength?: number;
  /** Accepted for compatibility and ignored. */
  maxBufferSize?: number;
}

/** js-libp2p's error names for our codes, so code written against the stock module still matches. */
const JS_NAMES: Partial<Record<string, string>> = {
  [ErrorCodes.MULTISTREAM_NA]: 'UnsupportedProtocolError',
  [ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE]: 'UnsupportedProtocolError',
  [ErrorCodes.MULTISTREAM_BAD_HEADER]: 'InvalidMessageError',
  [ErrorCodes.MULTISTREAM_MALFORMED]: 'InvalidMessageError',
  [ErrorCodes.MULTISTREAM_NOT_MINIMAL]: 'InvalidMessageError',
  [ErrorCodes.MULTISTREAM_BAD_LS]: 'InvalidMessageError',
  [ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS]: 'InvalidMessageError',
  [ErrorCodes.MULTISTREAM_TOO_LONG]: 'InvalidDataLengthError',
  [ErrorCodes.MULTISTREAM_EOF]: 'UnexpectedEOFError',
  [ErrorCodes.ABORTED]: 'AbortError',
  [ErrorCodes.TIMEOUT]: 'TimeoutError',
  [ErrorCodes.INVALID_ARGUMENT]: 'InvalidParametersError',
};

function named(err: unknown): unknown {
  if (isPeerwayError(err)) err.name = JS_NAMES[err.code] ?? err.name;
  return err;
}

function rename<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((err: unknown) => {
    throw named(err);
  });
}

function framesOf(protocols: string | readonly string[]): ProtocolFrames[] {
  const list = typeof protocols === 'string' ? [protocols] : protocols;
  if (list.length === 0) {
    throw multistreamError(ErrorCodes.INVALID_ARGUMENT, 'At least one protocol must be specified');
  }
  try {
    return list.map(protocolFrames);
  } catch (err) {
    throw toPeerwayError(err, ErrorCodes.INVALID_ARGUMENT);
  }
}

/** Counts calls into the drop-in, so a test can prove an alias really resolved to it. */
export const dropInCalls = { select: 0, handle: 0 };

/**
 * Negotiates one of `protocols` as the dialer on a js-libp2p stream or connection, in order of
 * preference, and resolves with the one the listener echoed; the stream then carries it, with
 * any bytes that came behind the echo dispatched first. A refusal of every proposal rejects with
 * an `UnsupportedProtocolError` (code ERR_MULTISTREAM_NA) and leaves the stream to the caller;
 * any other failure aborts the stream.
 *
 * @example
 * ```ts
 * const protocol = await select(stream, ['/echo/2.0.0', '/echo/1.0.0'], { signal });
 * ```
 */
export async function select(
  stream: Libp2pMessageStream,
  protocols: string | string[],
  options: MultistreamSelectInit = {},
): Promise<string> {
  dropInCalls.select++;
  const frames = framesOf(protocols);
  if (options.negotiateFully === false && frames.length === 1) {
    return optimisticSelect(stream, frames[0]!, options);
  }
  return rename(negotiateMessageStream(new SelectExchange(frames, true), stream, options));
}

function pickProtocol(entry: TableEntry<undefined>): string {
  return entry.frames.protocol;
}

/**
 * Negotiates as the listener on a js-libp2p stream or connection: answers each proposal until
 * one of `protocols` is echoed, and resolves with it. The stream then carries the protocol, with
 * any bytes the dialer sent behind its proposal dispatched first. On failure the stream is
 * aborted.
 *
 * @example
 * ```ts
 * const protocol = await handle(stream, ['/ipfs/ping/1.0.0'], { signal });
 * ```
 */
export async function handle(
  stream: Libp2pMessageStream,
  protocols: string | string[],
  options: MultistreamSelectInit = {},
): Promise<string> {
  dropInCalls.handle++;
  const list = typeof protocols === 'string' ? [protocols] : protocols;
  if (list.length === 0) {
    throw named(multistreamError(ErrorCodes.INVALID_ARGUMENT, 'At least one protocol must be specified'));
  }
  let table;
  try {
    table = tableFor(list);
  } catch (err) {
    throw named(toPeerwayError(err, ErrorCodes.INVALID_ARGUMENT));
  }
  return rename(
    negotiateMessageStream(new ListenerExchange(table, NO_COUNTERS, false, pickProtocol), stream, options),
  );
}

/**
 * Optimistic select: header and proposal leave at once and the protocol is returned; the
 * caller's 'message' listeners are registered only once the listener's header and echo were
 * read, so no negotiation byte reaches them. A refusal, a protocol error, the deadline or the
 * signal aborts the stream, which is how the caller's first read learns of it.
 */
function optimisticSelect(
  stream: Libp2pMessageStream,
  frames: ProtocolFrames,
  options: MultistreamSelectInit,
): string {
  const reader = new MessageReader();
  const held: Array<[Libp2pStreamListener, unknown]> = [];
  const target = stream as Libp2pMessageStream & {
    addEventListener: Libp2pMessageStream['addEventListener'];
    removeEventListener: Libp2pMessageStream['removeEventListener'];
  };
  const ownAdd = Object.prototype.hasOwnProperty.call(target, 'addEventListener');
  const ownRemove = Object.prototype.hasOwnProperty.call(target, 'removeEventListener');
  // The stream's own methods, called with the stream as `this` below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const add = target.addEventListener;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const remove = target.removeEventListener;
  let gotHeader = false;
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const context = { role: 'dialer', protocols: [frames.protocol], lazy: true };

  const restore = (): void => {
    done = true;
    if (ownAdd) target.addEventListener = add;
    else delete (target as { addEventListener?: unknown }).addEventListener;
    if (ownRemove) target.removeEventListener = remove;
    else delete (target as { removeEventListener?: unknown }).removeEventListener;
    remove.call(stream, 'message', onMessage);
    remove.call(stream, 'close', onClose);
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  };
  const fail = (err: unknown): void => {
    if (done) return;
    restore();
    const error = named(withContext(err, context)) as Error;
    if (stream.status === 'open') stream.abort(error);
  };
  const onMessage = (evt: Libp2pMessageEvent): void => {
    if (done) return;
    const { data } = evt;
    if (data === undefined) return;
    if (data instanceof Uint8Array) reader.push(data);
    else for (const chunk of data) reader.push(chunk);
    try {
      for (;;) {
        const message = reader.next();
        if (message === null) return;
        if (!gotHeader) {
          if (!sameBytes(message, HEADER_LINE)) {
            throw multistreamError(
              ErrorCodes.MULTISTREAM_BAD_HEADER,
              'first message was not /multistream/1.0.0',
            );
          }
          gotHeader = true;
          continue;
        }
        if (sameBytes(message, frames.line)) break;
        if (sameBytes(message, NA_LINE)) {
          throw multistreamError(
            ErrorCodes.MULTISTREAM_NA,
            'listener refused the optimistically selected protocol',
          );
        }
        throw multistreamError(
          ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE,
          'listener answered neither the proposal nor na',
        );
      }
    } catch (err) {
      fail(err);
      return;
    }
    restore();
    // The caller's listeners, then the bytes behind the echo (dispatched to them by the stream).
    for (const [listener, opts] of held) add.call(stream, 'message', listener, opts);
    const rest = reader.takeRemainder();
    if (rest.length > 0 && stream.status === 'open') stream.unshift(rest);
  };
  const onClose = (): void => {
    if (!done) restore();
  };
  const onAbort = (): void => {
    fail(new PeerwayError(ErrorCodes.ABORTED, 'multistream negotiation aborted'));
  };

  target.addEventListener = function (type: string, listener: Libp2pStreamListener, opts?: unknown): void {
    if (type === 'message' && !done) held.push([listener, opts]);
    else add.call(stream, type, listener, opts);
  };
  target.removeEventListener = function (type: string, listener: Libp2pStreamListener, opts?: unknown): void {
    const at = type === 'message' && !done ? held.findIndex(([l]) => l === listener) : -1;
    if (at >= 0) held.splice(at, 1);
    else remove.call(stream, type, listener, opts);
  };
  add.call(stream, 'message', onMessage);
  add.call(stream, 'close', onClose);
  if (options.signal !== undefined) {
    if (options.signal.aborted) {
      fail(new PeerwayError(ErrorCodes.ABORTED, 'multistream negotiation aborted'));
      throw named(new PeerwayError(ErrorCodes.ABORTED, 'multistream negotiation aborted'));
    }
    options.signal.addEventListener('abort', onAbort);
  }
  const timeout = options.timeout ?? DEFAULT_NEGOTIATION_TIMEOUT;
  if (timeout > 0 && Number.isFinite(timeout)) {
    timer = setTimeout(
      () => fail(new PeerwayError(ErrorCodes.TIMEOUT, 'multistream negotiation timed out')),
      timeout,
    );
    (timer as { unref?: () => void }).unref?.();
  }
  stream.send(frames.withHeader);
  return frames.protocol;
}
