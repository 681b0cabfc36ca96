/**
 * The node's defaults and limits, each with where it comes from.
 *
 * @module
 */

/** Where the node keeps its database and keys, relative to the working directory. */
export const DEFAULT_DATA_DIR = 'data';

/** The database file inside the data directory (one file per node, see DESIGN.md "Persistence"). */
export const DATABASE_FILE = 'peerway.sqlite';

/** HTTP binds to loopback unless told otherwise: /metrics and the API are not for the internet. */
export const DEFAULT_HTTP_HOST = '127.0.0.1';

/** 8480: unassigned by IANA and clear of the ports the protocols use (JoinMarket 5222, Electrum 50001/50002, IPv8 8090). */
export const DEFAULT_HTTP_PORT = 8480;

/** pino's level names; `silent` turns logging off. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** The log level of a node with no config. */
export const DEFAULT_LOG_LEVEL = 'info';

/** A service name doubles as a config key and a metric name part: `[a-z][a-z0-9_]*`. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** How long one service may take to stop before the node gives up on it and moves on. */
export const SERVICE_STOP_TIMEOUT_MS = 10_000;

/** A config file larger than this is refused: a config is a few KiB, never megabytes. */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

/** The longest request URL the HTTP server routes; anything longer is a 414. */
export const MAX_URL_LENGTH = 2048;

/**
 * Most HTTP connections open at once. A Prometheus scraper and a dashboard need a handful; 256
 * leaves most of a 1024-file `ulimit -n` to the protocol servers.
 */
export const DEFAULT_HTTP_MAX_CONNECTIONS = 256;

/**
 * Requests one HTTP connection may have waiting for their answers. Browsers, curl and Prometheus
 * never pipeline (one request at a time); 16 leaves room for a client that does, and bounds what
 * one read of a pipelined flood costs before its connection is closed.
 */
export const HTTP_MAX_PIPELINED = 16;

/**
 * New HTTP connections one source address may open per second (and at once). A scraper or a
 * dashboard opens a few a minute; a script polling /health on fresh connections a few hundred.
 */
export const HTTP_CONNECTIONS_PER_ADDRESS_PER_SECOND = 500;

/**
 * Requests one source address may send per second over all its connections. Well above any
 * monitoring client; a pipelined flood from one address spends it in a few connections and is
 * then refused at accept, before Node parses what it sent.
 */
export const HTTP_REQUESTS_PER_ADDRESS_PER_SECOND = 500;

/**
 * Source addresses whose HTTP budget is tracked at once (about 100 bytes each); past it the least
 * recently seen is forgotten, so rotating addresses cannot grow the table.
 */
export const HTTP_MAX_TRACKED_ADDRESSES = 4096;

/** An HTTP connection silent this long is closed (twice Prometheus' default 15 s scrape interval). */
export const HTTP_IDLE_TIMEOUT_MS = 30_000;

/** `/metrics` is rendered at most once per this period; a scrape flood gets the cached text. */
export const METRICS_CACHE_MS = 1000;

/**
 * Files the node keeps open besides its servers' connections: the database and its WAL, log
 * output, outbound dials (discovery verification, directory clients). Counted when checking the
 * connection caps against the open-file limit.
 */
export const FILE_DESCRIPTOR_RESERVE = 64;

/** Environment variables that override config fields, and the field each one sets. */
export const ENV_OVERRIDES = {
  PEERWAY_DATA_DIR: ['dataDir'],
  PEERWAY_HTTP_HOST: ['http', 'host'],
  PEERWAY_HTTP_PORT: ['http', 'port'],
  PEERWAY_LOG_LEVEL: ['log', 'level'],
} as const satisfies Record<string, readonly string[]>;

/** The environment variable naming the config file when `--config` is not given. */
export const ENV_CONFIG_FILE = 'PEERWAY_CONFIG';

/** Largest request body a POST route reads (a peer to add is a few hundred bytes). */
export const MAX_REQUEST_BODY_BYTES = 8 * 1024;

/** Time a POST has to deliver its body. */
export const HTTP_BODY_TIMEOUT_MS = 5000;

/** The file in the data directory holding the API token (like bitcoind's `.cookie`). */
export const API_TOKEN_FILE = 'api.token';

/** Most event streams (`/api/events`) open at once; past it a new one gets 503. */
export const MAX_EVENT_STREAMS = 64;

/** Event streams are updated at most this often (a few updates a second). */
export const EVENT_INTERVAL_MS = 500;

/** A comment line keeps an idle event stream (and its proxies) from timing out. */
export const EVENT_HEARTBEAT_MS = 15_000;

/**
 * An event stream whose socket has not drained for this long is closed; while it is backed up it
 * is sent nothing, so a client that never reads costs at most one update and the kernel's buffer.
 */
export const EVENT_STALL_TIMEOUT_MS = 10_000;

/** How many one-second samples of message rates the overview keeps (five minutes). */
export const RATE_HISTORY_SECONDS = 300;

/** Log fields pino replaces with `[redacted]`, in case a caller forgets the rule about secrets. */
export const REDACTED_LOG_PATHS = [
  'password',
  'secret',
  'privateKey',
  'cookie',
  '*.password',
  '*.secret',
  '*.privateKey',
  '*.cookie',
];
