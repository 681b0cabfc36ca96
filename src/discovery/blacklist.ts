/**
 * A blacklist of banned hosts with ElectrumX's `BLACKLIST_URL` semantics: a JSON list of strings,
 * each a host name, an IP address, or `*.domain.tld`; a peer is banned when its host, its address,
 * or `*.` plus the last two labels of its host is listed. The list comes from a file or an http(s)
 * URL and is read again periodically; a failed read keeps the previous list. A plain-text file with
 * one entry per line (`#` comments) is accepted too.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import {
  ErrorCodes,
  PeerwayError,
  StartableBase,
  bump,
  deadline,
  type Logger,
  silentLogger,
} from '../core/index.js';
import { BLACKLIST_FETCH_TIMEOUT_MS, BLACKLIST_RELOAD_MS, MAX_BLACKLIST_BYTES } from './constants.js';
import { unmapAddress } from './net-address.js';
import type { PeerRecord, PeerStore } from './peer-store.js';

/** Options for {@link Blacklist}. */
export interface BlacklistInit {
  /** A file path, or an `http://` / `https://` URL. */
  source: string;
  /** Re-read interval. @default 600000 (ElectrumX's) */
  reloadMs?: number;
  /** Called after each load that changed the list. */
  onChange?: (() => void) | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
}

/** Parses a blacklist body; throws ERR_INVALID_ARGUMENT for anything but a list of strings or lines. */
export function parseBlacklist(text: string): Set<string> {
  if (text.length > MAX_BLACKLIST_BYTES) {
    throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `blacklist over ${MAX_BLACKLIST_BYTES} bytes`);
  }
  const trimmed = text.trim();
  let entries: unknown[];
  if (trimmed.startsWith('[')) {
    try {
      entries = JSON.parse(trimmed) as unknown[];
    } catch (err) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'blacklist is not valid JSON', { cause: err });
    }
    if (!Array.isArray(entries) || !entries.every((e) => typeof e === 'string')) {
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'blacklist must be a JSON list of strings');
    }
  } else {
    entries = trimmed
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter((l) => l !== '');
  }
  return new Set((entries as string[]).map((e) => e.trim().toLowerCase()).filter((e) => e !== ''));
}

/** True when `host` (or the address it was reached at) is banned by `list`. */
export function isBannedBy(list: ReadonlySet<string>, host: string, ipAddr?: string | null): boolean {
  if (list.size === 0) return false;
  const h = host.toLowerCase().replace(/\.$/, '');
  if (list.has(h) || list.has(unmapAddress(h))) return true;
  const labels = h.split('.');
  if (labels.length >= 2 && list.has(`*.${labels.slice(-2).join('.')}`)) return true;
  return ipAddr !== undefined && ipAddr !== null && list.has(unmapAddress(ipAddr));
}

/** A blacklist kept fresh from its source. */
export class Blacklist extends StartableBase {
  /** loads, failures, entries. */
  readonly stats: Record<string, number> = {};
  private list: ReadonlySet<string> = new Set();
  private timer: NodeJS.Timeout | undefined;
  private readonly controller = new AbortController();
  private readonly logger: Logger;

  constructor(private readonly init: BlacklistInit) {
    super();
    this.logger = init.logger ?? silentLogger;
  }

  /** The banned entries now. */
  get entries(): ReadonlySet<string> {
    return this.list;
  }

  /** True when `host` (or `ipAddr`) is banned. */
  isBanned(host: string, ipAddr?: string | null): boolean {
    return isBannedBy(this.list, host, ipAddr);
  }

  /** Reads the source once; resolves true when the list changed. A failure keeps the old list and rejects. */
  async reload(): Promise<boolean> {
    const text = await this.read();
    const next = parseBlacklist(text);
    const changed = next.size !== this.list.size || [...next].some((e) => !this.list.has(e));
    this.list = next;
    bump(this.stats, 'loads');
    this.stats.entries = next.size;
    if (changed) {
      this.logger.info({ source: this.init.source, entries: next.size }, 'blacklist loaded');
      this.init.onChange?.();
    }
    return changed;
  }

  private async read(): Promise<string> {
    const src = this.init.source;
    if (!/^https?:\/\//i.test(src)) {
      const buf = await readFile(src);
      if (buf.length > MAX_BLACKLIST_BYTES) {
        throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `blacklist over ${MAX_BLACKLIST_BYTES} bytes`);
      }
      return buf.toString('utf8');
    }
    const signal = deadline(this.controller.signal, BLACKLIST_FETCH_TIMEOUT_MS);
    const res = await fetch(src, { signal: signal ?? null, redirect: 'follow' });
    if (!res.ok) throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `blacklist fetch: HTTP ${res.status}`);
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > MAX_BLACKLIST_BYTES) {
      await res.body?.cancel();
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `blacklist over ${MAX_BLACKLIST_BYTES} bytes`);
    }
    // Read with a cap: a server that lies about (or omits) its length cannot make us buffer more.
    const reader = res.body?.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const r = await reader?.read();
      if (r === undefined || r.done) break;
      const chunk = r.value as Uint8Array;
      size += chunk.length;
      if (size > MAX_BLACKLIST_BYTES) {
        await reader?.cancel();
        throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `blacklist over ${MAX_BLACKLIST_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private async tryReload(): Promise<void> {
    try {
      await this.reload();
    } catch (err) {
      bump(this.stats, 'failures');
      if (!this.controller.signal.aborted) {
        this.logger.warn(
          { err, source: this.init.source },
          'blacklist reload failed; keeping the previous list',
        );
      }
    }
  }

  /** Loads the list once (a failure is logged, not thrown) and schedules reloads. */
  protected async onStart(): Promise<void> {
    await this.tryReload();
    const every = this.init.reloadMs ?? BLACKLIST_RELOAD_MS;
    this.timer = setInterval(() => void this.tryReload(), every);
  }

  protected onStop(): Promise<void> {
    clearInterval(this.timer);
    this.controller.abort();
    return Promise.resolve();
  }
}

/**
 * A view of `store` that never holds a banned peer: inserts of banned hosts are skipped, and a
 * `put` of one (say, a verification that reached a banned address) deletes it instead.
 */
export function guardStore(
  store: PeerStore,
  isBanned: (host: string, ipAddr: string | null) => boolean,
): PeerStore {
  return {
    get generation() {
      return store.generation;
    },
    get: (host: string) => store.get(host),
    has: (host: string) => store.has(host),
    insertIfAbsent: (r: PeerRecord) => !isBanned(r.host, r.ipAddr) && store.insertIfAbsent(r),
    insertMany: (rs: readonly PeerRecord[]) =>
      store.insertMany(rs.filter((r) => !isBanned(r.host, r.ipAddr))),
    put: (r: PeerRecord) => {
      if (isBanned(r.host, r.ipAddr)) store.delete(r.host);
      else store.put(r);
    },
    delete: (host: string) => store.delete(host),
    count: () => store.count(),
    all: () => store.all(),
    byIp: (ip: string) => store.byIp(ip),
    goodSince: (since: number, now: number) => store.goodSince(since, now),
    due: (now: number, limit: number) => store.due(now, limit),
    nextDue: () => store.nextDue(),
  };
}

/** Deletes every banned record from `store`; returns how many. */
export function purgeBanned(
  store: PeerStore,
  isBanned: (host: string, ipAddr: string | null) => boolean,
): number {
  let n = 0;
  for (const r of store.all()) {
    if (isBanned(r.host, r.ipAddr)) {
      store.delete(r.host);
      n++;
    }
  }
  return n;
}
