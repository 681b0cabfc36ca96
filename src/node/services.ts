import { directoryServiceDefinition } from './directory-service.js';
import { discoveryServiceDefinition } from './discovery-service.js';
import { multistreamServiceDefinition } from './multistream-service.js';
import { orderbookServiceDefinition } from './orderbook-service.js';
import { overlayServiceDefinition } from './overlay-service.js';
import type { ServiceDefinition } from './service.js';

/**
 * Every service the node knows (started together; this order is the order /health lists them in). Each protocol module adds its definition here
 * (`directoryService`, `discoveryService`...); the config schema gets one section per entry.
 */
export const serviceDefinitions: readonly ServiceDefinition[] = [
  directoryServiceDefinition,
  discoveryServiceDefinition,
  overlayServiceDefinition,
  multistreamServiceDefinition,
  orderbookServiceDefinition,
];
