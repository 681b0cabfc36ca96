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

/** Longest line, in bytes without CRLF: the reference's LineReceiver `MAX_LENGTH`. */
export const MAX_LINE_LENGTH = 40_000;
/** Longest location string accepted (ours: a v3 onion with port is 68; bounds peerlist lines). */
export const MAX_LOCATION_LENGTH = 100;
/**
 * Longest nick accepted: real nicks are 16 characters (`J5` + 14 of base58 and `O` padding);
 * twice that leaves room for a future version and still bounds peerlist lines (ours).
 */
export const MAX_NICK_LENGTH = 32;
/**
 * What a nick is made of: `J`, the version digit, then base58 letters and the `O` padding (see
 * docs/protocols/joinmarket.md section 2). No control characters, separators, spaces or non-ASCII.
 */
export const NICK_PATTERN = /^J[1-9][1-9A-HJ-Za-km-z]*$/;
/** A partial line older than this closes its connection (ours: an honest peer sends whole lines). */
export const PARTIAL_LINE_TIMEOUT_MS = 60_000;
/** Seconds a new connection has to send its handshake (ng directory). */
export const HANDSHAKE_TIMEOUT_MS = 30_000;
/** Peerlist entries per 789 message in a getpeerlist answer (ng directory). */
export const PEERLIST_CHUNK_SIZE = 20;
/** Bytes queued for one slow reader before its messages are dropped (ours: keeps memory bounded). */
export const MAX_WRITE_BUFFER = 1024 * 1024;
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

/** Public keys kept parsed for signature checks (one per maker nick in practice). */
export const MAX_CACHED_VERIFY_KEYS = 4_096;

/** The Bitcoin networks a JoinMarket handshake names (the reference's `blockchain_network` values). */
export const BITCOIN_NETWORKS = ['mainnet', 'testnet', 'signet', 'regtest'] as const;
/** One of {@link BITCOIN_NETWORKS}. */
export type BitcoinNetwork = (typeof BITCOIN_NETWORKS)[number];
/** Network a handshake names when none is configured (reference and ng default to mainnet). */
export const DEFAULT_NETWORK: BitcoinNetwork = 'mainnet';
/** Address a directory or a maker's direct-link listener binds when none is given (ours: loopback, safe behind Tor). */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';
