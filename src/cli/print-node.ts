/**
 * What the node-running commands print on stdout once the node is up: readable lines, or with
 * `--json` one JSON object a line (the first says what is served, later ones report changes).
 *
 * @module
 */
import type { PeerwayNode } from '../node/index.js';

/** The `info` a running service reports in /health (empty when it reports none). */
export function serviceInfo(node: PeerwayNode, service: string): Record<string, unknown> {
  return node.services().find((s) => s.name === service)?.info ?? {};
}

/** The node's /health and /metrics URLs, or nulls when HTTP is off. */
export function httpUrls(node: PeerwayNode): { health: string | null; metrics: string | null } {
  const url = node.url;
  return url === undefined
    ? { health: null, metrics: null }
    : { health: `${url}/health`, metrics: `${url}/metrics` };
}

/** Prints where the node's /health and /metrics are, or that HTTP is off. */
export function printHttp(node: PeerwayNode): void {
  const { health, metrics } = httpUrls(node);
  process.stdout.write(health === null ? 'http off\n' : `health ${health}\nmetrics ${metrics}\n`);
}

/** Writes one JSON object on its own line. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}
