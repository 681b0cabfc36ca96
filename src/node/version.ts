import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

/**
 * The package version from package.json. This file sits two folders below the package root both
 * as source (src/node) and compiled (dist/node), so one relative path serves both.
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  const pkg: unknown = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
  );
  const version =
    typeof pkg === 'object' && pkg !== null ? (pkg as { version?: unknown }).version : undefined;
  cached = typeof version === 'string' ? version : '0.0.0';
  return cached;
}
