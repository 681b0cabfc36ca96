/**
 * node: the peerway daemon. It composes the protocol modules as services, validates one config,
 * and serves health, metrics and a JSON API on one HTTP port.
 *
 * ```
 * config.json ─┐
 * PEERWAY_*   ─┼─ loadConfig ──> PeerwayNode.start()
 * flags, --set ┘                   ├─ openStoreOrRecover(<dataDir>/peerway.sqlite)
 *                                  ├─ checks the connection caps against ulimit -n (warns)
 *                                  ├─ HTTP  GET /health        {status, version, uptime, services}
 *                                  │                           200, or 503 when a service failed
 *                                  │        GET /metrics       process + peerway_<service>_<stat>[_total]
 *                                  │                           + peerway_http_*, rendered ≤ 1/s
 *                                  │        GET /api/services  {services: {name: {state, stats}}}
 *                                  │        ≤ http.maxConnections (oldest idle one makes room),
 *                                  │        ≤ 16 pipelined, a request body closes the connection
 *                                  └─ for each enabled ServiceDefinition: create(config, ctx).start()
 *                                       idle → starting → running → stopping → stopped  (or failed)
 * SIGINT/SIGTERM ──> stopOnSignals (core) ──> stop(): services, HTTP, store
 * ```
 *
 * Protocol modules plug in with a {@link ServiceDefinition} listed in `services.ts`; they never
 * import this folder's pino or prom-client wiring, only receive a Logger and expose `stats`. A
 * definition's `connectionCap` tells the node how many files its server may hold.
 *
 * @module
 */
export { PeerwayNode, type PeerwayNodeInit, type PeerwayNodeEvents, type HealthReport } from './node.js';
export type { ServiceStatus } from './service-host.js';
export type { Service, ServiceContext, ServiceDefinition, ServiceState } from './service.js';
export { serviceDefinitions } from './services.js';
export { directoryServiceDefinition, type DirectoryConfig } from './directory-service.js';
export { discoveryServiceDefinition, type DiscoveryConfig } from './discovery-service.js';
export { overlayServiceDefinition, type OverlayConfig } from './overlay-service.js';
export {
  orderbookServiceDefinition,
  isOrderbookService,
  type OrderbookConfig,
  type OrderbookService,
  type OrderbookServiceParts,
} from './orderbook-service.js';
export { ElectrumChain, type ElectrumChainInit } from './electrum-chain.js';
export {
  createConfigSchema,
  type NodeConfig,
  type ServiceConfig,
  type LogLevel,
  type ConfigProblem,
} from './config.js';
export { loadConfig, type LoadConfigOptions, type ConfigLayer } from './config-load.js';
export { unknownEnvironmentVariables, type UnknownVariable } from './config-env.js';
export {
  configJsonSchema,
  configFields,
  envName,
  type ConfigField,
  type JsonSchema,
} from './config-schema.js';
export { createPinoLogger, fromPino, type PinoLoggerOptions } from './pino-logger.js';
export { packageVersion } from './version.js';
export {
  presetLayer,
  readNetworkPreset,
  presetDirectory,
  PRESET_NAMES,
  type PresetName,
  type NetworkPreset,
} from './presets.js';
export { multistreamServiceDefinition, type MultistreamConfig } from './multistream-service.js';
export { createDemoService, DEMO_COMMUNITY_ID, type DemoInit, type DemoSizes } from './demo/index.js';
export { API_TOKEN_FILE, MAX_EVENT_STREAMS, EVENT_INTERVAL_MS } from './constants.js';
export type { EventStreamStats } from './event-stream.js';
export {
  DEFAULT_HTTP_PORT,
  DEFAULT_HTTP_HOST,
  DEFAULT_DATA_DIR,
  LOG_LEVELS,
  ENV_OVERRIDES,
  ENV_CONFIG_FILE,
} from './constants.js';
