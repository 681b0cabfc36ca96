import {
  bump,
  isPeerwayError,
  Lifecycle,
  RateLimiter,
  silentLogger,
  type Logger,
  type Startable,
} from '../core/index.js';
import { addressKey, isIPv4Address, UNKNOWN_ADDRESS, type UdpAddress } from './address.js';
import { MessageIds, PREFIX_LENGTH } from './constants.js';
import * as P from './discovery-payloads.js';
import type { Endpoint } from './endpoint.js';
import { bitsOf } from './formats.js';
import { PrivateKey } from './keys.js';
import { decodeMessage, encodeMessage, peekSignedPayload } from './messages.js';

/** A token bucket's refill rate and size. */
interface Rate {
  perSecond: number;
  burst: number;
}

/** Options for a {@link Tracker}. */
export interface TrackerInit {
  /** The UDP endpoint the tracker answers on (no community may be registered on it for the same ids). */
  endpoint: Endpoint;
  /** The tracker's identity, which signs its answers. @default a fresh key */
  key?: PrivateKey;
  /** Logger. @default silentLogger */
  logger?: Logger;
  /** Peers remembered per community; the least recently seen goes first. @default 100 (py-ipv8's TrackerChurn) */
  maxPeersPerCommunity?: number;
  /** Communities remembered at most; requests for a new one past it are not answered. @default 1000 */
  maxCommunities?: number;
  /** A peer silent this long (ms) is asked whether it is still there. @default 27500 */
  pingAfterMs?: number;
  /** A peer silent this long (ms) is forgotten. @default 57500 */
  dropAfterMs?: number;
  /** How often (ms) silent peers are pinged and dropped. @default 5000 */
  tickMs?: number;
  /**
   * Requests answered per source address, all requests answered, and puncture requests sent per
   * target host, each per second.
   * @default { perSource: { perSecond: 20, burst: 40 }, global: { perSecond: 2000, burst: 4000 },
   *   perTarget: { perSecond: 10, burst: 20 } }
   */
  rateLimits?: { perSource?: Rate; global?: Rate; perTarget?: Rate };
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

/** Counters of a {@link Tracker}. */
export interface TrackerStats {
  [key: string]: number | Record<string, number>;
  /** Introduction requests answered. */
  answered: number;
  /** Answers that introduced another peer. */
  introduced: number;
  /** Peers forgotten (silent, evicted, or full). */
  forgotten: number;
  /** Datagrams dropped, by reason or error code. */
  dropped: Record<string, number>;
}

interface Entry {
  id: string;
  address: UdpAddress;
  lan: UdpAddress;
  newStyle: boolean;
  lastSeen: number;
  pingedAt: number;
}

const DEFAULTS = {
  maxPeersPerCommunity: 100,
  maxCommunities: 1000,
  pingAfterMs: 27_500,
  dropAfterMs: 57_500,
  tickMs: 5000,
  perSource: { perSecond: 20, burst: 40 },
  global: { perSecond: 2000, burst: 4000 },
  perTarget: { perSecond: 10, burst: 20 },
} as const;

/** Outstanding liveness pings at most (one per remembered peer in practice). */
const MAX_PINGS = 100_000;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * A bootstrap server for IPv8 networks, as py-ipv8's tracker service (`EndpointServer`): it
 * answers signed introduction requests for any community id (old style 246 as py-ipv8's does,
 * and new style 234), remembers each requester under that community, and introduces it to
 * another known peer of the same community, asking that peer to puncture towards it. It is no
 * peer itself: it runs no community and never walks. Silent peers are pinged with an
 * introduction request in their community and forgotten after `dropAfterMs`; a peer that answers
 * with `peer_limit_reached` is no longer introduced.
 *
 * @example
 * ```ts
 * await using endpoint = new Endpoint({ host: '0.0.0.0', port: 6421 });
 * await endpoint.start();
 * const tracker = new Tracker({ endpoint });
 * await tracker.start();
 * ```
 */
export class Tracker implements Startable {
  readonly endpoint: Endpoint;
  readonly key: PrivateKey;
  readonly stats: TrackerStats = { answered: 0, introduced: 0, forgotten: 0, dropped: {} };
  private readonly logger: Logger;
  private readonly settings: {
    maxPeersPerCommunity: number;
    maxCommunities: number;
    pingAfterMs: number;
    dropAfterMs: number;
    tickMs: number;
  };
  private readonly now: () => number;
  private readonly perSource: RateLimiter;
  private readonly global: RateLimiter;
  private readonly perTarget: RateLimiter;
  private readonly communities = new Map<string, Map<string, Entry>>();
  private readonly pings = new Map<string, { community: string; id: string }>();
  private globalTime = 0n;
  private timer: NodeJS.Timeout | undefined;
  private readonly life = new Lifecycle(
    () => this.open(),
    () => this.close(),
  );

  constructor(init: TrackerInit) {
    this.endpoint = init.endpoint;
    this.key = init.key ?? PrivateKey.generate();
    this.logger = init.logger ?? silentLogger;
    this.now = init.now ?? Date.now;
    this.settings = {
      maxPeersPerCommunity: init.maxPeersPerCommunity ?? DEFAULTS.maxPeersPerCommunity,
      maxCommunities: init.maxCommunities ?? DEFAULTS.maxCommunities,
      pingAfterMs: init.pingAfterMs ?? DEFAULTS.pingAfterMs,
      dropAfterMs: init.dropAfterMs ?? DEFAULTS.dropAfterMs,
      tickMs: init.tickMs ?? DEFAULTS.tickMs,
    };
    this.perSource = new RateLimiter(init.rateLimits?.perSource ?? DEFAULTS.perSource);
    this.global = new RateLimiter(init.rateLimits?.global ?? DEFAULTS.global);
    this.perTarget = new RateLimiter(init.rateLimits?.perTarget ?? DEFAULTS.perTarget);
  }

  /** Starts answering on the endpoint (which must be started). */
  start(): Promise<void> {
    return this.life.start();
  }

  /** Stops answering; idempotent. */
  stop(): Promise<void> {
    return this.life.stop();
  }

  /** Same as {@link stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  private open(): void {
    this.endpoint.setFallbackListener((data, source) => this.onPacket(data, source));
    if (this.settings.tickMs > 0) {
      this.timer = setInterval(() => this.tick(), this.settings.tickMs);
      this.timer.unref();
    }
  }

  private close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.endpoint.setFallbackListener(undefined);
  }

  /** Peers remembered for a community (hex id): their ids and addresses. */
  peersOf(community: string): Array<{ id: string; address: UdpAddress }> {
    return [...(this.communities.get(community)?.values() ?? [])].map((e) => ({
      id: e.id,
      address: e.address,
    }));
  }

  /** Communities with at least one remembered peer. */
  get communityCount(): number {
    return this.communities.size;
  }

  /** Handles one datagram of any prefix; never throws. */
  onPacket(data: Uint8Array, source: UdpAddress): void {
    try {
      if (data[0] !== 0x00 || data[1] !== 0x02) {
        bump(this.stats.dropped, 'badPrefix');
        return;
      }
      const id = data[PREFIX_LENGTH];
      if (id === MessageIds.INTRODUCTION_REQUEST || id === MessageIds.NEW_INTRODUCTION_REQUEST) {
        this.onRequest(data, source, id === MessageIds.NEW_INTRODUCTION_REQUEST);
      } else if (id === MessageIds.INTRODUCTION_RESPONSE) {
        this.onResponse(data, source);
      } else bump(this.stats.dropped, 'notForTracker');
    } catch (err) {
      if (isPeerwayError(err)) bump(this.stats.dropped, err.code);
      else {
        bump(this.stats.dropped, 'handlerError');
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'tracker handler threw');
      }
    }
  }

  private onRequest(data: Uint8Array, source: UdpAddress, newStyle: boolean): void {
    if (!this.perSource.take(addressKey(source)) || !this.global.take('all')) {
      bump(this.stats.dropped, 'rateLimited');
      return;
    }
    const community = hex(data.subarray(2, PREFIX_LENGTH));
    let peers = this.communities.get(community);
    if (peers === undefined && this.communities.size >= this.settings.maxCommunities) {
      bump(this.stats.dropped, 'tooManyCommunities');
      return;
    }
    const m = newStyle
      ? decodeMessage(data, P.NewIntroductionRequestPayload)
      : decodeMessage(data, P.IntroductionRequestPayload);
    const requester = m.key!.id;
    if (requester === this.key.publicKey.id) {
      bump(this.stats.dropped, 'self');
      return;
    }
    const now = this.now();
    if (peers === undefined) this.communities.set(community, (peers = new Map<string, Entry>()));
    const others = [...peers.values()].filter(
      (e) => e.id !== requester && (newStyle || isIPv4Address(e.address)),
    );
    const introduction = others[Math.floor(Math.random() * others.length)];
    this.remember(peers, {
      id: requester,
      address: source,
      lan: m.payload.sourceLan,
      newStyle: newStyle || m.payload.flags[P.RequestFlag.supportsNewStyle],
      lastSeen: now,
      pingedAt: 0,
    });
    const prefix = data.subarray(0, PREFIX_LENGTH);
    const globalTime = ++this.globalTime;
    const gt = globalTime % 65536n;
    const lanIntro = introduction === undefined ? UNKNOWN_ADDRESS : this.lanOf(introduction, newStyle);
    const wanIntro = introduction?.address ?? UNKNOWN_ADDRESS;
    const me = isUnknownHost(m.payload.destination) ? this.endpoint.address : m.payload.destination;
    const answer = newStyle
      ? encodeMessage(
          prefix,
          P.NewIntroductionResponsePayload,
          {
            destination: source,
            sourceLan: me,
            sourceWan: me,
            lanIntroduction: lanIntro,
            wanIntroduction: wanIntro,
            identifier: m.payload.identifier,
            flags: bitsOf(introduction?.newStyle === true),
            extraBytes: new Uint8Array(0),
          },
          { key: this.key, globalTime: gt },
        )
      : encodeMessage(
          prefix,
          P.IntroductionResponsePayload,
          {
            destination: source,
            sourceLan: isIPv4Address(me) ? me : UNKNOWN_ADDRESS,
            sourceWan: isIPv4Address(me) ? me : UNKNOWN_ADDRESS,
            lanIntroduction: lanIntro,
            wanIntroduction: wanIntro,
            flags: bitsOf(false, false, false, true, introduction?.newStyle === true),
            identifier: m.payload.identifier,
            extraBytes: new Uint8Array(0),
          },
          { key: this.key, globalTime: gt },
        );
    this.endpoint.send(source, answer);
    this.stats.answered++;
    if (introduction === undefined) return;
    this.stats.introduced++;
    if (!this.perTarget.take(introduction.address.host)) {
      bump(this.stats.dropped, 'punctureRateLimited');
      return;
    }
    const walkerLan = isIPv4Address(m.payload.sourceLan) || newStyle ? m.payload.sourceLan : UNKNOWN_ADDRESS;
    const punctureRequest = newStyle
      ? encodeMessage(
          prefix,
          P.NewPunctureRequestPayload,
          { lanWalker: walkerLan, wanWalker: source, identifier: m.payload.identifier },
          { globalTime },
        )
      : encodeMessage(
          prefix,
          P.PunctureRequestPayload,
          { lanWalker: walkerLan, wanWalker: source, identifier: m.payload.identifier },
          { globalTime },
        );
    this.endpoint.send(introduction.address, punctureRequest);
  }

  /** The LAN address the peer claimed, as py-ipv8's tracker introduces it (old-style answers carry IPv4 only). */
  private lanOf(entry: Entry, newStyle: boolean): UdpAddress {
    return newStyle || isIPv4Address(entry.lan) ? entry.lan : UNKNOWN_ADDRESS;
  }

  private remember(peers: Map<string, Entry>, entry: Entry): void {
    peers.delete(entry.id);
    if (peers.size >= this.settings.maxPeersPerCommunity) {
      // Maps keep insertion order and a returning peer is re-inserted: the first is the stalest.
      const oldest = peers.keys().next().value;
      if (oldest !== undefined) {
        peers.delete(oldest);
        this.stats.forgotten++;
      }
    }
    peers.set(entry.id, entry);
  }

  /** An answer to one of our liveness pings: refresh the peer, or stop introducing it when it is full. */
  private onResponse(data: Uint8Array, source: UdpAddress): void {
    const peek = peekSignedPayload(data, P.IntroductionResponsePayload);
    const key = `${addressKey(source)}/${peek.identifier}`;
    const ping = this.pings.get(key);
    if (ping === undefined) {
      bump(this.stats.dropped, 'unsolicited');
      return;
    }
    const m = decodeMessage(data, P.IntroductionResponsePayload);
    this.pings.delete(key);
    const peers = this.communities.get(ping.community);
    const entry = peers?.get(ping.id);
    if (entry === undefined || m.key!.id !== entry.id) return;
    if (m.payload.flags[P.ResponseFlag.peerLimitReached]) {
      peers!.delete(entry.id);
      this.stats.forgotten++;
      if (peers!.size === 0) this.communities.delete(ping.community);
      return;
    }
    entry.lastSeen = this.now();
    // Re-insert: the map's order is "least recently seen first".
    peers!.delete(entry.id);
    peers!.set(entry.id, entry);
  }

  /** Pings peers gone quiet and forgets those silent too long. */
  tick(): void {
    const now = this.now();
    if (this.pings.size > MAX_PINGS) this.pings.clear();
    for (const [community, peers] of this.communities) {
      const prefix = Uint8Array.from([0x00, 0x02, ...Buffer.from(community, 'hex')]);
      for (const entry of [...peers.values()]) {
        const silent = now - entry.lastSeen;
        if (silent > this.settings.dropAfterMs) {
          peers.delete(entry.id);
          this.stats.forgotten++;
        } else if (
          silent > this.settings.pingAfterMs &&
          now - entry.pingedAt > this.settings.pingAfterMs / 2
        ) {
          entry.pingedAt = now;
          this.ping(prefix, community, entry);
        }
      }
      if (peers.size === 0) this.communities.delete(community);
    }
  }

  private ping(prefix: Uint8Array, community: string, entry: Entry): void {
    if (!isIPv4Address(entry.address)) return;
    const gt = ++this.globalTime % 65536n;
    const identifier = Number(gt);
    this.pings.set(`${addressKey(entry.address)}/${identifier}`, { community, id: entry.id });
    const packet = encodeMessage(
      prefix,
      P.IntroductionRequestPayload,
      {
        destination: entry.address,
        sourceLan: isIPv4Address(this.endpoint.address) ? this.endpoint.address : UNKNOWN_ADDRESS,
        sourceWan: UNKNOWN_ADDRESS,
        flags: bitsOf(false, false, false, false, false, false, false, true),
        identifier,
        extraBytes: new Uint8Array(0),
      },
      { key: this.key, globalTime: gt },
    );
    this.endpoint.send(entry.address, packet);
  }
}

function isUnknownHost(address: UdpAddress): boolean {
  return address.port === 0 || address.host === '0.0.0.0' || address.host === '::';
}
