import type { Stats } from '../core/index.js';

/** Where a service is in its life. */
export type ServiceState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/**
 * What the node runs: each protocol module contributes one. `stop()` must be idempotent and
 * leave no socket or timer behind; `stats` is read on every /metrics scrape.
 *
 * @example
 * ```ts
 * const service: Service = {
 *   name: 'directory',
 *   async start() { await server.start(); },
 *   async stop() { await server.stop(); },
 *   get stats() { return server.stats; },
 * };
 * ```
 */
export interface Service {
  /** Short name used in /health, logs and metric names (`[a-z][a-z0-9_]*`). */
  readonly name: string;
  /** Starts the service; rejects if it cannot. */
  start(): Promise<void>;
  /** Stops the service; idempotent. */
  stop(): Promise<void>;
  /** Counters exported as Prometheus metrics `peerway_<name>_<counter>`. */
  readonly stats: Stats;
  /** Extra facts for /health (listening addresses, peer counts). */
  info?(): Record<string, unknown>;
}
