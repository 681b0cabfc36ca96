/**
 * One directory instance's membership of a cluster on NATS.
 *
 * - Presence lives in a JetStream key-value bucket, one key per nick, the value naming the
 *   instance that holds the connection. A claim is a key-value `create` (first claimant wins,
 *   decided by the server); a verified nick-auth claim replaces an unverified owner with an
 *   `update` at the revision it read (compare-and-set). Every instance watches the bucket: a put
 *   from elsewhere is a remote nick, a delete is a departure sent to its local peers.
 * - Privmsgs go to `<name>.dir.inst.<id>` of the recipient's instance, unchanged; pubmsgs are
 *   published once to `<name>.dir.pub`, which every other instance fans out locally.
 * - Each instance publishes a heartbeat every second on `<name>.dir.hb`. Any instance that finds
 *   another silent past `deadAfter` deletes that instance's nicks (compare-and-set on the revision
 *   it saw, so a nick claimed again meanwhile stays), and the deletes become departures everywhere.
 * - After a reconnection or a stall of this process, the instance checks its own nicks against
 *   the bucket (claiming again what was deleted, dropping what another instance took) and restarts
 *   its watch, whose first values bring the rest of the cluster up to date.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import {
  connect,
  type NatsConnection,
  type QueuedIterator,
  type Subscription,
} from '@nats-io/transport-node';
import { bump, ErrorCodes, PeerwayError, silentLogger, type Logger } from '../../core/index.js';
import type {
  ClaimResult,
  ClusterHost,
  ClusterLink,
  ClusterView,
  NickClaim,
  RemotePeer,
} from '../server/index.js';
import {
  decodeHeartbeat,
  decodePresence,
  decodePrivmsg,
  decodePubmsg,
  encodeHeartbeat,
  encodePresence,
  encodePrivmsg,
  type PresenceRecord,
} from './cluster-codec.js';
import {
  CLAIM_ATTEMPTS,
  DEFAULT_CLUSTER_NAME,
  HEARTBEAT_INTERVAL_MS,
  INSTANCE_DEAD_AFTER_MS,
  KV_TIMEOUT_MS,
  MAX_CLUSTER_PAYLOAD,
  STALL_FACTOR,
} from './constants.js';
import { natsConnectionOptions } from './nats-connect.js';
import type { NatsDirectoryClusterInit } from './nats-options.js';
import { PresenceTable, RemoteNick } from './presence.js';

/** Cross-instance counters of a {@link NatsDirectoryCluster}. */
export interface NatsClusterStats {
  /** Messages published to other instances, by kind. */
  sent: Record<string, number>;
  /** Messages received from other instances, by kind. */
  received: Record<string, number>;
  /** Claims, refusals, displacements, departures, dead instances, reconnects, stalls, garbage. */
  events: Record<string, number>;
}

/**
 * A {@link ClusterLink} over NATS: pass it as `cluster` to a `DirectoryServer`.
 *
 * @example
 * ```ts
 * const cluster = new NatsDirectoryCluster({ servers: 'nats://127.0.0.1:4222' });
 * await using server = new DirectoryServer({ port: 5222, cluster });
 * await server.start();
 * ```
 */
export class NatsDirectoryCluster implements ClusterLink {
  /** This instance's id (random per process start). */
  readonly id = randomBytes(8).toString('hex');
  /** Live counters. */
  readonly stats: NatsClusterStats = { sent: {}, received: {}, events: {} };
  readonly #init: NatsDirectoryClusterInit;
  readonly #logger: Logger;
  readonly #name: string;
  readonly #heartbeatInterval: number;
  readonly #deadAfter: number;
  readonly #timeout: number;
  readonly #table = new PresenceTable();
  /** Our nicks and the revision of our claim. */
  readonly #claims = new Map<string, number>();
  /** Releases that could not be written (the server was away); retried on resync. */
  readonly #pendingReleases = new Set<string>();
  /** Nicks being claimed again right now (the watch and a resync may both ask). */
  readonly #reclaiming = new Set<string>();
  #host: ClusterHost | undefined;
  #location = '';
  #nc: NatsConnection | undefined;
  #kv: KV | undefined;
  #watch: QueuedIterator<KvWatchEntry> | undefined;
  #subs: Subscription[] = [];
  #timer: NodeJS.Timeout | undefined;
  #lastTick = 0;
  #connected = false;
  #stopped = false;
  #resyncing: Promise<void> | undefined;

  constructor(init: NatsDirectoryClusterInit) {
    this.#init = init;
    this.#logger = init.logger ?? silentLogger;
    this.#name = init.name ?? DEFAULT_CLUSTER_NAME;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(this.#name))
      throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `bad cluster name ${this.#name}`);
    this.#heartbeatInterval = init.heartbeatInterval ?? HEARTBEAT_INTERVAL_MS;
    this.#deadAfter = init.deadAfter ?? INSTANCE_DEAD_AFTER_MS;
    this.#timeout = init.requestTimeout ?? KV_TIMEOUT_MS;
  }

  /** True while connected to the NATS server. */
  get connected(): boolean {
    return this.#connected;
  }

  async start(host: ClusterHost): Promise<void> {
    this.#host = host;
    this.#location = host.location;
    try {
      this.#nc = await connect(natsConnectionOptions(this.#init, this.id));
      this.#kv = await new Kvm(this.#nc).create(`${this.#name}-directory`, { history: 1, storage: 'file' });
    } catch (cause) {
      await this.#nc?.close().catch(() => undefined);
      throw new PeerwayError(ErrorCodes.DIRECTORY_CLUSTER, 'cannot join the directory cluster', { cause });
    }
    this.#connected = true;
    const nc = this.#nc;
    const base = `${this.#name}.dir`;
    this.#subs = [
      nc.subscribe(`${base}.inst.${this.id}`, { callback: (_e, m) => this.#onPrivmsg(m.data) }),
      nc.subscribe(`${base}.pub`, { callback: (_e, m) => this.#onPubmsg(m.data) }),
      nc.subscribe(`${base}.hb`, { callback: (_e, m) => this.#onHeartbeat(m.data) }),
    ];
    void this.#watchStatus(nc);
    await this.#startWatch();
    this.#lastTick = Date.now();
    this.#beat();
    this.#timer = setInterval(() => this.#tick(), this.#heartbeatInterval);
    this.#logger.info({ instance: this.id, cluster: this.#name }, 'joined directory cluster');
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#watch?.stop();
    for (const sub of this.#subs) sub.unsubscribe();
    const kv = this.#kv;
    if (kv !== undefined && this.#connected) {
      // Leaving on purpose: our nicks go now rather than after `deadAfter`.
      await Promise.allSettled([...this.#claims].map(([nick, rev]) => kv.delete(nick, { previousSeq: rev })));
    }
    this.#claims.clear();
    await this.#nc?.drain().catch(() => this.#nc?.close());
  }

  claim(claim: NickClaim): Promise<ClaimResult> {
    return this.#claim(claim, false);
  }

  /** `reclaim`: a nick our own connection already holds, so a record of ours counts as success. */
  async #claim(claim: NickClaim, reclaim: boolean): Promise<ClaimResult> {
    const kv = this.#kv;
    if (kv === undefined || !this.#connected || this.#stopped) return 'unavailable';
    const record: PresenceRecord = { i: this.id, l: claim.location, f: claim.features, v: claim.verified };
    if (claim.pubkey !== undefined) record.k = claim.pubkey;
    const value = encodePresence(record);
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      try {
        const rev = await kv.create(claim.nick, value);
        return this.#claimed(claim.nick, rev);
      } catch {
        // Taken, or the server is away: reading the key tells which.
      }
      let owner;
      try {
        owner = await kv.get(claim.nick);
      } catch {
        return 'unavailable';
      }
      if (owner === null || owner.operation !== 'PUT') continue;
      let current: PresenceRecord;
      try {
        current = decodePresence(owner.value);
      } catch {
        current = { i: '', l: 'x', f: [], v: false };
      }
      // Our own record with no claim behind it is a release that has not reached the server yet.
      if (reclaim && current.i === this.id) return this.#claimed(claim.nick, owner.revision);
      const staleOwn = current.i === this.id && !this.#claims.has(claim.nick);
      if (!staleOwn) {
        if (!claim.verified) return this.#refused('in_use');
        if (current.v && current.k !== claim.pubkey) return this.#refused('policy');
      }
      try {
        const rev = await kv.update(claim.nick, value, owner.revision, this.#timeout);
        bump(this.stats.events, 'displacing_claims');
        return this.#claimed(claim.nick, rev);
      } catch {
        // Changed under us: read again.
      }
    }
    return 'unavailable';
  }

  release(nick: string): void {
    const rev = this.#claims.get(nick);
    if (rev === undefined) return;
    this.#claims.delete(nick);
    if (this.#stopped) return;
    const kv = this.#kv;
    if (kv === undefined || !this.#connected) {
      this.#pendingReleases.add(nick);
      return;
    }
    kv.delete(nick, { previousSeq: rev }).catch(() => {
      // Either another instance holds the nick now (nothing to do) or the server is away.
      if (!this.#claims.has(nick)) this.#pendingReleases.add(nick);
    });
  }

  remote(nick: string): RemotePeer | undefined {
    return this.#table.nicks.get(nick);
  }

  remotes(): Iterable<RemotePeer> {
    return this.#table.nicks.values();
  }

  privmsg(
    to: RemotePeer,
    text: string,
    senderEntry: { plain: string; features: string } | undefined,
  ): boolean {
    const nc = this.#nc;
    if (nc === undefined || this.#stopped) return false;
    const data = encodePrivmsg({ to: to.nick, text, senderEntry });
    if (data.length > MAX_CLUSTER_PAYLOAD) return false;
    nc.publish(`${this.#name}.dir.inst.${to.instance}`, data);
    bump(this.stats.sent, 'privmsg');
    return true;
  }

  pubmsg(text: string): void {
    const nc = this.#nc;
    if (nc === undefined || this.#stopped || this.#table.instances.size === 0) return;
    nc.publish(`${this.#name}.dir.pub`, text);
    bump(this.stats.sent, 'pubmsg');
  }

  view(): ClusterView {
    const now = Date.now();
    const clients = new Map<string, string[]>();
    for (const n of this.#table.nicks.values()) {
      const list = clients.get(n.instance);
      if (list === undefined) clients.set(n.instance, [n.nick]);
      else list.push(n.nick);
    }
    return {
      instance: this.id,
      connected: this.#connected,
      instances: [
        {
          id: this.id,
          location: this.#location,
          self: true,
          lastHeardMs: 0,
          clients: [...this.#claims.keys()],
        },
        ...[...this.#table.instances].map(([id, r]) => ({
          id,
          location: r.location,
          self: false,
          lastHeardMs: now - r.lastHeard,
          clients: clients.get(id) ?? [],
        })),
      ],
      traffic: {
        sent: { ...this.stats.sent },
        received: { ...this.stats.received },
        events: { ...this.stats.events },
      },
    };
  }

  #claimed(nick: string, rev: number): ClaimResult {
    this.#claims.set(nick, rev);
    this.#pendingReleases.delete(nick);
    bump(this.stats.events, 'claims');
    return 'ok';
  }

  #refused(result: ClaimResult): ClaimResult {
    bump(this.stats.events, 'claims_refused');
    return result;
  }

  async #watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') {
        this.#connected = false;
        bump(this.stats.events, 'disconnects');
        this.#logger.warn({ instance: this.id }, 'directory cluster: disconnected');
      } else if (s.type === 'reconnect') {
        this.#connected = true;
        bump(this.stats.events, 'reconnects');
        this.#logger.info({ instance: this.id }, 'directory cluster: reconnected');
        this.#table.forgive(Date.now());
        void this.#resync(true);
      }
    }
  }

  async #startWatch(): Promise<void> {
    this.#watch?.stop();
    const kv = this.#kv!;
    const watch = await kv.watch();
    this.#watch = watch;
    void (async () => {
      try {
        for await (const e of watch) this.#apply(e);
      } catch (err) {
        this.#logger.debug({ err }, 'directory cluster: watch ended');
      }
    })();
  }

  /** One change of the bucket (or a current value when the watch starts). */
  #apply(e: KvWatchEntry): void {
    if (this.#stopped) return;
    const nick = e.key;
    const mine = this.#claims.get(nick);
    if (e.operation !== 'PUT') {
      if (mine !== undefined && e.revision > mine) {
        // Someone found us dead (we were stalled or cut off): claim it again, or lose it.
        this.#claims.delete(nick);
        void this.#reclaim(nick);
      }
      const gone = this.#table.remove(nick, e.revision);
      if (gone !== undefined) {
        bump(this.stats.events, 'departures');
        this.#host?.departed(nick, gone.location);
      }
      return;
    }
    let record: PresenceRecord;
    try {
      record = decodePresence(e.value);
    } catch {
      bump(this.stats.events, 'garbage');
      return;
    }
    if (record.i === this.id) {
      this.#table.remove(nick, e.revision);
      return;
    }
    if (mine !== undefined) {
      if (e.revision <= mine) return;
      // A verified claim elsewhere took the nick from our connection.
      this.#claims.delete(nick);
      bump(this.stats.events, 'displaced');
      this.#host?.lost(nick, 'displaced');
    }
    this.#table.put(new RemoteNick(nick, record, e.revision), Date.now());
  }

  async #reclaim(nick: string): Promise<void> {
    const host = this.#host;
    if (host === undefined || this.#reclaiming.has(nick)) return;
    this.#reclaiming.add(nick);
    try {
      await this.#reclaimNow(host, nick);
    } finally {
      this.#reclaiming.delete(nick);
    }
  }

  async #reclaimNow(host: ClusterHost, nick: string): Promise<void> {
    let claim: NickClaim | undefined;
    for (const c of host.localClaims()) if (c.nick === nick) claim = c;
    if (claim === undefined) return;
    bump(this.stats.events, 'reclaims');
    const result = await this.#claim(claim, true).catch((): ClaimResult => 'unavailable');
    if (result === 'ok' || result === 'unavailable') return;
    bump(this.stats.events, 'conflicts');
    host.lost(nick, 'conflict');
  }

  #onPrivmsg(data: Uint8Array): void {
    if (this.#stopped) return;
    try {
      const msg = decodePrivmsg(data);
      bump(this.stats.received, 'privmsg');
      this.#host?.deliverPrivmsg(msg.to, msg.text, msg.senderEntry);
    } catch {
      bump(this.stats.events, 'garbage');
    }
  }

  #onPubmsg(data: Uint8Array): void {
    if (this.#stopped) return;
    try {
      const text = decodePubmsg(data);
      bump(this.stats.received, 'pubmsg');
      this.#host?.deliverPubmsg(text);
    } catch {
      bump(this.stats.events, 'garbage');
    }
  }

  #onHeartbeat(data: Uint8Array): void {
    try {
      const beat = decodeHeartbeat(data);
      if (beat.i !== this.id) this.#table.heard(beat.i, beat.l, Date.now());
    } catch {
      bump(this.stats.events, 'garbage');
    }
  }

  #beat(): void {
    if (!this.#connected || this.#nc === undefined) return;
    this.#nc.publish(`${this.#name}.dir.hb`, encodeHeartbeat({ i: this.id, l: this.#location }));
    bump(this.stats.sent, 'heartbeat');
  }

  #tick(): void {
    const now = Date.now();
    const stalled = now - this.#lastTick > this.#heartbeatInterval * STALL_FACTOR;
    this.#lastTick = now;
    this.#beat();
    if (stalled || !this.#connected) {
      this.#table.forgive(now);
      if (stalled) {
        bump(this.stats.events, 'stalls');
        void this.#resync(false);
      }
      return;
    }
    const kv = this.#kv;
    for (const dead of this.#table.takeDead(now, this.#deadAfter)) {
      bump(this.stats.events, 'dead_instances');
      this.#logger.warn({ instance: dead }, 'directory cluster: instance silent, removing its nicks');
      for (const n of this.#table.nicksOn(dead)) {
        // At the revision we saw: if the nick was claimed again meanwhile, the delete fails.
        kv?.delete(n.nick, { previousSeq: n.revision }).catch(() => undefined);
      }
    }
  }

  /** Checks our nicks against the bucket, retries lost releases, and (after a reconnect) restarts the watch. */
  #resync(rewatch: boolean): Promise<void> {
    this.#resyncing ??= this.#doResync(rewatch).finally(() => {
      this.#resyncing = undefined;
    });
    return this.#resyncing;
  }

  async #doResync(rewatch: boolean): Promise<void> {
    const kv = this.#kv;
    const host = this.#host;
    if (kv === undefined || host === undefined || this.#stopped) return;
    bump(this.stats.events, 'resyncs');
    try {
      if (rewatch) await this.#startWatch();
      for (const claim of [...host.localClaims()]) {
        const entry = await kv.get(claim.nick);
        if (entry !== null && entry.operation === 'PUT') {
          let owner = '';
          try {
            owner = decodePresence(entry.value).i;
          } catch {
            // unreadable: treat as someone else's
          }
          if (owner === this.id) {
            this.#claims.set(claim.nick, entry.revision);
            continue;
          }
          this.#claims.delete(claim.nick);
          bump(this.stats.events, 'conflicts');
          host.lost(claim.nick, 'conflict');
          continue;
        }
        this.#claims.delete(claim.nick);
        await this.#reclaim(claim.nick);
      }
      for (const nick of [...this.#pendingReleases]) {
        if (this.#claims.has(nick)) {
          this.#pendingReleases.delete(nick);
          continue;
        }
        const entry = await kv.get(nick);
        this.#pendingReleases.delete(nick);
        if (entry === null || entry.operation !== 'PUT') continue;
        try {
          if (decodePresence(entry.value).i !== this.id) continue;
        } catch {
          continue;
        }
        await kv.delete(nick, { previousSeq: entry.revision }).catch(() => undefined);
      }
    } catch (err) {
      this.#logger.warn({ err }, 'directory cluster: resync failed, retrying on the next heartbeat');
      this.#lastTick = 0;
    }
  }
}
