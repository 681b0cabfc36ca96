/**
 * The maintenance loop: verifies due peers with bounded concurrency and writes each outcome before
 * acting on it. A good peer is re-checked after 2 h 50 min and gives us up to 2 new peers from its
 * list; a failure backs off 300·2^n s; a peer is forgotten after 3 failures (never good), 10 (once
 * good) or 14 days without a good check; a bad peer waits out its expiry.
 *
 * @module
 */
import { StartableBase, bump, type Logger, silentLogger } from '../core/index.js';
import {
  BAD_TTL_MS,
  FORGET_AFTER_MS,
  FORGET_NEVER_GOOD_TRIES,
  FORGET_ONCE_GOOD_TRIES,
  FRESH_MS,
  MAINTENANCE_TICK_MS,
  NEW_PEERS_PER_REPLY,
  RECHECK_GOOD_MS,
  RETRY_BASE_MS,
  VERIFY_CONCURRENCY,
  VERIFY_LEASE_MS,
} from './constants.js';
import { isPublicHost } from './net-address.js';
import type { PeerEntry } from './peer-entry.js';
import { newPeerRecord, type PeerRecord, type PeerStore } from './peer-store.js';
import type { VerifyOutcome } from './verify-peer.js';
import { isOnion, isValidOnion } from '../transport/index.js';

/** Timings of the loop; the defaults are ElectrumX's (tests shorten them). */
export interface MaintenanceSchedule {
  /** @default 10200000 (2 h 50 min) */
  recheckGoodMs?: number;
  /** Backoff base: a failure waits base·2^tries. @default 300000 */
  retryBaseMs?: number;
  /** @default 3 */
  forgetNeverGoodTries?: number;
  /** @default 10 */
  forgetOnceGoodTries?: number;
  /** @default 1209600000 (14 days) */
  forgetAfterMs?: number;
  /** @default 86400000 (24 h) */
  badTtlMs?: number;
  /** Longest sleep between looks at the database. @default 30000 */
  tickMs?: number;
}

/** Options for {@link Maintenance}. */
export interface MaintenanceInit {
  store: PeerStore;
  /** Verifies one peer (bound to the node's genesis hash, proxy and announcement). */
  verify: (record: PeerRecord, signal: AbortSignal) => Promise<VerifyOutcome>;
  schedule?: MaintenanceSchedule;
  /** Verifications at once. @default 8 */
  concurrency?: number;
  /** New peers taken from each good peer's list. @default 2 */
  newPeersPerReply?: number;
  /** Admit non-public hosts (test networks). @default false */
  privateNetwork?: boolean;
  /** @default () => false */
  hasTorProxy?: () => boolean;
  /** Our own hosts, never added. @default [] */
  ownHosts?: readonly string[];
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
  /** @default silentLogger */
  logger?: Logger;
}

/** Runs verifications on schedule. */
export class Maintenance extends StartableBase {
  /** good, bad, unreachable, forgotten, learned, started. */
  readonly stats: Record<string, number> = {};
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly logger: Logger;
  private readonly s: Required<MaintenanceSchedule>;

  constructor(private readonly init: MaintenanceInit) {
    super();
    this.now = init.now ?? Date.now;
    this.logger = init.logger ?? silentLogger;
    const s = init.schedule ?? {};
    this.s = {
      recheckGoodMs: s.recheckGoodMs ?? RECHECK_GOOD_MS,
      retryBaseMs: s.retryBaseMs ?? RETRY_BASE_MS,
      forgetNeverGoodTries: s.forgetNeverGoodTries ?? FORGET_NEVER_GOOD_TRIES,
      forgetOnceGoodTries: s.forgetOnceGoodTries ?? FORGET_ONCE_GOOD_TRIES,
      forgetAfterMs: s.forgetAfterMs ?? FORGET_AFTER_MS,
      badTtlMs: s.badTtlMs ?? BAD_TTL_MS,
      tickMs: s.tickMs ?? MAINTENANCE_TICK_MS,
    };
  }

  /** Verifications running now. */
  get active(): number {
    return this.inFlight.size;
  }

  /** Looks for due peers now (after add_peer scheduled one). */
  poke(): void {
    if (this.running) this.pump();
  }

  /** Starts the loop: looks for due peers now and then on schedule. */
  protected onStart(): void {
    this.pump();
  }

  /** Stops the loop and aborts running verifications. */
  protected async onStop(): Promise<void> {
    clearTimeout(this.timer);
    this.controller.abort();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private pump(): void {
    if (this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    const limit = this.init.concurrency ?? VERIFY_CONCURRENCY;
    const now = this.now();
    if (this.inFlight.size < limit) {
      for (const record of this.init.store.due(now, limit + this.inFlight.size)) {
        if (this.inFlight.size >= limit) break;
        if (this.inFlight.has(record.host)) continue;
        this.launch(record, now);
      }
    }
    const next = this.init.store.nextDue();
    const wait = next === undefined ? this.s.tickMs : Math.min(this.s.tickMs, Math.max(10, next - now));
    this.timer = setTimeout(() => this.pump(), wait);
  }

  private launch(record: PeerRecord, now: number): void {
    // Written before dialling: the attempt is recorded even if we are killed mid-way, and the
    // lease keeps the record out of `due` while it runs.
    record.lastTry = now;
    record.nextCheck = now + Math.min(VERIFY_LEASE_MS, this.s.recheckGoodMs);
    this.init.store.put(record);
    bump(this.stats, 'started');
    const work = this.init
      .verify(record, this.controller.signal)
      .then((outcome) => this.apply(record.host, outcome))
      .catch((err: unknown) => {
        if (!this.controller.signal.aborted)
          this.logger.warn({ err, host: record.host }, 'verification failed');
      })
      .finally(() => {
        this.inFlight.delete(record.host);
        this.pump();
      });
    this.inFlight.set(record.host, work);
  }

  /** Records an outcome (exposed for tests). */
  apply(host: string, outcome: VerifyOutcome): void {
    const { store } = this.init;
    const record = store.get(host);
    if (record === undefined || this.controller.signal.aborted) return;
    const now = this.now();
    bump(this.stats, outcome.status);
    if (outcome.status === 'good' && this.isSybil(host, outcome.ipAddr, now)) {
      // ElectrumX's internal bucket: one address, one reported server, however many names point at it.
      store.delete(host);
      bump(this.stats, 'sybil');
      return;
    }
    if (outcome.status === 'good') {
      const ports = outcome.features.hosts.get(host);
      record.ipAddr = outcome.ipAddr;
      record.features = outcome.features.raw;
      record.tcpPort = ports?.tcpPort ?? null;
      record.sslPort = ports?.sslPort ?? null;
      record.protocolMax = outcome.features.protocolMax;
      record.pruning = outcome.features.pruning;
      record.source = 'peer';
      record.lastGood = now;
      record.tryCount = 0;
      record.badUntil = 0;
      record.otherPorts = [];
      record.nextCheck = now + this.s.recheckGoodMs;
      store.put(record);
      if (outcome.ipAddr !== null && outcome.ipAddr !== host) {
        // An IP-literal entry for the same server is a duplicate of this named one.
        const twin = store.get(outcome.ipAddr);
        if (twin !== undefined) store.delete(twin.host);
      }
      this.logger.info(
        { host, tcpPort: record.tcpPort, sslPort: record.sslPort, ip: record.ipAddr },
        `verified ${host} ${portsText(record.tcpPort, record.sslPort)}`,
      );
      this.learn(host, outcome.peers);
      return;
    }
    if (outcome.status === 'bad' && outcome.drop === true) {
      this.logger.info({ host, reason: outcome.reason }, `failed ${host}: ${outcome.reason} (dropped)`);
      store.delete(host);
      bump(this.stats, 'dropped');
      return;
    }
    record.tryCount++;
    const limit = record.lastGood === 0 ? this.s.forgetNeverGoodTries : this.s.forgetOnceGoodTries;
    const age = now - (record.lastGood === 0 ? record.addedAt : record.lastGood);
    if (record.tryCount >= limit || age > this.s.forgetAfterMs) {
      this.logger.info(
        { host, status: outcome.status, reason: outcome.reason },
        `failed ${host}: ${outcome.reason} (forgotten)`,
      );
      store.delete(host);
      bump(this.stats, 'forgotten');
      return;
    }
    if (outcome.status === 'bad') {
      record.badUntil = now + this.s.badTtlMs;
      record.nextCheck = record.badUntil;
    } else {
      record.nextCheck = now + this.s.retryBaseMs * 2 ** record.tryCount;
    }
    this.logger.info(
      { host, status: outcome.status, reason: outcome.reason },
      `failed ${host}: ${outcome.reason}`,
    );
    store.put(record);
  }

  /** True when another name at the same address was good recently (public networks only). */
  private isSybil(host: string, ipAddr: string | null, now: number): boolean {
    if (ipAddr === null || this.init.privateNetwork === true || ipAddr === host) return false;
    return this.init.store
      .byIp(ipAddr)
      .some((other) => other.host !== host && other.host !== ipAddr && other.lastGood >= now - FRESH_MS);
  }

  private learn(from: string, entries: PeerEntry[]): void {
    const own = new Set((this.init.ownHosts ?? []).map((h) => h.toLowerCase()));
    const fresh = entries.filter((e) => {
      if (own.has(e.host) || (e.tcpPort === null && e.sslPort === null)) return false;
      if (isOnion(e.host)) return this.init.hasTorProxy?.() === true && isValidOnion(e.host);
      if (this.init.privateNetwork !== true && !isPublicHost(e.host)) return false;
      return !this.init.store.has(e.host);
    });
    const random = this.init.random ?? Math.random;
    const take = this.init.newPeersPerReply ?? NEW_PEERS_PER_REPLY;
    const now = this.now();
    for (let i = 0; i < fresh.length && i < take; i++) {
      const j = i + Math.floor(random() * (fresh.length - i));
      [fresh[i], fresh[j]] = [fresh[j]!, fresh[i]!];
      const e = fresh[i]!;
      const record = newPeerRecord(e.host, `peer:${from}`, now, {
        tcpPort: e.tcpPort,
        sslPort: e.sslPort,
        protocolMax: e.version,
        pruning: e.pruning,
      });
      if (this.init.store.insertIfAbsent(record)) bump(this.stats, 'learned');
    }
  }
}

/** `t50001 s50002`, as ElectrumX writes ports. */
function portsText(tcp: number | null, ssl: number | null): string {
  return [tcp === null ? '' : `t${tcp}`, ssl === null ? '' : `s${ssl}`].filter((x) => x !== '').join(' ');
}
