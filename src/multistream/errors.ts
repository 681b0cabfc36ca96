/**
 * Multistream's errors: PeerwayErrors with ERR_MULTISTREAM_* codes and the negotiation's context
 * in their details, and the mapping onto py-libp2p's three exception classes. Portable.
 *
 * @module
 */
import { ErrorCodes, PeerwayError, type ErrorCode } from '../core/portable.js';
import { fromUtf8, latin1 } from './bytes.js';
import { PROTOCOL_ID } from './constants.js';

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
export function preview(message: Uint8Array): string {
  const end = message[message.length - 1] === 0x0a ? message.length - 1 : message.length;
  return JSON.stringify(latin1(message.subarray(0, Math.min(end, 64))));
}

/** The text of a received message, its trailing newline left out. */
export function messageText(message: Uint8Array): string {
  const end = message[message.length - 1] === 0x0a ? message.length - 1 : message.length;
  return fromUtf8(message.subarray(0, end));
}

/** The error for a first message that is not the multistream header. */
export function badHeader(message: Uint8Array): Error {
  return multistreamError(ErrorCodes.MULTISTREAM_BAD_HEADER, 'first message was not /multistream/1.0.0', {
    received: preview(message),
  });
}

/**
 * The contents of a handshake message (its text, newline removed) is the one this side speaks,
 * `/multistream/1.0.0`: py-libp2p's `is_valid_handshake`.
 *
 * @example
 * ```ts
 * isValidHandshake(await communicator.read()); // true for '/multistream/1.0.0'
 * ```
 */
export function isValidHandshake(handshakeContents: string): boolean {
  return handshakeContents === PROTOCOL_ID;
}

/** py-libp2p's three multistream exception classes (`libp2p.protocol_muxer.exceptions`). */
export type MultiselectErrorKind =
  'MultiselectError' | 'MultiselectClientError' | 'MultiselectCommunicatorError';

/**
 * Which of py-libp2p's exception classes a multistream error corresponds to: a failure reading or
 * writing one message through a {@link MultiselectCommunicator} is a `MultiselectCommunicatorError`,
 * a dialer's failure (select, trySelect, handshake, ls) a `MultiselectClientError`, and a
 * listener's failure a `MultiselectError`. Undefined for anything that is not a multistream
 * PeerwayError (an invalid argument, say).
 *
 * @example
 * ```ts
 * try { await trySelect(socket, '/a/1.0.0'); }
 * catch (err) { multiselectErrorKind(err); } // 'MultiselectClientError'
 * ```
 */
export function multiselectErrorKind(err: unknown): MultiselectErrorKind | undefined {
  if (!(err instanceof PeerwayError)) return undefined;
  const role = err.details?.['role'];
  if (role === 'communicator') return 'MultiselectCommunicatorError';
  if (!MULTISTREAM_CODES.has(err.code)) return undefined;
  return role === 'listener' ? 'MultiselectError' : role === 'dialer' ? 'MultiselectClientError' : undefined;
}

const MULTISTREAM_CODES = new Set<string>([
  ErrorCodes.MULTISTREAM_NA,
  ErrorCodes.MULTISTREAM_BAD_HEADER,
  ErrorCodes.MULTISTREAM_TOO_LONG,
  ErrorCodes.MULTISTREAM_NOT_MINIMAL,
  ErrorCodes.MULTISTREAM_MALFORMED,
  ErrorCodes.MULTISTREAM_UNEXPECTED_RESPONSE,
  ErrorCodes.MULTISTREAM_EOF,
  ErrorCodes.MULTISTREAM_BAD_LS,
  ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS,
  ErrorCodes.TIMEOUT,
  ErrorCodes.ABORTED,
]);
