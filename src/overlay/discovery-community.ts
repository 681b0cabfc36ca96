import { bump, RateLimiter } from '../core/index.js';
import { addressKey, type UdpAddress } from './address.js';
import { RATE_PER_SOURCE } from './constants.js';
import type { CommunityInit, HandlerContext } from './community-init.js';
import { Community } from './community.js';
import type { IntroResponse } from './introduction-exchange.js';
import { bitsOf } from './formats.js';
import type { PrivateKey } from './keys.js';
import { encodeMessage } from './messages.js';
import { definePayload, type ValueOf } from './payload.js';
import type { Peer } from './peer.js';
import { NumberCache, RequestCache } from './request-cache.js';
import type { DiscoveryStrategy } from './strategies.js';

/** py-ipv8's DiscoveryCommunity id, the same on every IPv8 network. */
export const DISCOVERY_COMMUNITY_ID = Uint8Array.from(
  Buffer.from('7e313685c1912a141279f8248fc8db5899c5df5a', 'hex'),
);

/** A similarity request (1, signed, with GlobalTime): the community ids the sender runs. */
export const SimilarityRequestPayload = definePayload(
  'SimilarityRequest',
  [
    ['identifier', 'H'],
    ['lanAddress', 'ipv4'],
    ['wanAddress', 'ipv4'],
    ['flags', 'bits'],
    ['preferenceList', 'raw'],
  ] as const,
  1,
);

/** A similarity response (2, signed, with GlobalTime): the responder's community ids. */
export const SimilarityResponsePayload = definePayload(
  'SimilarityResponse',
  [
    ['identifier', 'H'],
    ['preferenceList', 'varlenHx20'],
    ['tbOverlap', 'raw'],
  ] as const,
  2,
);

/** A ping (3, unsigned, with GlobalTime). */
export const PingPayload = definePayload('Ping', [['identifier', 'H']] as const, 3);
/** A pong (4, unsigned, with GlobalTime): echoes the ping's identifier. */
export const PongPayload = definePayload('Pong', [['identifier', 'H']] as const, 4);

/** A community id is 20 bytes; more than this many in one list is not a real peer's list. */
const MAX_PREFERENCES = 256;
/** A pong later than this is a lost ping (py-ipv8: 5 s). */
const PING_TIMEOUT_MS = 5_000;
/** RTTs kept per peer. */
const PINGS_KEPT = 8;

/** An outstanding ping, found again by its identifier when the pong arrives. */
class PingCache extends NumberCache {
  static readonly cacheName = 'discoverypingcache';
  constructor(
    number: number,
    readonly peer: Peer,
    readonly sentAt: number,
  ) {
    super(PingCache.cacheName, number);
    this.timeoutMs = PING_TIMEOUT_MS;
  }
}

/** Options for a {@link DiscoveryCommunity}: a community's options without the id. */
export type DiscoveryCommunityInit = Omit<CommunityInit, 'communityId'> & {
  /** Other communities of this node, advertised in similarity requests and responses. @default [] */
  overlays?: readonly Community[];
};

function splitIds(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i + 20 <= bytes.length && out.length < MAX_PREFERENCES; i += 20) {
    out.push(Buffer.from(bytes.subarray(i, i + 20)).toString('hex'));
  }
  return out;
}

/**
 * py-ipv8's `DiscoveryCommunity` (id `7e313685...`): peers tell each other which communities they
 * run (similarity request 1 and response 2, signed with the key of those communities), so that
 * every community on a shared {@link Network} learns peers faster, and measure round trips with
 * ping 3 and pong 4 (unsigned, answered by anyone, matched by identifier in a
 * {@link RequestCache}). A peerway node running it answers py-ipv8 peers as one of their own.
 *
 * @example
 * ```ts
 * const network = new Network();
 * const app = new Community({ communityId, endpoint, key, network });
 * const discovery = new DiscoveryCommunity({ endpoint, key, network, overlays: [app] });
 * await app.start();
 * await discovery.start();
 * ```
 */
export class DiscoveryCommunity extends Community {
  /** Outstanding pings. */
  readonly requestCache = new RequestCache({ maxSize: 1024 });
  /** Round-trip times (ms) measured by ping, newest last, per peer id. */
  readonly pings = new Map<string, number[]>();
  private readonly overlays: Community[];
  /** Similarity requests and pings answered per source address (each answer goes back to it). */
  private readonly answers = new RateLimiter(RATE_PER_SOURCE);

  constructor(init: DiscoveryCommunityInit) {
    const { overlays, ...rest } = init;
    super({ ...rest, communityId: DISCOVERY_COMMUNITY_ID });
    this.overlays = [...(overlays ?? [])];
    this.addHandler(SimilarityRequestPayload, (peer, p, ctx) => this.onSimilarityRequest(peer, p, ctx), {
      globalTime: true,
    });
    this.addHandler(SimilarityResponsePayload, (peer, p, ctx) => this.onSimilarityResponse(peer, p, ctx), {
      globalTime: true,
    });
    this.addUnsignedHandler(PingPayload, (source, p) => this.onPing(source, p), { globalTime: true });
    this.addUnsignedHandler(PongPayload, (source, p) => this.onPong(source, p), { globalTime: true });
  }

  /** Advertises another community of this node from now on. */
  addOverlay(community: Community): void {
    if (!this.overlays.includes(community)) this.overlays.push(community);
  }

  override unload(): Promise<void> {
    this.requestCache.shutdown();
    return super.unload();
  }

  /** The community ids we run under `key` (this one included when it uses that key). */
  getMyOverlays(key: PrivateKey): Uint8Array[] {
    const all: Community[] = [this, ...this.overlays];
    return all.filter((c) => c.key.publicKey.id === key.publicKey.id).map((c) => c.communityId);
  }

  private keys(): PrivateKey[] {
    const byId = new Map<string, PrivateKey>();
    for (const c of [this, ...this.overlays]) byId.set(c.key.publicKey.id, c.key);
    return [...byId.values()];
  }

  /** After a walk answered, ask the responder which communities it runs (as py-ipv8 does). */
  override introductionResponseCallback(peer: Peer, _dist: bigint, _payload: IntroResponse): void {
    this.sendSimilarityRequest(peer.address);
  }

  /** Sends one similarity request per key our communities use, each signed with that key. */
  sendSimilarityRequest(address: UdpAddress): void {
    for (const key of this.keys()) this.send(address, this.createSimilarityRequest(key));
  }

  /** Builds a similarity request listing the communities run under `key`. */
  createSimilarityRequest(key: PrivateKey): Uint8Array {
    const globalTime = this.claimGlobalTime();
    return encodeMessage(
      this.prefix,
      SimilarityRequestPayload,
      {
        identifier: Number(globalTime % 65536n),
        lanAddress: this.myEstimatedLan,
        wanAddress: this.myEstimatedWan,
        flags: bitsOf(),
        preferenceList: Buffer.concat(this.getMyOverlays(key)),
      },
      { key, globalTime },
    );
  }

  /** Builds a similarity response to `identifier`, listing the communities run under `key`. */
  createSimilarityResponse(identifier: number, key: PrivateKey): Uint8Array {
    const globalTime = this.claimGlobalTime();
    return encodeMessage(
      this.prefix,
      SimilarityResponsePayload,
      { identifier, preferenceList: this.getMyOverlays(key), tbOverlap: new Uint8Array(0) },
      { key, globalTime },
    );
  }

  /** A peer told us its communities: record them and answer with ours. */
  onSimilarityRequest(
    peer: Peer,
    payload: ValueOf<typeof SimilarityRequestPayload>,
    _context: HandlerContext,
  ): void {
    if (!this.answers.take(addressKey(peer.address))) {
      bump(this.stats.dropped, 'rateLimited');
      return;
    }
    const known = this.network.getVerifiedById(peer.id);
    if (known !== undefined) this.network.discoverServices(known, splitIds(payload.preferenceList));
    for (const key of this.keys())
      this.send(peer.address, this.createSimilarityResponse(payload.identifier, key));
  }

  /** A peer answered with its communities: take it on (room permitting) and record them. */
  onSimilarityResponse(
    peer: Peer,
    payload: ValueOf<typeof SimilarityResponsePayload>,
    _context: HandlerContext,
  ): void {
    const known = this.network.getVerifiedById(peer.id);
    const max = this.settings.maxPeers;
    if (known === undefined && max >= 0 && this.getPeers().length >= max) return;
    const stored = known ?? this.network.addVerifiedPeer(peer);
    if (stored === undefined) return;
    const ids = payload.preferenceList.slice(0, MAX_PREFERENCES).map((id) => Buffer.from(id).toString('hex'));
    const isNew = !this.network.hasService(stored, this.serviceId);
    this.network.discoverServices(stored, ids);
    if (isNew && this.network.hasService(stored, this.serviceId)) this.peerAdded(stored);
  }

  /** Sends an unsigned ping; the pong's round trip lands in {@link pings}. */
  sendPing(peer: Peer): void {
    const globalTime = this.claimGlobalTime();
    const identifier = Number(globalTime % 65536n);
    if (this.requestCache.has(PingCache, identifier)) return;
    this.requestCache.add(new PingCache(identifier, peer, Date.now()));
    this.send(peer.address, this.ezPack(PingPayload, { identifier }, { signed: false, globalTime }));
  }

  /** Anyone may ping: answer with a pong of the same identifier. */
  onPing(source: UdpAddress, payload: ValueOf<typeof PingPayload>): void {
    if (!this.answers.take(addressKey(source))) {
      bump(this.stats.dropped, 'rateLimited');
      return;
    }
    const packet = this.ezPack(
      PongPayload,
      { identifier: payload.identifier },
      { signed: false, globalTime: this.claimGlobalTime() },
    );
    this.send(source, packet);
  }

  /** A pong counts only for a ping we sent to that address with that identifier. */
  onPong(source: UdpAddress, payload: ValueOf<typeof PongPayload>): void {
    const cache = this.requestCache.get(PingCache, payload.identifier);
    if (cache === undefined || addressKey(cache.peer.address) !== addressKey(source)) return;
    this.requestCache.pop(PingCache, payload.identifier);
    const list = this.pings.get(cache.peer.id) ?? [];
    list.push(Date.now() - cache.sentAt);
    if (list.length > PINGS_KEPT) list.shift();
    this.pings.set(cache.peer.id, list);
    if (this.pings.size > 4 * this.settings.maxPeers + 64) this.pings.clear();
  }
}

/** Options for {@link PeriodicSimilarity}. */
export interface PeriodicSimilarityInit {
  /** At most one request per this many ms. @default 1000 */
  intervalMs?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

/** py-ipv8's PeriodicSimilarity: at most once a second, a similarity request to a random peer. */
export class PeriodicSimilarity implements DiscoveryStrategy {
  private last = -Infinity;
  constructor(
    private readonly community: DiscoveryCommunity,
    private readonly init: PeriodicSimilarityInit = {},
  ) {}

  takeStep(): void {
    const now = (this.init.now ?? Date.now)();
    if (now - this.last < (this.init.intervalMs ?? 1000)) return;
    const peers = this.community.network.getPeersForService(undefined);
    if (peers.length === 0) return;
    this.last = now;
    this.community.sendSimilarityRequest(peers[Math.floor(Math.random() * peers.length)]!.address);
  }
}
