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

/** How often the server checks its timeouts (ours: finer than any timeout it checks). */
export const SWEEP_INTERVAL_MS = 1000;
/** Message of the day sent in every 795 (ours). */
export const DEFAULT_MOTD = 'peerway directory';
/** Tor's default control port. */
export const TOR_CONTROL_PORT = 9051;
/** Deadline of one control-port command (ours: ADD_ONION answers in well under a second). */
export const TOR_CONTROL_TIMEOUT_MS = 30_000;
