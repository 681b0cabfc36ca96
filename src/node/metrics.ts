import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { flattenStats, type Stats } from '../core/index.js';

/** What the metrics need to know about one service. */
export interface MetricsSource {
  readonly name: string;
  readonly state: string;
  readonly stats: Stats | undefined;
}

let processRegistry: Registry | undefined;

/**
 * Process metrics (CPU, memory, event loop lag, GC) are process-wide, and prom-client's collectors
 * cannot be switched off once started, so they live in one registry of ours per process, shared by
 * every node in it (tests start many). The global registry is never touched.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** `bytesIn` and `bytes-in` become `bytes_in`: Prometheus names are `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function metricName(service: string, counter: string): string {
  const snake = counter
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
  return `peerway_${service}_${snake}`;
}

/**
 * The node's Prometheus exposition: process metrics plus, per service, one gauge per counter in
 * its `stats` (`peerway_<service>_<counter>`, a `key` label for nested counters) and
 * `peerway_service_up`. Service stats are read fresh on every scrape.
 */
export class NodeMetrics {
  readonly #registry = new Registry();
  readonly #gauges = new Map<string, Gauge<'key'>>();
  readonly #up: Gauge<'service'>;

  constructor() {
    this.#up = new Gauge({
      name: 'peerway_service_up',
      help: 'Whether the service is running (1) or not (0).',
      labelNames: ['service'],
      registers: [this.#registry],
    });
  }

  /** The content type of {@link NodeMetrics.render}'s text. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Reads every source's stats and renders the exposition text. */
  async render(sources: readonly MetricsSource[]): Promise<string> {
    this.#update(sources);
    const [processText, nodeText] = await Promise.all([processMetrics().metrics(), this.#registry.metrics()]);
    return `${processText}\n${nodeText}`;
  }

  #update(sources: readonly MetricsSource[]): void {
    // Reset so a counter or key a service no longer reports disappears from the scrape.
    for (const gauge of this.#gauges.values()) gauge.reset();
    this.#up.reset();
    for (const source of sources) {
      this.#up.set({ service: source.name }, source.state === 'running' ? 1 : 0);
      if (source.stats === undefined) continue;
      for (const [counter, labels, value] of flattenStats(source.stats)) {
        if (!Number.isFinite(value)) continue;
        this.#gauge(metricName(source.name, counter), source.name, counter).set(labels, value);
      }
    }
  }

  #gauge(name: string, service: string, counter: string): Gauge<'key'> {
    let gauge = this.#gauges.get(name);
    if (gauge === undefined) {
      gauge = new Gauge({
        name,
        help: `${service} stats.${counter}`,
        labelNames: ['key'],
        registers: [this.#registry],
      });
      this.#gauges.set(name, gauge);
    }
    return gauge;
  }
}
