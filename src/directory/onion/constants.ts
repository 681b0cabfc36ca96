/**
 * Constants of the onion part: tor's control port and how long one command may take.
 *
 * @module
 */

/** Tor's default control port. */
export const TOR_CONTROL_PORT = 9051;
/** Deadline of one control-port command (ours: ADD_ONION answers in well under a second). */
export const TOR_CONTROL_TIMEOUT_MS = 30_000;
