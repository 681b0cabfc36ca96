import { addressKey, type UdpAddress } from './address.js';
import { CHURN, RANDOM_WALK } from './constants.js';
import type { Network } from './network.js';
import type { Peer } from './peer.js';

/** What the walkers drive: the discovery surface of a community. */
export interface Walkable {
  readonly network: Network;
  getPeers(): Peer[];
  getWalkableAddresses(): UdpAddress[];
  walkTo(address: UdpAddress): void;
  sendIntroductionRequest(peer: Peer): void;
  getNewIntroduction(fromPeer?: Peer): void;
  removePeer(peer: Peer): void;
}

/** One step per tick (py-ipv8 `DiscoveryStrategy.take_step`). */
export interface DiscoveryStrategy {
  takeStep(): void;
}

/** Options for {@link RandomWalk}. */
export interface RandomWalkInit {
  /** An address that did not answer within this many ms is forgotten. @default 3000 */
  timeoutMs?: number;
  /** Most outstanding walks. @default 5 */
  windowSize?: number;
  /** Out of 256: the chance to ask a known peer instead of walking to a new address. @default 50 */
  resetChance?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /** Random integer in [0, n). @default Math.random based */
  random?: (n: number) => number;
}

const defaultRandom = (n: number): number => Math.floor(Math.random() * n);

/** py-ipv8's RandomWalk: walk to a random unvisited address, sometimes restart from a known peer. */
export class RandomWalk implements DiscoveryStrategy {
  private readonly timeouts = new Map<string, { address: UdpAddress; at: number }>();
  private readonly timeoutMs: number;
  private readonly windowSize: number;
  private readonly resetChance: number;
  private readonly now: () => number;
  private readonly random: (n: number) => number;

  constructor(
    private readonly overlay: Walkable,
    init: RandomWalkInit = {},
  ) {
    this.timeoutMs = init.timeoutMs ?? RANDOM_WALK.timeoutMs;
    this.windowSize = init.windowSize ?? RANDOM_WALK.windowSize;
    this.resetChance = init.resetChance ?? RANDOM_WALK.resetChance;
    this.now = init.now ?? Date.now;
    this.random = init.random ?? defaultRandom;
  }

  takeStep(): void {
    const now = this.now();
    for (const [key, entry] of this.timeouts) {
      if (now - entry.at <= this.timeoutMs) continue;
      this.timeouts.delete(key);
      // Only addresses that never answered are forgotten; verified peers stay.
      if (this.overlay.network.getVerifiedByAddress(entry.address) === undefined) {
        this.overlay.network.removeByAddress(entry.address);
      }
    }
    if (this.timeouts.size >= this.windowSize) return;
    const available = this.overlay.getWalkableAddresses().filter((a) => !this.timeouts.has(addressKey(a)));
    if (available.length > 0 && this.random(256) >= this.resetChance) {
      const address = available[this.random(available.length)]!;
      this.overlay.walkTo(address);
      this.timeouts.set(addressKey(address), { address, at: now });
    } else {
      this.overlay.getNewIntroduction();
    }
  }
}

/** Options for {@link RandomChurn}. */
export interface RandomChurnInit {
  /** Peers looked at per step. @default 8 */
  sampleSize?: number;
  /** A quiet peer is pinged at most this often (ms). @default 10000 */
  pingIntervalMs?: number;
  /** Silent this long (ms): ping it. @default 27500 */
  inactiveMs?: number;
  /** Silent this long (ms): drop it. @default 57500 */
  dropMs?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
}

/**
 * Drops peers gone silent, after py-ipv8's RandomChurn. A plain py-ipv8 Community has no ping
 * message, so our "ping" is an introduction request: every IPv8 peer answers it, and the answer
 * refreshes `lastResponse`.
 */
export class RandomChurn implements DiscoveryStrategy {
  private readonly pinged = new Map<string, number>();
  private readonly init: Required<Omit<RandomChurnInit, 'now'>>;
  private readonly now: () => number;

  constructor(
    private readonly overlay: Walkable,
    init: RandomChurnInit = {},
  ) {
    this.init = {
      sampleSize: init.sampleSize ?? CHURN.sampleSize,
      pingIntervalMs: init.pingIntervalMs ?? CHURN.pingIntervalMs,
      inactiveMs: init.inactiveMs ?? CHURN.inactiveMs,
      dropMs: init.dropMs ?? CHURN.dropMs,
    };
    this.now = init.now ?? Date.now;
  }

  takeStep(): void {
    const now = this.now();
    const peers = this.overlay.getPeers();
    for (let i = 0; i < Math.min(this.init.sampleSize, peers.length); i++) {
      const j = i + Math.floor(Math.random() * (peers.length - i));
      [peers[i], peers[j]] = [peers[j]!, peers[i]!];
      const peer = peers[i]!;
      const silent = now - peer.lastResponse;
      if (silent >= this.init.dropMs) {
        this.pinged.delete(peer.id);
        this.overlay.removePeer(peer);
      } else if (
        silent >= this.init.inactiveMs &&
        now - (this.pinged.get(peer.id) ?? -Infinity) >= this.init.pingIntervalMs
      ) {
        this.pinged.set(peer.id, now);
        this.overlay.sendIntroductionRequest(peer);
      }
    }
    if (this.pinged.size > 4 * peers.length + 64) this.pinged.clear();
  }
}
