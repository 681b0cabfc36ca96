// Services for the node tests: one that counts, one that fails to start, one defined by config.
import { z } from 'zod';
import type { Stats } from '../../src/core/index.js';
import type { Service, ServiceContext, ServiceDefinition } from '../../src/node/index.js';

export class CountingService implements Service {
  readonly name: string;
  readonly stats = { accepted: 0, bytesIn: 0, dropped: { oversize: 0, spoofed: 0 } } satisfies Stats;
  started = 0;
  stopped = 0;
  constructor(name = 'counting') {
    this.name = name;
  }
  async start(): Promise<void> {
    this.started++;
    this.stats.accepted = 3;
    this.stats.bytesIn = 1024;
    this.stats.dropped.oversize = 2;
    await Promise.resolve();
  }
  async stop(): Promise<void> {
    this.stopped++;
    await Promise.resolve();
  }
  info(): Record<string, unknown> {
    return { listening: '127.0.0.1:1' };
  }
}

export class FailingService implements Service {
  readonly name = 'broken';
  readonly stats = { attempts: 0 };
  stopped = 0;
  async start(): Promise<void> {
    this.stats.attempts++;
    await Promise.resolve();
    throw new Error('port already taken');
  }
  async stop(): Promise<void> {
    this.stopped++;
    await Promise.resolve();
  }
}

export interface ConfiguredOptions {
  enabled: boolean;
  greeting: string;
}

/** A definition that records what it was created with. */
export function configuredDefinition(
  name: string,
  created: Array<{ config: ConfiguredOptions; context: ServiceContext }>,
): ServiceDefinition<ConfiguredOptions> {
  return {
    name,
    schema: z.object({ enabled: z.boolean().default(false), greeting: z.string().default('hello') }).strict(),
    create(config, context) {
      created.push({ config, context });
      return new CountingService(name);
    },
  };
}
