import { addressKey, type UdpAddress } from './address.js';
import { MAX_PENDING_REQUESTS, PENDING_REQUEST_TIMEOUT_MS } from './constants.js';

/** Options for {@link PendingRequests}. */
export interface PendingRequestsInit {
  /** A request expires this many ms after it was made. @default 10000 */
  timeoutMs?: number;
  /** Requests remembered; the oldest beyond this are forgotten. @default 1024 */
  maxRequests?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

/**
 * The key a request is remembered by. A datagram sent to an unspecified address (0.0.0.0 or ::)
 * is delivered to this host, and its answer comes from loopback: remember it under that.
 */
function requestKey(address: UdpAddress, identifier: number): string {
  const host = address.host === '0.0.0.0' ? '127.0.0.1' : address.host === '::' ? '::1' : address.host;
  return `${addressKey(host === address.host ? address : { host, port: address.port })}#${identifier}`;
}

/**
 * The introduction requests we sent and still wait for, by address and identifier: an
 * introduction response is taken only as the answer to one of them, once, within its timeout.
 */
export class PendingRequests {
  /** `addressKey#identifier` -> when it was made; in insertion order, so the oldest come first. */
  private readonly requests = new Map<string, number>();
  private readonly timeoutMs: number;
  private readonly maxRequests: number;
  private readonly now: () => number;

  constructor(init: PendingRequestsInit = {}) {
    this.timeoutMs = init.timeoutMs ?? PENDING_REQUEST_TIMEOUT_MS;
    this.maxRequests = init.maxRequests ?? MAX_PENDING_REQUESTS;
    this.now = init.now ?? Date.now;
  }

  /** Records a request to `address` with `identifier`. */
  add(address: UdpAddress, identifier: number): void {
    const key = requestKey(address, identifier);
    this.requests.delete(key);
    if (this.requests.size >= this.maxRequests) this.requests.delete(this.requests.keys().next().value!);
    this.requests.set(key, this.now());
  }

  /** True when a response from `address` with `identifier` answers a request still waiting. */
  expects(address: UdpAddress, identifier: number): boolean {
    const key = requestKey(address, identifier);
    const at = this.requests.get(key);
    if (at === undefined) return false;
    if (this.now() - at <= this.timeoutMs) return true;
    this.requests.delete(key);
    return false;
  }

  /** Marks the request answered: a second response to it is unsolicited. */
  settle(address: UdpAddress, identifier: number): void {
    this.requests.delete(requestKey(address, identifier));
  }

  /** Requests remembered (some may have expired). */
  get size(): number {
    return this.requests.size;
  }
}
