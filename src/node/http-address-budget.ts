/** Rates of {@link AddressBudget}; each is also the burst one address may spend at once. */
export interface AddressRates {
  /** New connections one source address may open per second. */
  connectionsPerSecond: number;
  /** Requests one source address may send per second, over all its connections. */
  requestsPerSecond: number;
  /** Most addresses tracked at once; past it the least recently seen one is forgotten. */
  maxAddresses: number;
}

/** What one source address has left to spend. */
interface Bucket {
  connections: number;
  requests: number;
  /** When the bucket was last refilled (performance.now()). */
  at: number;
}

/**
 * Token buckets of new connections and requests per source address, so that one address that
 * floods the HTTP server is turned away at accept, before Node parses what it sent, while the
 * other addresses keep their full budget. A bucket holds one second's worth and refills
 * continuously. An address out of requests is refused new connections too: a flood of pipelined
 * requests costs the server one accept per connection, not one parse per request.
 */
export class AddressBudget {
  readonly #rates: AddressRates;
  // Insertion order is recency: a touched bucket is moved to the end.
  readonly #buckets = new Map<string, Bucket>();

  constructor(rates: AddressRates) {
    this.#rates = rates;
  }

  /** Spends one connection of `address`; false when it has none left or no requests left. */
  takeConnection(address: string): boolean {
    const bucket = this.#refill(address);
    if (bucket.connections < 1 || bucket.requests < 1) return false;
    bucket.connections--;
    return true;
  }

  /**
   * Spends one request of `address`; false when it had none left. Requests past the budget are
   * still counted, as debt of up to one second: every request parsed has cost the server, so an
   * address that pipelines a hundred in one read waits for all of them to refill before its next
   * connection is accepted.
   */
  takeRequest(address: string): boolean {
    const bucket = this.#refill(address);
    const had = bucket.requests;
    bucket.requests = Math.max(-this.#rates.requestsPerSecond, had - 1);
    return had >= 1;
  }

  /** How many addresses are tracked now. */
  get size(): number {
    return this.#buckets.size;
  }

  #refill(address: string): Bucket {
    const now = performance.now();
    const rates = this.#rates;
    let bucket = this.#buckets.get(address);
    if (bucket === undefined) {
      bucket = { connections: rates.connectionsPerSecond, requests: rates.requestsPerSecond, at: now };
      if (this.#buckets.size >= rates.maxAddresses) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
    } else {
      const seconds = (now - bucket.at) / 1000;
      bucket.connections = Math.min(
        rates.connectionsPerSecond,
        bucket.connections + seconds * rates.connectionsPerSecond,
      );
      bucket.requests = Math.min(
        rates.requestsPerSecond,
        bucket.requests + seconds * rates.requestsPerSecond,
      );
      bucket.at = now;
      this.#buckets.delete(address);
    }
    this.#buckets.set(address, bucket);
    return bucket;
  }
}
