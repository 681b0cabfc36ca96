/**
 * Every limit and fixed string of multistream-select 1.0, with where it comes from.
 *
 * @module
 */

/** The protocol id both sides send first (multiformats/multistream-select README). */
export const PROTOCOL_ID = '/multistream/1.0.0';

/** The listener's answer to a protocol it does not support. */
export const NA = 'na';

/** The optional request for the listener's protocol list. */
export const LS = 'ls';

/**
 * Largest message we accept, newline included: 1024, what go-multistream (`lpReadBuf`) and
 * js-libp2p (`MAX_PROTOCOL_LENGTH`, "conforming to go-libp2p") accept.
 */
export const MAX_MESSAGE_LENGTH = 1024;

/**
 * Longest protocol id we send or register: one byte below {@link MAX_MESSAGE_LENGTH}, leaving
 * room for the newline.
 */
export const MAX_PROTOCOL_LENGTH = MAX_MESSAGE_LENGTH - 1;

/**
 * Most bytes a length prefix may take: 2, as js-libp2p's listener (`maxLengthLength`) and
 * rust-libp2p (`MAX_LEN_BYTES`) enforce. A minimal 3-byte varint is at least 16384 anyway.
 */
export const MAX_LENGTH_BYTES = 2;

/**
 * Default cap on an `ls` reply our dialer reads: 64 KiB. A js listener does not cap what it
 * sends (100 handlers made a 3491-byte reply), so the 1024 cap would reject honest peers.
 */
export const DEFAULT_MAX_LS_REPLY_LENGTH = 64 * 1024;

/** Prefix bytes allowed on an `ls` reply: 3 (enough for {@link DEFAULT_MAX_LS_REPLY_LENGTH}). */
export const MAX_LS_LENGTH_BYTES = 3;

/**
 * Most names we accept in one `ls` reply: 1000, rust-libp2p's `MAX_PROTOCOLS`.
 */
export const MAX_LS_PROTOCOLS = 1000;

/**
 * Default negotiation deadline in milliseconds: 10 s, libp2p's `PROTOCOL_NEGOTIATION_TIMEOUT`
 * (connection-manager defaults).
 */
export const DEFAULT_NEGOTIATION_TIMEOUT = 10_000;

/** Largest `ls` reply our dialer can be asked to read: 2^21 - 1, what a 3-byte prefix holds. */
export const MAX_LS_REPLY_LENGTH = 2 ** 21 - 1;

/**
 * Most `ls` requests a listener answers in one negotiation: 4. An honest dialer asks once (our
 * `ls()`, rust-libp2p's); the spec sets no bound, and go dropped `ls` altogether. Every answer
 * can be many times the request (4 bytes in, the whole list out), so a dialer that keeps asking
 * has its stream reset.
 */
export const MAX_LS_PER_NEGOTIATION = 4;

/**
 * Most proposals a listener refuses with `na` in one negotiation: 32. A dialer proposes from its
 * own preference list, and libp2p dialers send one to three (security: `/noise`, `/tls/1.0.0`;
 * muxers: `/yamux/1.0.0`, `/mplex/6.7.0`); 32 is ten times that. Past it the stream is reset.
 */
export const MAX_NA_PER_NEGOTIATION = 32;
