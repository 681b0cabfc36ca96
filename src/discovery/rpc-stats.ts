/**
 * Counters of JSON-RPC traffic, shared by every session of a server.
 *
 * @module
 */

/** Counters a connection updates; a server passes one object shared by all its sessions. */
export interface RpcStats {
  requests: number;
  notifications: number;
  errorsSent: number;
  /** Lines dropped for exceeding the size limit. */
  oversize: number;
  /** Lines that were not valid JSON-RPC. */
  invalid: number;
  /** Requests that took longer than the per-request timeout. */
  timeouts: number;
  /** Replies whose id matched no pending request. */
  unexpected: number;
  /** Times a session's input was paused because its output was backed up. */
  backpressure: number;
  /** Sessions closed because their unread output passed the bound. */
  outputOverflow: number;
  /** Sessions closed for idling before they identified themselves (server.version). */
  helloTimeouts: number;
  /** Sessions closed for idling after that. */
  idleTimeouts: number;
}

/** A fresh zeroed {@link RpcStats}. */
export function newRpcStats(): RpcStats {
  return {
    requests: 0,
    notifications: 0,
    errorsSent: 0,
    oversize: 0,
    invalid: 0,
    timeouts: 0,
    unexpected: 0,
    backpressure: 0,
    outputOverflow: 0,
    helloTimeouts: 0,
    idleTimeouts: 0,
  };
}
