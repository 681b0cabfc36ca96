/**
 * Every limit and fixed value the transport module uses, with where it comes from.
 *
 * @module
 */

/** Default connect timeout for TCP and TLS dials, in ms. Long enough for a slow clearnet peer. */
export const DEFAULT_DIAL_TIMEOUT_MS = 10_000;

/**
 * Default timeout for a dial through SOCKS5, in ms: proxy handshake plus the proxy's own connect.
 * Tor needs a circuit (and for an onion a rendezvous), which can take a minute.
 */
export const DEFAULT_SOCKS_TIMEOUT_MS = 60_000;

/** SOCKS protocol version byte (RFC 1928 section 3). */
export const SOCKS_VERSION = 0x05;
/** Username/password sub-negotiation version byte (RFC 1929 section 2). */
export const SOCKS_AUTH_VERSION = 0x01;
/** Method: no authentication required (RFC 1928). */
export const SOCKS_METHOD_NONE = 0x00;
/** Method: username/password (RFC 1928, RFC 1929). */
export const SOCKS_METHOD_USERPASS = 0x02;
/** Method reply meaning none of the offered methods is acceptable (RFC 1928). */
export const SOCKS_METHOD_REJECTED = 0xff;
/** CONNECT command (RFC 1928 section 4). */
export const SOCKS_CMD_CONNECT = 0x01;
/** Address types (RFC 1928 section 5). */
export const SOCKS_ATYP_IPV4 = 0x01;
export const SOCKS_ATYP_DOMAIN = 0x03;
export const SOCKS_ATYP_IPV6 = 0x04;
/** Longest domain name, username or password: each has a one-byte length (RFC 1928, RFC 1929). */
export const SOCKS_MAX_FIELD_BYTES = 255;

/** Isolation category used when a dial names none. */
export const DEFAULT_ISOLATION_CATEGORY = 'default';

/** Default port of a tor control port (tor's `ControlPort` documentation). */
export const TOR_CONTROL_DEFAULT_PORT = 9051;
/** Default timeout for one tor control command, in ms. ADD_ONION answers in well under a second. */
export const DEFAULT_TOR_COMMAND_TIMEOUT_MS = 30_000;
/**
 * Longest control-port reply line we accept. Tor's lines are short; GETINFO data blocks carry many
 * lines, each of which must fit.
 */
export const TOR_MAX_LINE_BYTES = 64 * 1024;
/** Most lines one reply may have before we drop the connection. */
export const TOR_MAX_REPLY_LINES = 10_000;
/** Size of tor's control_auth_cookie file (control-spec section 5.1). */
export const TOR_COOKIE_BYTES = 32;
/** Size of the client and server nonces in SAFECOOKIE authentication (control-spec 3.24). */
export const TOR_NONCE_BYTES = 32;
/** HMAC keys of SAFECOOKIE authentication (control-spec 3.24). */
export const TOR_SAFECOOKIE_SERVER_KEY = 'Tor safe cookie authentication server-to-controller hash';
export const TOR_SAFECOOKIE_CLIENT_KEY = 'Tor safe cookie authentication controller-to-server hash';

/** A v3 onion name: 56 base32 characters (rend-spec-v3 section 6). */
export const ONION_V3_LENGTH = 56;
/** Version byte at the end of a v3 onion address (rend-spec-v3 section 6). */
export const ONION_V3_VERSION = 0x03;
/** Prefix of the checksum hashed in a v3 onion address (rend-spec-v3 section 6). */
export const ONION_CHECKSUM_PREFIX = '.onion checksum';
/** Longest DNS name (RFC 1035: 255 octets on the wire, 253 characters in text). */
export const MAX_DNS_NAME_LENGTH = 253;
/** Longest DNS label (RFC 1035 section 2.3.4). */
export const MAX_DNS_LABEL_LENGTH = 63;

/**
 * Largest UDP payload over IPv4: 65535 minus the 8-byte UDP header and the 20-byte IP header.
 * The default maximum datagram size of a UDP endpoint.
 */
export const MAX_UDP_PAYLOAD = 65_507;
