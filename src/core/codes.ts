/**
 * Every stable error code peerway throws, in one place. Callers and tests match on these strings,
 * never on message text. Each module appends to its own section.
 *
 * @module
 */
export const ErrorCodes = {
  // --- core ---
  /** The operation was cancelled by the caller's AbortSignal. */
  ABORTED: 'ERR_ABORTED',
  /** The operation did not finish before its deadline. */
  TIMEOUT: 'ERR_TIMEOUT',
  /** A varint used more bytes than allowed. */
  VARINT_TOO_LONG: 'ERR_VARINT_TOO_LONG',
  /** A varint was not minimally encoded. */
  VARINT_NOT_MINIMAL: 'ERR_VARINT_NOT_MINIMAL',
  /** A varint's value is larger than Number.MAX_SAFE_INTEGER, or a negative/non-integer was encoded. */
  VARINT_RANGE: 'ERR_VARINT_RANGE',
  /** A line or frame exceeded the decoder's maximum size. */
  FRAME_TOO_LONG: 'ERR_FRAME_TOO_LONG',
  /** A decoder was used after it had failed. */
  DECODER_FAILED: 'ERR_DECODER_FAILED',
  /** An argument or option is invalid. */
  INVALID_ARGUMENT: 'ERR_INVALID_ARGUMENT',
  /** The component was used after stop()/close(). */
  CLOSED: 'ERR_CLOSED',

  // --- transport ---
  /** An address string could not be parsed. */
  ADDRESS_INVALID: 'ERR_ADDRESS_INVALID',
  /** A .onion name failed its length, alphabet, version or checksum check. */
  ONION_INVALID: 'ERR_ONION_INVALID',
  /** A TCP or TLS connection could not be established. */
  CONNECT_FAILED: 'ERR_CONNECT_FAILED',
  /** Binding a listening socket failed. */
  LISTEN_FAILED: 'ERR_LISTEN_FAILED',
  /** The SOCKS5 proxy could not be reached or broke the protocol. */
  SOCKS_PROXY_FAILED: 'ERR_SOCKS_PROXY_FAILED',
  /** The SOCKS5 proxy rejected our credentials or offered no acceptable method. */
  SOCKS_AUTH_FAILED: 'ERR_SOCKS_AUTH_FAILED',
  /** The SOCKS5 proxy answered the CONNECT request with an error reply. */
  SOCKS_CONNECT_REFUSED: 'ERR_SOCKS_CONNECT_REFUSED',
  /** The tor control connection failed or answered with an error. */
  TOR_CONTROL: 'ERR_TOR_CONTROL',
  /** Authentication to the tor control port failed. */
  TOR_AUTH_FAILED: 'ERR_TOR_AUTH_FAILED',
  /** A UDP datagram exceeded the endpoint's maximum size. */
  DATAGRAM_TOO_LARGE: 'ERR_DATAGRAM_TOO_LARGE',
  /** Creating a TLS certificate or context failed. */
  TLS_FAILED: 'ERR_TLS_FAILED',

  // --- store ---
  /** The database could not be opened or migrated. */
  STORE_OPEN_FAILED: 'ERR_STORE_OPEN_FAILED',
  /** The database file is corrupt. */
  STORE_CORRUPT: 'ERR_STORE_CORRUPT',

  // --- node ---
  /** The node configuration is invalid. */
  CONFIG_INVALID: 'ERR_CONFIG_INVALID',
  /** A service failed to start. */
  SERVICE_START_FAILED: 'ERR_SERVICE_START_FAILED',

  // --- multistream ---
  /** The peer answered `na` to every protocol we proposed. */
  MULTISTREAM_NA: 'ERR_MULTISTREAM_NA',
  /** The first message was not the `/multistream/1.0.0` header. */
  MULTISTREAM_BAD_HEADER: 'ERR_MULTISTREAM_BAD_HEADER',
  /** A message's length prefix exceeded the size cap or took more than 2 bytes. */
  MULTISTREAM_TOO_LONG: 'ERR_MULTISTREAM_TOO_LONG',
  /** A message's length prefix was not minimally encoded. */
  MULTISTREAM_NOT_MINIMAL: 'ERR_MULTISTREAM_NOT_MINIMAL',
  /** A message was empty, lacked its trailing newline or held another newline. */
  MULTISTREAM_MALFORMED: 'ERR_MULTISTREAM_MALFORMED',
  /** The listener answered with something that is neither our proposal nor `na`. */
  MULTISTREAM_UNEXPECTED_RESPONSE: 'ERR_MULTISTREAM_UNEXPECTED_RESPONSE',
  /** The stream ended, closed or failed before negotiation finished. */
  MULTISTREAM_EOF: 'ERR_MULTISTREAM_EOF',
  /** An `ls` reply did not follow the spec's list format. */
  MULTISTREAM_BAD_LS: 'ERR_MULTISTREAM_BAD_LS',

  // --- directory ---

  // --- discovery ---

  // --- overlay ---
} as const;

/** One of the stable error code strings in {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
