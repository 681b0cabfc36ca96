/**
 * What the one-service commands print about a running node.
 *
 * @module
 */
import type { PeerwayNode } from '../node/index.js';

/** The `info` a running service reports in /health (empty when it reports none). */
export function serviceInfo(node: PeerwayNode, service: string): Record<string, unknown> {
  return node.services().find((s) => s.name === service)?.info ?? {};
}

/** Prints where the node's /health and /metrics are, or that HTTP is off. */
export function printHttp(node: PeerwayNode): void {
  const url = node.url;
  process.stdout.write(url === undefined ? 'http off\n' : `health ${url}/health\nmetrics ${url}/metrics\n`);
}
