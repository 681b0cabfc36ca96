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
  /** A secret (key) file cannot be read or written, or others can read it. */
  SECRET_FILE: 'ERR_SECRET_FILE',
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
  /** Creating a TLS certificate failed, or a TLS handshake failed (`details.reason`: OpenSSL's code). */
  TLS_FAILED: 'ERR_TLS_FAILED',

  // --- store ---
  /** The database could not be opened or migrated. */
  STORE_OPEN_FAILED: 'ERR_STORE_OPEN_FAILED',
  /** The database file is corrupt (not a SQLite file, or it fails its integrity check). */
  STORE_CORRUPT: 'ERR_STORE_CORRUPT',
  /** A migration failed, or the database holds a newer schema than this code knows. */
  STORE_MIGRATION_FAILED: 'ERR_STORE_MIGRATION_FAILED',

  // --- node ---
  /** The node configuration is invalid. */
  CONFIG_INVALID: 'ERR_CONFIG_INVALID',
  /** A service failed to start. */
  SERVICE_START_FAILED: 'ERR_SERVICE_START_FAILED',
  /** The config file could not be read or is not valid JSON. */
  CONFIG_READ_FAILED: 'ERR_CONFIG_READ_FAILED',
  /** A file the node serves or reads (the dashboard, a preset) is missing. */
  NOT_FOUND: 'ERR_NOT_FOUND',
  /** The node's API answered with an error, or could not be reached (CLI `status`, `peers`). */
  API_FAILED: 'ERR_API_FAILED',

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
  /** A dialer asked `ls` or had proposals refused more often in one negotiation than a listener answers. */
  MULTISTREAM_TOO_MANY_ROUNDS: 'ERR_MULTISTREAM_TOO_MANY_ROUNDS',

  // --- directory ---
  /** A directory envelope line was not `{"type": int, "line": string}` JSON, or broke a limit. */
  DIRECTORY_BAD_ENVELOPE: 'ERR_DIRECTORY_BAD_ENVELOPE',
  /** A handshake (793/795) was malformed or missing required keys. */
  DIRECTORY_BAD_HANDSHAKE: 'ERR_DIRECTORY_BAD_HANDSHAKE',
  /** The directory answered our handshake with `accepted: false` (or an incompatible version/network). */
  DIRECTORY_HANDSHAKE_REJECTED: 'ERR_DIRECTORY_HANDSHAKE_REJECTED',
  /** A peerlist entry could not be parsed. */
  DIRECTORY_BAD_PEERLIST: 'ERR_DIRECTORY_BAD_PEERLIST',
  /** A pubmsg/privmsg line was not `from!to!cmd ...`. */
  DIRECTORY_BAD_MESSAGE: 'ERR_DIRECTORY_BAD_MESSAGE',
  /** A privmsg signature or its nick-to-pubkey binding did not verify. */
  DIRECTORY_BAD_SIGNATURE: 'ERR_DIRECTORY_BAD_SIGNATURE',
  /** A nick key or nick string is invalid. */
  DIRECTORY_BAD_NICK: 'ERR_DIRECTORY_BAD_NICK',
  /** The directory connection closed (or was never open) while an operation needed it. */
  DIRECTORY_NOT_CONNECTED: 'ERR_DIRECTORY_NOT_CONNECTED',
  /** A directory server string (`host[:port]`) could not be parsed. */
  DIRECTORY_BAD_ADDRESS: 'ERR_DIRECTORY_BAD_ADDRESS',
  /** A directory cluster could not be joined, or an instance sent a message that breaks its format or limits. */
  DIRECTORY_CLUSTER: 'ERR_DIRECTORY_CLUSTER',

  // directory orderbook and end-to-end encryption
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
  /** The chain view (an Electrum server) answered a bond look-up with something malformed. */
  ORDERBOOK_CHAIN_BAD_REPLY: 'ERR_ORDERBOOK_CHAIN_BAD_REPLY',
  /** A CoinJoin message's payload (`!ioauth`, the `!auth` revelation, a utxo in them) breaks its format or limits. */
  ORDERBOOK_COINJOIN_INVALID: 'ERR_ORDERBOOK_COINJOIN_INVALID',
  /** A maker's utxos came in the other form than the one negotiated (`neutrino_compat` extended or legacy). */
  ORDERBOOK_UTXO_FORM_MISMATCH: 'ERR_ORDERBOOK_UTXO_FORM_MISMATCH',
  /** A NaCl public key is not 32 bytes of hex. */
  ENCRYPTION_BAD_KEY: 'ERR_ENCRYPTION_BAD_KEY',
  /** Encryption or decryption was attempted before the counterparty's key was set. */
  ENCRYPTION_NOT_READY: 'ERR_ENCRYPTION_NOT_READY',
  /** A ciphertext is not base64, too short, or fails authentication. */
  ENCRYPTION_DECRYPT_FAILED: 'ERR_ENCRYPTION_DECRYPT_FAILED',
  /** A ciphertext or plaintext exceeds the size limit. */
  ENCRYPTION_TOO_LONG: 'ERR_ENCRYPTION_TOO_LONG',

  // --- discovery ---
  /** A JSON-RPC message could not be parsed or broke the JSON-RPC 2.0 rules. */
  DISCOVERY_BAD_MESSAGE: 'ERR_DISCOVERY_BAD_MESSAGE',
  /** The remote side answered a request with a JSON-RPC error object. */
  DISCOVERY_RPC_ERROR: 'ERR_DISCOVERY_RPC_ERROR',
  /** The JSON-RPC connection closed before a reply arrived. */
  DISCOVERY_CONNECTION_CLOSED: 'ERR_DISCOVERY_CONNECTION_CLOSED',
  /** Too many requests are already waiting for replies on this connection. */
  DISCOVERY_TOO_MANY_REQUESTS: 'ERR_DISCOVERY_TOO_MANY_REQUESTS',
  /** The two sides share no protocol version (server.version was refused). */
  DISCOVERY_VERSION_REFUSED: 'ERR_DISCOVERY_VERSION_REFUSED',
  /** A peer's server.features or server.peers.subscribe reply is malformed or does not match. */
  DISCOVERY_BAD_PEER: 'ERR_DISCOVERY_BAD_PEER',
  /** No transport (TLS, TCP, other port pairs, or the SOCKS5 proxy for onions) reached the peer. */
  DISCOVERY_UNREACHABLE: 'ERR_DISCOVERY_UNREACHABLE',

  // --- overlay ---
  /** An overlay packet or payload could not be decoded (truncated, bad field, trailing bytes). */
  OVERLAY_DECODE: 'ERR_OVERLAY_DECODE',
  /** An overlay packet or payload could not be encoded (a value out of range for its format). */
  OVERLAY_ENCODE: 'ERR_OVERLAY_ENCODE',
  /** An overlay packet's signature did not verify. */
  OVERLAY_BAD_SIGNATURE: 'ERR_OVERLAY_BAD_SIGNATURE',
  /** A key bin is malformed or of an unsupported type. */
  OVERLAY_BAD_KEY: 'ERR_OVERLAY_BAD_KEY',
  /** A community with the same prefix is already registered on the endpoint. */
  OVERLAY_PREFIX_IN_USE: 'ERR_OVERLAY_PREFIX_IN_USE',
  /** A source used up its signature-verification budget; its signed packets are dropped unread. */
  OVERLAY_OVER_BUDGET: 'ERR_OVERLAY_OVER_BUDGET',
  /** A request cache refused a cache: its number is in use, the cache is full, or it is shut down. */
  OVERLAY_REQUEST_CACHE: 'ERR_OVERLAY_REQUEST_CACHE',
} as const;

/** One of the stable error code strings in {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
