/**
 * Protocol version negotiation for `server.version`, as ElectrumX does it: versions compare as
 * integer tuples (so 1.6 < 1.6.0), the client sends a string or a list of exactly two strings,
 * the chosen version is min(client max, server max) and must be at least both minimums.
 *
 * @module
 */

/** A parsed version: its integer parts. */
export type VersionTuple = readonly number[];

/** Parses "1.4.2" into [1, 4, 2]; undefined for anything else. */
export function parseVersion(text: unknown): VersionTuple | undefined {
  if (typeof text !== 'string' || !/^\d{1,6}(\.\d{1,6}){0,3}$/.test(text)) return undefined;
  return text.split('.').map(Number);
}

/** Compares two tuples element by element; a shorter prefix is smaller. */
export function compareVersions(a: VersionTuple, b: VersionTuple): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/** Prints a tuple with every part. */
export function formatVersion(v: VersionTuple): string {
  return v.join('.');
}

/** Result of {@link negotiateVersion}: the version to answer with, or why it was refused. */
export type Negotiation = { ok: true; version: string } | { ok: false; reason: string };

/**
 * Picks the protocol version for a client's `server.version` argument. A plain string is answered
 * with that exact string when we support it (Electrum 4.3 requires "1.4" back, not "1.4.0").
 * `undefined` means the argument was absent: the server's minimum.
 */
export function negotiateVersion(requested: unknown, serverMin: string, serverMax: string): Negotiation {
  const sMin = parseVersion(serverMin)!;
  const sMax = parseVersion(serverMax)!;
  let cMin: VersionTuple | undefined;
  let cMax: VersionTuple | undefined;
  if (requested === undefined || requested === null) {
    cMin = cMax = sMin;
  } else if (typeof requested === 'string') {
    cMin = cMax = parseVersion(requested);
  } else if (Array.isArray(requested) && requested.length === 2) {
    cMin = parseVersion(requested[0]);
    cMax = parseVersion(requested[1]);
  }
  const shown = JSON.stringify(requested ?? null);
  if (cMin === undefined || cMax === undefined)
    return { ok: false, reason: `unsupported protocol version: ${shown}` };
  const chosen = compareVersions(cMax, sMax) < 0 ? cMax : sMax;
  const floor = compareVersions(cMin, sMin) > 0 ? cMin : sMin;
  if (compareVersions(chosen, floor) < 0)
    return { ok: false, reason: `unsupported protocol version: ${shown}` };
  return { ok: true, version: formatVersion(chosen) };
}
