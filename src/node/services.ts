import type { ServiceDefinition } from './service.js';

/**
 * Every service the node knows, in start order. Each protocol module adds its definition here
 * (`directoryService`, `discoveryService`...); the config schema gets one section per entry.
 */
export const serviceDefinitions: readonly ServiceDefinition[] = [];
