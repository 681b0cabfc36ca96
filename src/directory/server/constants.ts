/**
 * Limits and defaults of the directory server, with where each comes from ("ng" is joinmarket-ng, "reference"
 * is joinmarket-clientserver; see docs/protocols/joinmarket.md).
 *
 * @module
 */

/** Idle time after which a ping-capable peer is probed (ng heartbeat, 600 s). */
export const PING_AFTER_IDLE_MS = 600_000;

/** Time a probed peer has to answer with a pong before eviction (ng heartbeat, 30 s). */
export const PONG_TIMEOUT_MS = 30_000;

/**
 * How often an idle maker without `ping` is sent a unicast `!orderbook` pubmsg from the directory
 * so that its offers refresh its liveness (ng heartbeat: once per 60 s sweep while idle).
 */
export const ORDERBOOK_PROBE_INTERVAL_MS = 60_000;

/** Idle time after which any peer is evicted (ng heartbeat, 1500 s). */
export const EVICT_AFTER_IDLE_MS = 1_500_000;

/** Per-connection token bucket: sustained messages per second (ng directory). */
export const RATE_LIMIT_PER_SECOND = 500;

/** Per-connection token bucket: burst size (ng directory). */
export const RATE_LIMIT_BURST = 1000;

/** Gap between those chunks, ms (ng directory: `asyncio.sleep(0.05)` after each but the last). */
export const PEERLIST_CHUNK_SPACING_MS = 50;

/** Handshaked connections a directory holds by default (ours). */
export const MAX_CONNECTIONS = 20_000;

/** Nick-auth challenge lifetime (ours; ng expires unanswered challenges). */
export const NICK_AUTH_TIMEOUT_MS = 30_000;

/**
 * Memory all connections together may hold in partial lines, bytes (ours: 1,000 peers each holding
 * a 40 KB line would take 40 MB; 32 MiB keeps such an attack well inside a 64 MB growth bound).
 * Past it the connection holding the oldest partial line is closed.
 */
export const MAX_HELD_PARTIAL_BYTES = 32 * 1024 * 1024;

/** How often the server checks its timeouts (ours: finer than any timeout it checks). */
export const SWEEP_INTERVAL_MS = 1000;
/** Message of the day sent in every 795 (ours). */
export const DEFAULT_MOTD = 'peerway directory';

/**
 * Per-connection byte budget: sustained bytes per second (ours). The message bucket alone let one
 * sender push 500 lines of 40 KB a second (20 MB/s) to every peer; 1 MB/s is 25 full-size lines
 * a second, far above what a maker's offers or a CoinJoin's messages need.
 */
export const RATE_LIMIT_BYTES_PER_SECOND = 1_000_000;
/** Per-connection byte budget: burst (ours: 50 full-size lines). */
export const RATE_LIMIT_BYTES_BURST = 2_000_000;
/** Messages over either budget a connection may send before it is closed (joinmarket-ng: 200). */
export const MAX_RATE_VIOLATIONS = 200;
/**
 * Bytes queued for one reader before the directory closes that reader's connection (ours). The
 * slow reader pays, not the senders: nothing queued for it is dropped while it stays. 1 MiB
 * covers an honest taker that receives every maker's answer at once while it checks their
 * signatures (256 KiB did not, in the orderbook benchmark); a reader that never reads is closed
 * once others' messages to it reach this.
 */
export const MAX_PEER_OUTPUT = 1024 * 1024;
/**
 * Handshakes a second one source address may start (ours). Behind an onion service every client
 * comes from the local Tor daemon, so this is a bound for the whole network's join rate: far
 * above what a few hundred peers reconnecting need, far below a handshake flood.
 */
export const HANDSHAKE_RATE_PER_SOURCE = 20;
/** Handshakes one source address may start at once (ours: a directory restart's reconnects). */
export const HANDSHAKE_BURST_PER_SOURCE = 100;
/** Source addresses whose handshake budget is remembered; idle ones are forgotten first (ours). */
export const MAX_TRACKED_SOURCES = 10_000;
/**
 * Pubmsg bytes per second per connection (ours). A pubmsg goes to every peer, so its bytes cost
 * the directory (and each reader) once per peer: one full-size line a second is far above what
 * offers and `!orderbook` requests need.
 */
export const PUBMSG_BYTES_PER_SECOND = 40_000;
/** Pubmsg byte burst per connection (ours: three full-size lines, a maker announcing its offers). */
export const PUBMSG_BYTES_BURST = 120_000;
