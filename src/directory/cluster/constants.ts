/**
 * Limits and timings of the directory cluster, each with where it comes from.
 *
 * @module
 */

/** Name of the cluster when none is given: the key-value bucket and subjects derive from it. */
export const DEFAULT_CLUSTER_NAME = 'peerway';

/** How often an instance says it is alive. 1 s: a dead instance is noticed within seconds. */
export const HEARTBEAT_INTERVAL_MS = 1_000;

/**
 * An instance not heard from for this long is dead: its nicks are removed and departures go out.
 * Five heartbeats, so a busy machine missing one or two does not lose its nicks.
 */
export const INSTANCE_DEAD_AFTER_MS = 5_000;

/**
 * A heartbeat tick this late means this process itself was stalled (SIGSTOP, a long GC pause, a
 * suspended machine): silence from the others over that time proves nothing, so nobody is
 * declared dead and our own nicks are checked again.
 */
export const STALL_FACTOR = 3;

/**
 * Timeout of the first connection and of each key-value operation (claim, release, lookup): the
 * NATS client uses its connection timeout for JetStream requests too. A handshake waits for its
 * claim, so this bounds how long a new client can wait on a NATS server that stopped answering.
 */
export const KV_TIMEOUT_MS = 5_000;

/** Wait between reconnection attempts; attempts go on for as long as the instance runs. */
export const RECONNECT_WAIT_MS = 500;

/**
 * Largest cross-instance message accepted: a directory line (40000 bytes at most) plus the
 * recipient and the sender's two peerlist entries, with room to spare.
 */
export const MAX_CLUSTER_PAYLOAD = 64 * 1024;

/** Largest presence record (location, up to 16 feature names and a key) in the key-value bucket. */
export const MAX_PRESENCE_RECORD = 2_048;

/** Times a claim retries when the nick changed between reading and writing it. */
export const CLAIM_ATTEMPTS = 3;

/**
 * The client pings the NATS server this often and gives the connection up after this many
 * unanswered pings: a server that vanished without closing is noticed within about 6 s (the
 * client's default, 2 minutes, would leave an instance deaf for that long).
 */
export const NATS_PING_INTERVAL_MS = 2_000;

/** Unanswered pings before the connection counts as lost (see {@link NATS_PING_INTERVAL_MS}). */
export const NATS_MAX_PINGS_OUT = 3;
