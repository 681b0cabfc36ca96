import { ErrorCodes, type ErrorCode } from './codes.js';

/** Options for {@link PeerwayError}. */
export interface PeerwayErrorOptions {
  /** The underlying error, kept for diagnosis. */
  cause?: unknown;
  /** Structured facts about the failure (protocols tried, limits, addresses). Never secrets. */
  details?: Record<string, unknown>;
}

/**
 * The one error class peerway throws. `code` is stable and documented in `codes.ts`; match on it.
 *
 * @example
 * ```ts
 * try { await select(socket, ['/a/1.0.0']); }
 * catch (err) { if (isPeerwayError(err, 'ERR_MULTISTREAM_NA')) ... }
 * ```
 */
export class PeerwayError extends Error {
  /** Stable error code, for example `ERR_TIMEOUT`. */
  readonly code: ErrorCode;
  /** Structured facts about the failure. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: PeerwayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PeerwayError';
    this.code = code;
    this.details = options.details;
  }
}

/** True when `err` is a {@link PeerwayError}, optionally with the given code. */
export function isPeerwayError(err: unknown, code?: ErrorCode): err is PeerwayError {
  return err instanceof PeerwayError && (code === undefined || err.code === code);
}

/** Wraps any thrown value as a PeerwayError with `code`, keeping PeerwayErrors as they are. */
export function toPeerwayError(err: unknown, code: ErrorCode, message?: string): PeerwayError {
  if (err instanceof PeerwayError) return err;
  const text = message ?? (err instanceof Error ? err.message : String(err));
  return new PeerwayError(code, text, { cause: err });
}

/** Throws ERR_INVALID_ARGUMENT unless `condition` holds. */
export function assertArgument(condition: unknown, message: string): asserts condition {
  if (!condition) throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, message);
}
