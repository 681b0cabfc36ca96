import type { ZodType } from 'zod';
import type { Logger, Stats } from '../core/index.js';
import type { Store } from '../store/index.js';

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
  /**
   * Counts and current values, exported as Prometheus metrics `peerway_<name>_<stat>`: counters
   * (`_total`) unless the stat's name is one metric-naming.ts lists as a current value (a gauge).
   */
  readonly stats: Stats;
  /** Extra facts for /health (listening addresses, peer counts). */
  info?(): Record<string, unknown>;
  /** The service's peer table, for `GET /api/<name>/peers` and `peerway peers <name>`. */
  peers?(): readonly object[];
  /**
   * Adds a peer by hand (`POST /api/<name>/peers`, which needs the API token). Rejects with a
   * PeerwayError (ERR_INVALID_ARGUMENT) when the request is refused.
   */
  addPeer?(request: unknown): Promise<object>;
  /**
   * Removes a peer by its id in the peer table (a discovery host), for
   * `DELETE /api/<name>/peers/<id>` (which needs the API token). Resolves to undefined when no such
   * peer is known.
   */
  removePeer?(id: string): Promise<object | undefined>;
  /** What the dashboard's panel for this service shows; pushed over `/api/events` when it changes. */
  view?(): unknown;
  /** Messages handled since start (any kind), for the overview's messages-per-second chart. */
  messageCount?(): number;
  /** Communities (overlay), for `GET /api/<name>/communities`. */
  communities?(): readonly object[];
  /** One community's peers, or undefined for an unknown id (`GET /api/<name>/communities/:id/peers`). */
  communityPeers?(id: string): readonly object[] | undefined;
}

/** What the node hands a service when it creates it. */
export interface ServiceContext {
  /** Logger bound to the service's name (pino underneath). */
  readonly logger: Logger;
  /** The node's data directory (keys, onion service keys). */
  readonly dataDir: string;
  /** The node's open database. */
  readonly store: Store;
}

/**
 * How a protocol module plugs into the node: a config section (a zod schema with defaults, under
 * `services.<name>` in the config file) and a factory. The node validates the section, skips the
 * service when `enabled` is false, and otherwise creates and starts it.
 */
export interface ServiceDefinition<C extends { enabled: boolean } = { enabled: boolean }> {
  /** The config key and service name. */
  readonly name: string;
  /** Validates the service's config section and fills its defaults. */
  readonly schema: ZodType<C>;
  /** Creates the (not yet started) service. */
  create(config: C, context: ServiceContext): Service;
  /**
   * Most connections the service keeps open with this config (its server's cap). The node adds
   * these up with its own HTTP cap and warns when they exceed the process's open-file limit.
   * @default not counted
   */
  connectionCap?(config: C): number;
}
