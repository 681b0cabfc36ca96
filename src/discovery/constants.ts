/**
 * Every limit and timing of the discovery module, with where it comes from. "ElectrumX" means
 * spesmilo/electrumx `server/peers.py`, `server/session.py` and `lib/util.py`.
 *
 * @module
 */

/** Protocol range we speak: ElectrumX 1.20 speaks 1.4 to 1.4.2, Electrum 4.3 asks for exactly 1.4. */
export const PROTOCOL_MIN = '1.4';
/** Highest protocol version we offer. */
export const PROTOCOL_MAX = '1.4.2';
/** Our software name in server.version and server.features. */
export const SOFTWARE_VERSION = 'peerway-discovery 0.1';

/** Interface a node binds when none is given: loopback, so nothing is exposed by accident. */
export const DEFAULT_HOST = '127.0.0.1';
/** Our own requests waiting for replies at once on one connection; ours. */
export const MAX_PENDING_REQUESTS = 64;

/** Client names are cut to this many characters (ElectrumX does the same). */
export const MAX_CLIENT_NAME = 100;
/** Largest request line accepted: ElectrumX's MAX_RECV in spesmilo (1,000,000 bytes). */
export const MAX_REQUEST_BYTES = 1_000_000;
/** Largest reply line a client accepts: Electrum 4.8's NETWORK_MAX_INCOMING_MSG_SIZE (8.1 MB). */
export const MAX_RESPONSE_BYTES = 8_100_000;
/** Idle timeout of a server session: ElectrumX's SESSION_TIMEOUT (600 s). */
export const SESSION_IDLE_MS = 600_000;
/** A request that takes longer gets -102 "server busy": aiorpcx's REQUEST_TIMEOUT (30 s). */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Requests handled at once per connection; ours (aiorpcx has a cost model instead). */
export const MAX_IN_FLIGHT = 16;
/** Entries in one JSON-RPC batch; ours, so one line cannot fan out into unbounded work. */
export const MAX_BATCH = 64;
/**
 * Bytes queued for writing before a session that does not read is disconnected; ours: four times
 * the largest reply a full batch produces (64 peers.subscribe replies of 200 peers, about 1 MB).
 */
export const MAX_WRITE_BUFFER = 4 * 1024 * 1024;
/**
 * Above this many queued output bytes a session's input is paused until its output drains; ours:
 * a few replies' worth (Node's own stream high-water mark is 16 KiB).
 */
export const WRITE_HIGH_WATER = 64 * 1024;
/** Sessions one server holds at once; ours. */
export const MAX_SESSIONS = 1000;
/**
 * Sessions from one source (an IPv4 address, an IPv6 /64) at once; ours: a household behind one
 * address runs a few wallets, and a 1,000-session server then serves at least 62 sources.
 */
export const MAX_SESSIONS_PER_SOURCE = 16;
/**
 * Idle timeout of a session that has not sent `server.version`; ours. Electrum sends it as its
 * first message right after connecting, so only a session that holds a slot without talking waits
 * this long (ElectrumX's SESSION_TIMEOUT of 600 s applies after it).
 */
export const HELLO_IDLE_MS = 10_000;

/** Per-request timeout when we dial a peer: ElectrumX's sent_request_timeout over clearnet (30 s). */
export const DIAL_REQUEST_TIMEOUT_MS = 30_000;
/** The same over Tor (120 s in ElectrumX). */
export const TOR_REQUEST_TIMEOUT_MS = 120_000;
/** Connect timeout when dialling a peer (Fulcrum: 30 s). */
export const CONNECT_TIMEOUT_MS = 30_000;

/** Servers one crawl visits at most; ours. */
export const CRAWL_MAX = 1000;
/** Servers a crawl visits at once; ours. */
export const CRAWL_CONCURRENCY = 16;
/** Connect timeout of a crawl, shorter than a node's: a crawl is interactive. Ours. */
export const CRAWL_CONNECT_TIMEOUT_MS = 10_000;
/** Per-request timeout of a crawl; ours. */
export const CRAWL_REQUEST_TIMEOUT_MS = 15_000;

/** How often a node checks whether its peer table needs topping up from its seeds; ours. */
export const SEED_TOP_UP_MS = 600_000;

/** A peer is reported when its last good check is at most this old: ElectrumX's STALE_SECS (3 h). */
export const FRESH_MS = 3 * 3600_000;
/** Re-check a good peer after STALE_SECS − 2·WAKEUP_SECS = 2 h 50 min (ElectrumX). */
export const RECHECK_GOOD_MS = 3 * 3600_000 - 2 * 300_000;
/** Retry base after a failure: 300·2^n s (ElectrumX's WAKEUP_SECS). */
export const RETRY_BASE_MS = 300_000;
/** Forget a never-good peer after this many consecutive failures (ElectrumX). */
export const FORGET_NEVER_GOOD_TRIES = 3;
/** Forget a once-good peer after this many consecutive failures (ElectrumX). */
export const FORGET_ONCE_GOOD_TRIES = 10;
/** Forget any peer not good for this long: the seed document's two weeks. */
export const FORGET_AFTER_MS = 14 * 24 * 3600_000;
/** How long a peer stays bad; ElectrumX never clears it, we let it try again after a day. */
export const BAD_TTL_MS = 24 * 3600_000;
/** New peers taken from one verified peer's list (ElectrumX `_note_peers(limit=2)`). */
export const NEW_PEERS_PER_REPLY = 2;
/** Verifications running at once; ours. */
export const VERIFY_CONCURRENCY = 8;
/** A running verification holds its peer this long; after a crash the peer is due again then. Ours. */
export const VERIFY_LEASE_MS = 600_000;
/** How often the maintenance loop looks for due peers; ours (ElectrumX keeps one task per peer). */
export const MAINTENANCE_TICK_MS = 30_000;

/** Peers per IPv4 /16 or IPv6 /56 bucket in a reply (ElectrumX). */
export const PER_BUCKET = 2;
/** Onion peers in a reply to a Tor client (ElectrumX). */
export const ONION_FOR_TOR_CLIENT = 50;
/** Onion peers otherwise: max(10, n/4) where n is the clearnet count (ElectrumX). */
export const ONION_MIN = 10;
/** Overall cap on a peers.subscribe reply; ElectrumX has none. */
export const MAX_PEERS_REPLY = 200;
/** Reply candidates are rebuilt after a store write at most this often; ours. */
export const CANDIDATE_CACHE_MS = 10_000;
/** ... and at least this often when nothing was written; ours. */
export const CANDIDATE_MAX_AGE_MS = 60_000;

/** A domain or source address may call add_peer once per this period (ElectrumX PEER_ADD_PAUSE). */
export const ADD_PEER_PAUSE_MS = 600_000;
/** New onion peers via add_peer: the gate re-opens after a random 0..1200 s (ElectrumX). */
export const ONION_GATE_MAX_MS = 1_200_000;
/** Entries kept in each add_peer rate-limit table; ours. */
export const RATE_TABLE_MAX = 10_000;
/** Hosts looked at in a features `hosts` map; Fulcrum refuses more than 4. */
export const MAX_FEATURE_HOSTS = 8;
/** Other port pairs remembered per peer; ours. */
export const MAX_OTHER_PORTS = 4;

/** Ports probed for a Tor SOCKS proxy when none is configured (ElectrumX). */
export const TOR_PROBE_PORTS = [9050, 9150, 1080] as const;
/** How long one probe of a candidate proxy port may take; ours (a local proxy answers at once). */
export const TOR_PROBE_TIMEOUT_MS = 3_000;
/** Re-probe for the proxy after this long (ElectrumX: 900 s). */
export const TOR_REPROBE_MS = 900_000;

/** Mainnet default ports for bare `t`/`s` tokens. */
export const DEFAULT_PORTS = { t: 50001, s: 50002 } as const;

/** How often a blacklist file or URL is read again: ElectrumX refreshes BLACKLIST_URL every 600 s. */
export const BLACKLIST_RELOAD_MS = 600_000;
/** Largest blacklist accepted (bytes); ours: ElectrumX's list is a few kB. */
export const MAX_BLACKLIST_BYTES = 1_000_000;
/** Timeout of one blacklist download; ours. */
export const BLACKLIST_FETCH_TIMEOUT_MS = 30_000;
/**
 * Onion peers served to a client when we have no Tor proxy to verify them: the seed document's
 * "random limited number", ElectrumX 1.0's three.
 */
export const ONION_WITHOUT_TOR = 3;

/** A peer's tip may differ from our backend's by this many blocks: ElectrumX's check (5). */
export const MAX_HEIGHT_DIFFERENCE = 5;
/**
 * The header compared with a peer is this many blocks below the lower tip, so a short chain split
 * at the tip does not fail a good peer (spesmilo ElectrumX compares 10 blocks down).
 */
export const HEADER_CHECK_DEPTH = 10;
/** How often a node with a backend verifies itself by its advertised host; ours (like a good peer's recheck). */
export const SELF_CHECK_MS = 30 * 60_000;

/** The IRC channel ElectrumX servers announced themselves in. */
export const IRC_CHANNEL = '#electrum';
/** How often the optional IRC visit runs; ours ("occasionally": every few hours). */
export const IRC_INTERVAL_MS = 4 * 3600_000;
/** Longest IRC line accepted: RFC 2812's 512 bytes, with room for IRCv3 message tags. */
export const IRC_MAX_LINE = 8_704;
/** One IRC visit (connect, register, join, list, leave) must finish within this; ours. */
export const IRC_VISIT_TIMEOUT_MS = 60_000;
/** Claims taken from one visit, at most; ours (a hostile channel cannot flood the table). */
export const IRC_MAX_CLAIMS = 100;
