/**
 * A small client for a running node's JSON API (`peerway status`, `peerway peers`).
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT } from '../node/index.js';

export { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, ErrorCodes, PeerwayError };

/** How long a CLI request to the node may take. */
export const API_TIMEOUT_MS = 10_000;

/** Most bytes of an API answer the CLI reads. */
export const API_MAX_BYTES = 32 * 1024 * 1024;

/** GETs `path` from the node at `base` and parses its JSON; ERR_API_FAILED on any failure. */
export function getApi(base: string, path: string): Promise<unknown> {
  return requestApi(base, path);
}

/** How a state-changing request is sent: its method, the node's API token and a JSON body. */
export interface ApiChange {
  method: 'POST' | 'DELETE';
  token: string;
  body?: unknown;
}

/**
 * Sends `path` to the node at `base` (a GET, or a POST/DELETE with the API token) and parses its
 * JSON answer; ERR_API_FAILED on any failure, with the node's own reason.
 */
export async function requestApi(base: string, path: string, change?: ApiChange): Promise<unknown> {
  let url: URL;
  try {
    url = new URL(path, base);
  } catch {
    throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `bad node URL ${JSON.stringify(base)}`);
  }
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
      ...(change === undefined
        ? {}
        : {
            method: change.method,
            headers: { authorization: `Bearer ${change.token}`, 'content-type': 'application/json' },
            ...(change.body === undefined ? {} : { body: JSON.stringify(change.body) }),
          }),
    });
  } catch (err) {
    const why = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new PeerwayError(ErrorCodes.API_FAILED, `cannot reach the node at ${url.origin}: ${why}`, {
      cause: err,
    });
  }
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > API_MAX_BYTES)
    throw new PeerwayError(ErrorCodes.API_FAILED, `answer of ${length} bytes is too large`);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new PeerwayError(ErrorCodes.API_FAILED, `${url.pathname} answered ${res.status} without JSON`);
  }
  if (!res.ok) {
    const error = (body as { error?: unknown }).error;
    const why = typeof error === 'string' ? error : '';
    throw new PeerwayError(ErrorCodes.API_FAILED, `${url.pathname}: ${res.status} ${why}`.trim());
  }
  return body;
}

/** Formats rows as an aligned text table with the given columns. */
export function table(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    return typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  };
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    line(columns.map((c) => c.toUpperCase())),
    ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
  ];
  if (rows.length === 0) out.push('(none)');
  return `${out.join('\n')}\n`;
}
