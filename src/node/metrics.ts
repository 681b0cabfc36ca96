import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { flattenStats, type Stats } from '../core/index.js';
import { isGaugeStat, metricShape, snakeCase, type MetricShape } from './metric-naming.js';

/** What the metrics need to know about one service. */
export interface MetricsSource {
  readonly name: string;
  readonly state: string;
  readonly stats: Stats | undefined;
}

let processRegistry: Registry | undefined;

/** prom-client's default metrics that are gauges named like counters (prom-client 15). */
const MISNAMED_DEFAULT_GAUGES = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/**
 * Process metrics (CPU, memory, event loop lag, GC) are process-wide, and prom-client's collectors
 * cannot be switched off once started, so they live in one registry of ours per process, shared by
 * every node in it (tests start many). The global registry is never touched.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // prom-client names these three gauges `_total`, which Prometheus reserves for counters
    // (promtool check metrics rejects them); the same numbers are in `nodejs_active_handles`,
    // `nodejs_active_requests` and `nodejs_active_resources`, summed over their `type` label.
    for (const name of MISNAMED_DEFAULT_GAUGES) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

/** A metric of ours: a counter or a gauge, both set to the service's value on every scrape. */
type ServiceMetric = Counter<'key'> | Gauge<'key'>;

/**
 * The node's Prometheus exposition: process metrics plus, per service, one metric per stat in its
 * `stats` (named and typed by {@link metricShape}: counters `peerway_<service>_<what>_total`,
 * gauges for current values; a `key` label in snake_case for nested stats) and
 * `peerway_service_up`. Service stats are read fresh on every scrape.
 */
export class NodeMetrics {
  readonly #registry = new Registry();
  readonly #metrics = new Map<string, ServiceMetric>();
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
    // Reset so a stat or key a service no longer reports disappears from the scrape.
    for (const metric of this.#metrics.values()) metric.reset();
    this.#up.reset();
    for (const source of sources) {
      this.#up.set({ service: source.name }, source.state === 'running' ? 1 : 0);
      if (source.stats === undefined) continue;
      for (const [stat, labels, value] of flattenStats(source.stats)) {
        if (!Number.isFinite(value)) continue;
        const key = labels.key;
        if (key === undefined) {
          this.#set(metricShape(source.name, stat, isGaugeStat(stat)), false, {}, value);
        } else if (isGaugeStat(key)) {
          // A current value among counters (discovery's `sessions.open`) is a gauge of its own.
          this.#set(metricShape(source.name, `${stat}_${key}`, true), false, {}, value);
        } else {
          this.#set(metricShape(source.name, stat, false), true, { key: snakeCase(key) }, value);
        }
      }
    }
  }

  #set(shape: MetricShape, keyed: boolean, labels: Partial<Record<'key', string>>, value: number): void {
    const scaled = value * shape.scale;
    const metric = this.#metric(shape, keyed);
    if (metric instanceof Gauge) metric.set(labels, scaled);
    // A counter's value is the service's running count: reset above, so `inc` sets it.
    else if (scaled >= 0) metric.inc(labels, scaled);
  }

  #metric(shape: MetricShape, keyed: boolean): ServiceMetric {
    let metric = this.#metrics.get(shape.name);
    if (metric === undefined) {
      const config = {
        name: shape.name,
        help: keyed ? `${shape.help} One series per kind, in the key label.` : shape.help,
        labelNames: ['key'] as const,
        registers: [this.#registry],
      };
      metric = shape.type === 'gauge' ? new Gauge(config) : new Counter(config);
      this.#metrics.set(shape.name, metric);
    }
    return metric;
  }
}
