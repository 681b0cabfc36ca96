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
  };
}
