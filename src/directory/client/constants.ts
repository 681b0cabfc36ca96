/**
 * Limits and defaults of the directory client, pool and peer links, with where each comes from ("ng" is joinmarket-ng, "reference"
 * is joinmarket-clientserver; see docs/protocols/joinmarket.md).
 *
 * @module
 */

/** Client-side getpeerlist spacing (ng: at most once per 60 s). */
export const GETPEERLIST_MIN_INTERVAL_MS = 60_000;

/** How long a client waits for the first peerlist chunk (ng: 60 s). */
export const GETPEERLIST_TIMEOUT_MS = 60_000;

/** Quiet gap that ends a multi-chunk peerlist answer (ng: 5 s between chunks). */
export const GETPEERLIST_CHUNK_GAP_MS = 5_000;

/** Connect + handshake deadline for one directory (ng: 120 s, covers Tor circuits). */
export const CONNECT_TIMEOUT_MS = 120_000;

/** Messages a client buffers for its async iterator before dropping the oldest (ours). */
export const CLIENT_QUEUE_LIMIT = 10_000;

/** Direct peer links kept at once: a taker talks to a few dozen makers per CoinJoin (ours). */
export const MAX_PEER_LINKS = 1_000;

/**
 * Verified privmsg lines a taker remembers to skip re-checking copies: several directories'
 * worth of one orderbook round (500 makers x 3) or CoinJoin (ours).
 */
export const DEFAULT_VERIFIED_LINES = 10_000;

/** First pause between connect passes of `connectAllWithRetry` (ng pool: 5 s). */
export const RETRY_INITIAL_DELAY_MS = 5_000;
/** Longest pause between those passes (ng pool: 30 s). */
export const RETRY_MAX_DELAY_MS = 30_000;
/** Growth of the pause per pass (ng pool: 1.5). */
export const RETRY_BACKOFF_FACTOR = 1.5;
/** Period of `startPeriodicReconnect` (ng pool: 60 s). */
export const RECONNECT_INTERVAL_MS = 60_000;
/** Tor isolation category of directory connections. */
export const DIRECTORY_ISOLATION = 'directory';
/** Tor isolation category of direct peer links. */
export const PEER_ISOLATION = 'peer';

/**
 * How long an inbound direct link may stay unproven (no privmsg signed by its nick's key yet)
 * before it is closed (ours: a taker dials a link to send on it at once; this also keeps links
 * that only claim a nick from filling the link table).
 */
export const UNPROVEN_LINK_TIMEOUT_MS = 60_000;
