/**
 * Chooses what `server.peers.subscribe` reports: peers good within the freshness window and not
 * bad; public ones only (unless the node runs a private network); at most `perBucket` per IPv4 /16
 * or IPv6 /56; verified onions when we have a Tor proxy, else a random three from the network's
 * default onion list; onions never more than half of a reply; and, unlike ElectrumX, an overall cap.
 * Candidates are cached as ready-made tuples and rebuilt when the store changed, at most once per
 * `cacheMs`, so a request costs O(cap), not O(peers).
 *
 * @module
 */
import {
  CANDIDATE_CACHE_MS,
  CANDIDATE_MAX_AGE_MS,
  FRESH_MS,
  MAX_PEERS_REPLY,
  ONION_FOR_TOR_CLIENT,
  ONION_MIN,
  ONION_WITHOUT_TOR,
  PER_BUCKET,
} from './constants.js';
import { isPublicHost } from './net-address.js';
import { formatPeerEntry, type PeerTuple } from './peer-entry.js';
import type { PeerCandidate, PeerStore } from './peer-store.js';

/** Options for {@link PeersReply}. */
export interface PeersReplyInit {
  store: PeerStore;
  /** Report peers good within this window. @default 10800000 (3 h) */
  freshMs?: number;
  /** Peers per /16 or /56 bucket. @default 2 */
  perBucket?: number;
  /** Overall cap. @default 200 */
  maxPeers?: number;
  /** Admit non-public addresses and give every host a bucket of its own (test networks). @default false */
  privateNetwork?: boolean;
  /** Whether we can reach onions (a Tor proxy was found). @default () => false */
  hasTorProxy?: () => boolean;
  /**
   * Onion servers handed out, a random {@link ONION_WITHOUT_TOR} at a time, when we have no Tor
   * proxy and so cannot verify onions ourselves (the seed document's "random limited number").
   * @default []
   */
  fallbackOnions?: readonly PeerTuple[];
  /** Our own entry once we verified ourselves (backend mode), put first in every reply. @default none */
  selfEntry?: () => PeerTuple | undefined;
  /** Hosts never reported (our own names). @default [] */
  exclude?: readonly string[];
  /** Rebuild the candidate cache at most this often (when the store changed). @default 10000 */
  cacheMs?: number;
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
}

interface Cache {
  generation: number;
  builtAt: number;
  buckets: PeerTuple[][];
  onions: PeerTuple[];
}

function toTuple(p: PeerCandidate): PeerTuple {
  return formatPeerEntry({
    ip: p.ipAddr ?? p.host,
    host: p.host,
    version: p.protocolMax,
    pruning: p.pruning,
    sslPort: p.sslPort,
    tcpPort: p.tcpPort,
  });
}

/** Builds `server.peers.subscribe` replies. */
export class PeersReply {
  private readonly init: PeersReplyInit;
  private readonly random: () => number;
  private readonly now: () => number;
  private cache: Cache | undefined;

  constructor(init: PeersReplyInit) {
    this.init = init;
    this.random = init.random ?? Math.random;
    this.now = init.now ?? Date.now;
  }

  /** Forgets cached candidates (for example after the proxy appeared). */
  invalidate(): void {
    this.cache = undefined;
  }

  /** A reply for one client; `torClient` when the client came through our Tor proxy. */
  select(torClient = false): PeerTuple[] {
    const cache = this.candidates();
    const cap = this.init.maxPeers ?? MAX_PEERS_REPLY;
    const perBucket = this.init.perBucket ?? PER_BUCKET;
    const out: PeerTuple[] = [];
    const self = this.init.selfEntry?.();
    if (self !== undefined) out.push(self);
    for (const bucket of this.shuffled(cache.buckets)) {
      if (out.length >= cap) break;
      for (const peer of this.sample(bucket, Math.min(perBucket, cap - out.length))) out.push(peer);
    }
    // Onions are cheap to make up, so they never outnumber the clearnet peers of a reply.
    const clearnet = out.length;
    if (this.init.hasTorProxy?.() === true) {
      const onionCap = torClient ? ONION_FOR_TOR_CLIENT : Math.max(ONION_MIN, Math.floor(clearnet / 4));
      const n = Math.min(onionCap, cap - clearnet, clearnet);
      for (const peer of this.sample(cache.onions, n)) out.push(peer);
    } else {
      const n = Math.min(ONION_WITHOUT_TOR, cap - clearnet, clearnet);
      for (const peer of this.sample(this.init.fallbackOnions ?? [], n)) out.push(peer);
    }
    return out;
  }

  /**
   * Yields `list` in random order, lazily: a Fisher-Yates shuffle whose swaps live in a sparse map,
   * so taking k elements costs O(k) however long the list is.
   */
  private *shuffled<T>(list: readonly T[]): Generator<T> {
    const swapped = new Map<number, number>();
    for (let i = 0; i < list.length; i++) {
      const j = i + Math.floor(this.random() * (list.length - i));
      const at = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      yield list[at]!;
    }
  }

  /** `n` distinct random elements of `list` (all of it when shorter), without copying a long list. */
  private sample<T>(list: readonly T[], n: number): T[] {
    if (list.length <= n) return list.slice();
    if (n * 4 < list.length) {
      const picked = new Set<number>();
      while (picked.size < n) picked.add(Math.floor(this.random() * list.length));
      return [...picked].map((i) => list[i]!);
    }
    const copy = list.slice();
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.random() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }

  private candidates(): Cache {
    const { store } = this.init;
    const now = this.now();
    const c = this.cache;
    if (c !== undefined) {
      // Writes are batched: at most one rebuild per cacheMs, and one a minute when nothing changed
      // (the freshness window is hours long, so a minute of lag does not matter).
      const age = now - c.builtAt;
      const changed = c.generation !== store.generation;
      if (age < (this.init.cacheMs ?? CANDIDATE_CACHE_MS) || (!changed && age < CANDIDATE_MAX_AGE_MS))
        return c;
    }
    const privateNet = this.init.privateNetwork ?? false;
    const exclude = new Set((this.init.exclude ?? []).map((h) => h.toLowerCase()));
    const groups = new Map<string, PeerTuple[]>();
    const onions: PeerTuple[] = [];
    for (const peer of store.goodSince(now - (this.init.freshMs ?? FRESH_MS), now)) {
      if (exclude.has(peer.host)) continue;
      if (peer.tcpPort === null && peer.sslPort === null) continue;
      if (peer.bucket === 'onion') {
        onions.push(toTuple(peer));
        continue;
      }
      // The address check also covers rows written before `isPublic` looked at the address.
      if (!privateNet && (!peer.isPublic || (peer.ipAddr !== null && !isPublicHost(peer.ipAddr)))) continue;
      const key = privateNet ? peer.host : peer.bucket;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [toTuple(peer)]);
      else group.push(toTuple(peer));
    }
    this.cache = { generation: store.generation, builtAt: now, buckets: [...groups.values()], onions };
    return this.cache;
  }
}
