/**
 * Every number and fixed string of the JoinMarket onion message channel, with where it comes from.
 * "reference" is joinmarket-clientserver's `jmdaemon/onionmc.py`; "ng" is joinmarket-ng's
 * `jmcore` and `directory_server` (see docs/protocols/joinmarket.md).
 *
 * @module
 */

/** Envelope `type` numbers on the wire. */
export const MessageType = {
  /** `from!to!cmd args... pub sig`: one recipient. Reference and ng. */
  PRIVMSG: 685,
  /** `from!PUBLIC!cmd args...`: everyone. Reference and ng. */
  PUBMSG: 687,
  /** Comma-separated peerlist entries, directory to client. Reference and ng. */
  PEERLIST: 789,
  /** Ask the directory for its peerlist; the reference ignores it, ng answers. */
  GETPEERLIST: 791,
  /** Client (or peer-to-peer) handshake. */
  HANDSHAKE: 793,
  /** Directory handshake reply. */
  DN_HANDSHAKE: 795,
  /** Reference's local-only connect-in constant; never valid on the wire, never sent. */
  REFERENCE_PING: 797,
  /** ng keepalive probe (JMP-0004); only to peers advertising `ping`. */
  PING: 798,
  /** ng keepalive answer; the reference drops a connection that sends it. */
  PONG: 799,
  /** ng disconnect notice; the reference drops a connection that sends it; we never send it. */
  DISCONNECT: 801,
  /** ng nick-auth challenge (JMP-0005), directory to client. */
  NICK_AUTH_CHALLENGE: 803,
  /** ng nick-auth proof, client to directory. */
  NICK_AUTH_PROOF: 805,
  /** ng nick-auth result, directory to client. */
  NICK_AUTH_RESULT: 807,
} as const;

/** Names of the envelope types, for counters and logs. */
export const MESSAGE_TYPE_NAMES: Readonly<Record<number, string>> = {
  685: 'privmsg',
  687: 'pubmsg',
  789: 'peerlist',
  791: 'getpeerlist',
  793: 'handshake',
  795: 'dn-handshake',
  798: 'ping',
  799: 'pong',
  801: 'disconnect',
  803: 'nick-auth-challenge',
  805: 'nick-auth-proof',
  807: 'nick-auth-result',
};

/** One of the envelope type numbers in {@link MessageType}. */
export type MessageTypeNumber = (typeof MessageType)[keyof typeof MessageType];

/** The only protocol version any JoinMarket directory accepts (reference rejects anything else). */
export const PROTOCOL_VERSION = 5;
/** `app-name` in every handshake; compared case-sensitively by the reference. */
export const APP_NAME = 'joinmarket';
/** Location string of a peer that serves no onion (takers, watchers). */
export const NOT_SERVING_ONION = 'NOT-SERVING-ONION';
/** Onion virtual port every JoinMarket node advertises (reference `ONION_VIRTUAL_PORT`). */
export const ONION_VIRTUAL_PORT = 5222;
/** Port assumed when a configured directory has none (ng's address parser). */
export const DEFAULT_DIRECTORY_PORT = 5222;
/** Recipient field of a pubmsg. */
export const PUBLIC_TARGET = 'PUBLIC';
/** Separator between from, to and the command(s) in a message line (reference `COMMAND_PREFIX`). */
export const COMMAND_PREFIX = '!';
/** The hostid appended to signed privmsg data on every onion transport. */
export const ONION_HOSTID = 'onion-network';
/** Bitcoin networks a handshake may name (reference regtest setups say "testnet"). */
export const NETWORKS = ['mainnet', 'testnet', 'signet', 'regtest'] as const;

/** Longest line, in bytes without CRLF: the reference's LineReceiver `MAX_LENGTH`. */
export const MAX_LINE_LENGTH = 40_000;
/** Longest location string accepted (ours: a v3 onion with port is 68; bounds peerlist lines). */
export const MAX_LOCATION_LENGTH = 100;
/** Longest nick accepted (ours: real nicks are 16; bounds peerlist lines). */
export const MAX_NICK_LENGTH = 64;
/** Seconds a new connection has to send its handshake (ng directory). */
export const HANDSHAKE_TIMEOUT_MS = 30_000;
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
/** Peerlist entries per 789 message in a getpeerlist answer (ng directory). */
export const PEERLIST_CHUNK_SIZE = 20;
/** Gap between those chunks, ms (ng directory: `asyncio.sleep(0.05)` after each but the last). */
export const PEERLIST_CHUNK_SPACING_MS = 50;
/** Bytes queued for one slow reader before its messages are dropped (ours: keeps memory bounded). */
export const MAX_WRITE_BUFFER = 1024 * 1024;
/** Handshaked connections a directory holds by default (ours). */
export const MAX_CONNECTIONS = 20_000;
/** Nick-auth challenge lifetime (ours; ng expires unanswered challenges). */
export const NICK_AUTH_TIMEOUT_MS = 30_000;
/** Suffix signed with a nick-auth proof (JMP-0005). */
export const NICK_AUTH_HOSTID = 'nick-auth-v1';

/** Nick version digit after the leading `J` (reference `JM_VERSION` 5). */
export const NICK_VERSION = '5';
/** Bytes of sha256(pubkey hex) kept in a nick (reference `NICK_HASH_LENGTH`). */
export const NICK_HASH_LENGTH = 10;
/** Characters of the base58 part, right-padded with {@link NICK_PAD} (reference `NICK_MAX_ENCODED`). */
export const NICK_MAX_ENCODED = 14;
/** Padding letter: not in the base58 alphabet, so stripping it is unambiguous. */
export const NICK_PAD = 'O';

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
/** Takers whose reply channel a maker remembers, most recent kept (ours). */
export const MAX_TAKER_CHANNELS = 10_000;
/** Maker locations a taker remembers from peerlists (the orderbook layer's nick bound). */
export const MAX_KNOWN_LOCATIONS = 100_000;
/**
 * Verified privmsg lines a taker remembers to skip re-checking copies: several directories'
 * worth of one orderbook round (500 makers x 3) or CoinJoin (ours).
 */
export const DEFAULT_VERIFIED_LINES = 10_000;
