import { ErrorCodes, PeerwayError, type ErrorCode } from '../core/index.js';

/** Builds a multistream PeerwayError with structured details and an optional cause. */
export function multistreamError(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): PeerwayError {
  return new PeerwayError(code, message, {
    ...(details === undefined ? {} : { details }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Re-throws `err` with the negotiation's context (role and protocols tried) merged into its
 * details, keeping the original error as the cause when it was not ours.
 */
export function withContext(err: unknown, context: Record<string, unknown>): PeerwayError {
  if (err instanceof PeerwayError) {
    return new PeerwayError(err.code, err.message, {
      details: { ...err.details, ...context },
      ...(err.cause === undefined ? {} : { cause: err.cause }),
    });
  }
  return new PeerwayError('ERR_MULTISTREAM_EOF', err instanceof Error ? err.message : String(err), {
    details: context,
    cause: err,
  });
}

/** A short printable view of a received message (its trailing newline left out) for error details. */
export function preview(message: Buffer): string {
  const end = message[message.length - 1] === 0x0a ? message.length - 1 : message.length;
  return JSON.stringify(message.subarray(0, Math.min(end, 64)).toString('latin1'));
}

/** The error for a first message that is not the multistream header. */
export function badHeader(message: Buffer): Error {
  return multistreamError(ErrorCodes.MULTISTREAM_BAD_HEADER, 'first message was not /multistream/1.0.0', {
    received: preview(message),
  });
}
