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

  // --- directory ---
  /** An offer command (sw0reloffer, absoffer, ...) has a bad field count, number or fee format. */
  ORDERBOOK_OFFER_INVALID: 'ERR_ORDERBOOK_OFFER_INVALID',
  /** A chained orderbook message is longer, or has more commands, than the limits allow. */
  ORDERBOOK_MESSAGE_TOO_LONG: 'ERR_ORDERBOOK_MESSAGE_TOO_LONG',
  /** A `!tbond` fidelity-bond proof is not valid base64 of the 252-byte layout. */
  ORDERBOOK_BOND_INVALID: 'ERR_ORDERBOOK_BOND_INVALID',
  /** A fidelity-bond proof's nick signature or certificate signature does not verify. */
  ORDERBOOK_BOND_SIGNATURE: 'ERR_ORDERBOOK_BOND_SIGNATURE',
  /** A channel name is neither `direct` nor `directory:<host:port>`. */
  ORDERBOOK_CHANNEL_INVALID: 'ERR_ORDERBOOK_CHANNEL_INVALID',
  /** A forced channel (direct link or directory) is not available for that recipient. */
  ORDERBOOK_CHANNEL_UNAVAILABLE: 'ERR_ORDERBOOK_CHANNEL_UNAVAILABLE',
  /** A forced channel differs from the session's pinned one and is not a directory-to-direct upgrade. */
  ORDERBOOK_CHANNEL_CONFLICT: 'ERR_ORDERBOOK_CHANNEL_CONFLICT',
  /** A private message could not be handed to its channel (and the retry failed too). */
  ORDERBOOK_SEND_FAILED: 'ERR_ORDERBOOK_SEND_FAILED',
  /** No direct link and no directory can reach the recipient. */
  ORDERBOOK_NO_ROUTE: 'ERR_ORDERBOOK_NO_ROUTE',
  /** A NaCl public key is not 32 bytes of hex. */
  ENCRYPTION_BAD_KEY: 'ERR_ENCRYPTION_BAD_KEY',
  /** Encryption or decryption was attempted before the counterparty's key was set. */
  ENCRYPTION_NOT_READY: 'ERR_ENCRYPTION_NOT_READY',
  /** A ciphertext is not base64, too short, or fails authentication. */
  ENCRYPTION_DECRYPT_FAILED: 'ERR_ENCRYPTION_DECRYPT_FAILED',
  /** A ciphertext or plaintext exceeds the size limit. */
  ENCRYPTION_TOO_LONG: 'ERR_ENCRYPTION_TOO_LONG',

  // --- discovery ---

  // --- overlay ---
} as const;

/** One of the stable error code strings in {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
