/**
 * The CLI's defaults and limits, each with where it comes from.
 *
 * @module
 */

/** Time a stopped command gives its event loop to drain before it exits anyway. */
export const EXIT_GRACE_MS = 3000;

/**
 * The HTTP port of a one-service command (`directory serve`...): 0 picks a free one, so it never
 * clashes with a `peerway node` on 8480 or with a second command; the URL is printed.
 */
export const SERVE_HTTP_PORT = 0;

/** How often `overlay join` looks at its community's peer count (the overlay's tick is 500 ms). */
export const PEER_POLL_MS = 500;

/** tor's SOCKS port, used by `--proxy auto` (tor's default SocksPort). */
export const TOR_SOCKS_PORT = 9050;

/** tor's control port, when `--tor-control` names a host alone (tor's default ControlPort). */
export const TOR_CONTROL_PORT = 9051;

/** How often a node-running command logs its counters unless `--stats-interval` says otherwise. */
export const STATS_INTERVAL_SECONDS = 60;

/** The longest a command waits for a host name to resolve (`--bootstrap`) before failing. */
export const RESOLVE_TIMEOUT_MS = 10_000;

/** `discovery crawl` logs its progress at most this often (a crawl visits hundreds of servers). */
export const CRAWL_PROGRESS_MS = 1000;

/** `orderbook` logs its progress at most this often. */
export const ORDERBOOK_PROGRESS_MS = 250;
