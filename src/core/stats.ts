/**
 * Counters a component exposes as a plain `stats` object: numbers, or one level of named numbers
 * (for example `dropped: { oversize: 2, spoofed: 1 }`). The node turns these into Prometheus metrics.
 *
 * @module
 */

/** A component's counters. */
export type Stats = Record<string, number | Record<string, number>>;

/** Anything that exposes counters. */
export interface StatsSource {
  readonly stats: Stats;
}

/** Adds `n` (default 1) to `record[key]`, creating it at 0. */
export function bump(record: Record<string, number>, key: string, n = 1): void {
  record[key] = (record[key] ?? 0) + n;
}

/** Flattens stats to `[name, labels, value]` triples: `dropped.oversize` becomes `['dropped', { key: 'oversize' }, n]`. */
export function flattenStats(stats: Stats): Array<[string, Record<string, string>, number]> {
  const out: Array<[string, Record<string, string>, number]> = [];
  for (const [name, value] of Object.entries(stats)) {
    if (typeof value === 'number') out.push([name, {}, value]);
    else for (const [key, n] of Object.entries(value)) out.push([name, { key }, n]);
  }
  return out;
}
