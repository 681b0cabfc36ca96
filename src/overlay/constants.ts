/**
 * Every number the overlay depends on, and where it comes from. "py-ipv8" means the behaviour of
 * py-ipv8 3.2 (community.py, peerdiscovery/, bootstrapping/), which peerway must interoperate with.
 *
 * @module
 */

/** Legacy Dispersy byte that opens every packet (py-ipv8 community.py `_prefix`). */
export const PREFIX_LEGACY_BYTE = 0x00;
/** Community.version in py-ipv8: the second prefix byte. */
export const COMMUNITY_VERSION = 0x02;
/** Length of a community id (py-ipv8 requires exactly 20 bytes). */
export const COMMUNITY_ID_LENGTH = 20;
/** Prefix length: legacy byte + version + community id; the endpoint demultiplexes on it. */
export const PREFIX_LENGTH = 2 + COMMUNITY_ID_LENGTH;
/** Offset of the message-id byte. */
export const MSG_ID_OFFSET = PREFIX_LENGTH;

/** Message ids of the discovery messages (py-ipv8 messaging/payload.py). */
export const MessageIds = {
  INTRODUCTION_REQUEST: 246,
  INTRODUCTION_RESPONSE: 245,
  PUNCTURE_REQUEST: 250,
  PUNCTURE: 249,
  NEW_INTRODUCTION_REQUEST: 234,
  NEW_INTRODUCTION_RESPONSE: 233,
  NEW_PUNCTURE_REQUEST: 232,
  NEW_PUNCTURE: 231,
} as const;

/** Ids py-ipv8 treats as deprecated Dispersy messages: logged, never answered (community.py). */
export const DEPRECATED_IDS: ReadonlySet<number> = new Set([
  255, 254, 253, 252, 251, 248, 247, 244, 243, 242, 241, 240, 239, 238, 237, 236, 235,
]);

/**
 * Largest datagram we decode. IPv8 packets are built to fit one UDP datagram; py-ipv8's own
 * endpoint reads up to 2^16 bytes. 65,507 is the IPv4 UDP payload maximum.
 */
export const MAX_DATAGRAM_SIZE = 65_507;

/**
 * The endpoint's kernel receive buffer: 2 MiB holds about 2,000 typical overlay datagrams, so a
 * burst (a flood the cheap checks will drop) does not push honest packets out of the queue while
 * the event loop is busy. Linux caps it at net.core.rmem_max (4 MiB on our machines, 208 KiB on
 * a stock kernel, where the default stays).
 */
export const RECEIVE_BUFFER_BYTES = 2 * 1024 * 1024;

/** py-ipv8 `DEFAULT_MAX_PEERS`: the peer count at which a Community stops accepting requesters. */
export const DEFAULT_MAX_PEERS = 30;
/** peerway's default for a full community: still introduce (see `CommunityInit.whenFull`). */
export const DEFAULT_WHEN_FULL = 'introduce';
/** py-ipv8's default `WalkerDefinition(RandomWalk, 20)`: walk while below 20 peers. */
export const DEFAULT_WALK_TARGET = 20;
/**
 * Silent-peer churn is on unless turned off: py-ipv8's plain Community never drops a peer, so a
 * table filled by peers that went silent (or by an attacker) would never take a real peer again.
 */
export const DEFAULT_CHURN = true;
/** py-ipv8 `walker_interval`: seconds between strategy ticks (configuration.py default). */
export const DEFAULT_TICK_MS = 500;

/** RandomWalk defaults (peerdiscovery/discovery.py). */
export const RANDOM_WALK = { timeoutMs: 3000, windowSize: 5, resetChance: 50 } as const;
/** EdgeWalk defaults (peerdiscovery/discovery.py). */
export const EDGE_WALK = { edgeLength: 4, neighborhoodSize: 6, edgeTimeoutMs: 3000 } as const;
/**
 * Churn defaults: py-ipv8 RandomChurn's sample size, ping interval, inactive and drop times
 * (peerdiscovery/churn.py): 8 peers, 10 s, 27.5 s, 57.5 s.
 */
export const CHURN = { sampleSize: 8, pingIntervalMs: 10_000, inactiveMs: 27_500, dropMs: 57_500 } as const;

/** DispersyBootstrapper: each bootstrap address is walked to at most once per 30 s. */
export const BOOTSTRAP_TIMEOUT_MS = 30_000;
/** py-ipv8 `get_new_introduction` asks a bootstrapper for a keep-alive with 5% probability. */
export const KEEP_ALIVE_CHANCE = 0.05;

/** Reverse intro caches in py-ipv8 network.py hold 500 entries. */
export const REVERSE_CACHE_SIZE = 500;
/** Our bound on addresses remembered (py-ipv8 has none; an attacker could otherwise grow it). */
export const MAX_KNOWN_ADDRESSES = 10_000;
/** Our bound on verified peers across all communities of one network. */
export const MAX_VERIFIED_PEERS = 10_000;
/** Our bound on cached imported public keys (verification is the hot path). */
export const KEY_CACHE_SIZE = 4096;

/**
 * Amplification guard: we never send, in reaction to one unauthenticated datagram, more than this
 * many times its size. The largest legitimate ratio is a signed puncture (185 B) for an unsigned
 * puncture-request (45 B), about 4.1.
 */
export const MAX_AMPLIFICATION = 5;
/** Introduction requests answered (and punctures taken) per source address: tokens per second and burst. */
export const RATE_PER_SOURCE = { perSecond: 20, burst: 40 } as const;
/**
 * Puncture-requests and punctures sent to one target host (an IPv6 /64 counts as one host, since
 * one subscriber usually holds a whole /64): tokens per second and burst.
 */
export const RATE_PER_TARGET = { perSecond: 10, burst: 20 } as const;
/**
 * Signature verification allowed per source address and second: packets, and milliseconds of CPU.
 * An honest peer sends a few signed packets a second (one walk step per 0.5 s tick, plus answers),
 * about 0.1 ms each with Ed25519; a binary-curve ECDSA key costs about 2.3 ms (measured here), so
 * 20 ms lets a legitimate ECDSA peer through and stops one source from taking a core.
 */
export const VERIFY_BUDGET = { packetsPerSecond: 100, cpuMsPerSecond: 20 } as const;
/**
 * Signatures waiting for the verification thread at most (when a community verifies there): about
 * 50 ms of work for one core; past it, introduction requests are dropped as a full socket would.
 */
export const VERIFY_WORKER_QUEUE = 1024;
/**
 * How long an introduction request waits for its response. py-ipv8 answers at once; RandomWalk
 * gives up on an address after 3 s, and this leaves room for a slow link beyond that.
 */
export const PENDING_REQUEST_TIMEOUT_MS = 10_000;
/**
 * Introduction requests awaiting a response, at most: 5 walks per tick plus churn pings and
 * bootstrap walks stay far below it; past it the oldest request is forgotten.
 */
export const MAX_PENDING_REQUESTS = 1024;
/** Rate limiters forget the least recently used keys beyond this many. */
export const RATE_LIMIT_KEYS = 8192;

/** The default bootstrap addresses py-ipv8 uses (DISPERSY_BOOTSTRAPPER). Never used in tests. */
export const PUBLIC_BOOTSTRAP_ADDRESSES: readonly string[] = [
  '130.161.119.206:6421',
  '130.161.119.206:6422',
  '131.180.27.155:6423',
  '131.180.27.156:6424',
  '131.180.27.161:6427',
  '131.180.27.161:6521',
  '131.180.27.161:6522',
  '131.180.27.162:6523',
  '131.180.27.162:6524',
  '130.161.119.215:6525',
  '130.161.119.215:6526',
  '130.161.119.201:6527',
  '130.161.119.201:6528',
];
