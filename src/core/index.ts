/**
 * core: the I/O-free base every other module stands on. Errors with stable codes, abort and
 * deadline helpers, backoff, varints, framing decoders, the logger interface, typed events and
 * stats counters.
 *
 * @module
 */
export { ErrorCodes, type ErrorCode } from './codes.js';
export {
  PeerwayError,
  isPeerwayError,
  toPeerwayError,
  assertArgument,
  type PeerwayErrorOptions,
} from './errors.js';
export { deadline, abortError, throwIfAborted, raceSignal, sleep, type AbortOptions } from './abort.js';
export { deferred, type Deferred } from './deferred.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  encodeVarint,
  encodeVarintInto,
  decodeVarint,
  varintLength,
  MAX_VARINT_BYTES,
  type VarintDecodeOptions,
  type VarintResult,
} from './varint.js';
export { ByteQueue } from './byte-queue.js';
export { LineDecoder, type LineDecoderOptions } from './line-decoder.js';
export { LengthPrefixedDecoder, type LengthPrefixedDecoderOptions } from './lp-decoder.js';
export { encodeFrame } from './lp-encode.js';
export { silentLogger, type Logger, type LogFn } from './logger.js';
export { TypedEmitter, type EventMap } from './events.js';
export { TokenBucket } from './token-bucket.js';
export { RateLimiter, type RateLimiterInit } from './rate-limiter.js';
export { Lifecycle, StartableBase, type Startable, type LifecycleState } from './startable.js';
export { stopOnSignals, type StopOnSignalsOptions, type Stoppable } from './shutdown.js';
export { bump, flattenStats, type Stats, type StatsSource } from './stats.js';
