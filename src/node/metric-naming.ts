/**
 * How a service's `stats` keys become Prometheus metrics, following Prometheus's naming
 * conventions (https://prometheus.io/docs/practices/naming/): counters end in `_total`, the base
 * unit is in the name (`_bytes`, `_seconds`), names and label values are snake_case, and the help
 * text is a sentence.
 *
 * Services only count; they do not say which of their numbers are counters. The convention here
 * decides instead: a stat is a counter (it only grows while the service runs) unless its name is in
 * {@link GAUGE_STATS}, the few names that mean "how many right now".
 *
 * @module
 */

/** What Prometheus is told about one stat. */
export interface MetricShape {
  /** The full metric name, `peerway_<service>_<what>[_<unit>][_total]`. */
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  /** A sentence for `# HELP`. */
  readonly help: string;
  /** Multiplies the stat's value into the base unit (1 unless the stat is in milliseconds). */
  readonly scale: number;
}

/**
 * Stat names (as the services spell them, before snake_casing; also the keys of a nested stat,
 * such as discovery's `sessions.open`) that hold a current value rather than a running count.
 * Every other stat is a counter.
 */
export const GAUGE_STATS: ReadonlySet<string> = new Set([
  'connections',
  'peers',
  'open',
  'inFlight',
  'queued',
]);

/** Gauge names that read better with a word added: `connections` alone could be a count. */
const GAUGE_NAMES: Readonly<Record<string, string>> = {
  connections: 'open_connections',
};

/** `bytesIn` and `bytes-in` become `bytes_in`: Prometheus names are `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9_]/g, '_')
    .toLowerCase();
}

/** `bytes_in` → `received_bytes`, `send_ms` → `send_seconds`: the unit goes last, in base units. */
function withUnit(snake: string): { words: string; scale: number } {
  const parts = snake.split('_').filter((w) => w !== '');
  let scale = 1;
  let unit: string | undefined;
  if (parts.at(-1) === 'ms') {
    parts.pop();
    unit = 'seconds';
    scale = 1 / 1000;
  }
  const bytes = parts.indexOf('bytes');
  if (bytes !== -1) {
    parts.splice(bytes, 1);
    unit = 'bytes';
  }
  const words = parts.map((w) =>
    unit === 'bytes' && w === 'in' ? 'received' : unit === 'bytes' && w === 'out' ? 'sent' : w,
  );
  if (unit !== undefined) words.push(unit);
  return { words: words.join('_'), scale };
}

/**
 * The metric for one stat of one service: `stat` is the key in the service's `stats` (for a
 * nested gauge such as `sessions.open`, the two joined by `_`), `gauge` whether it is one.
 */
export function metricShape(service: string, stat: string, gauge: boolean): MetricShape {
  const snake = snakeCase(gauge ? (GAUGE_NAMES[stat] ?? stat) : stat);
  const { words, scale } = withUnit(snake.replace(/_total$/, ''));
  const name = `peerway_${snakeCase(service)}_${words}${gauge ? '' : '_total'}`;
  const phrase = words.replace(/_/g, ' ');
  const help = gauge
    ? `The ${service} service's ${phrase}, now.`
    : `The ${service} service's ${phrase}, counted since it started.`;
  return { name, type: gauge ? 'gauge' : 'counter', help, scale };
}

/** True when a stat (or a nested stat's key) holds a current value. */
export function isGaugeStat(stat: string): boolean {
  return GAUGE_STATS.has(stat);
}
