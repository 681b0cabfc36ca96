import { bump } from '../core/index.js';
import { addressKey, isUnknownAddress, UNKNOWN_ADDRESS, type UdpAddress } from './address.js';
import type { AddressBook } from './address-book.js';
import type { Bootstrapper } from './bootstrapper.js';
import {
  DEFAULT_MAX_PEERS,
  DEFAULT_TICK_MS,
  KEEP_ALIVE_CHANCE,
  RATE_PER_SOURCE,
  RATE_PER_TARGET,
} from './constants.js';
import { DiscoveryHandlers } from './discovery-handlers.js';
import { guessLanHost, localIPv4Hosts } from './lan-address.js';
import type { OverlayInit } from './overlay-base.js';
import type { Peer } from './peer.js';
import { RateLimiter } from './rate-limiter.js';
import { RandomWalk, type DiscoveryStrategy } from './strategies.js';

/** A strategy and the peer count it walks towards (py-ipv8 `WalkerDefinition`). */
export interface WalkerDefinition {
  /** Builds the strategy for this community. */
  strategy: (community: Community) => DiscoveryStrategy;
  /** Run it while the community has fewer peers than this; -1 always. */
  targetPeers: number;
}

/** What a full community does with an introduction request. */
export type WhenFull = 'drop' | 'introduce';

/** Options for {@link Community}. */
export interface CommunityInit extends OverlayInit {
  /** Answer requesters only while we have at most this many peers (-1: no limit). @default 30 */
  maxPeers?: number;
  /**
   * Over `maxPeers`: `'drop'` is py-ipv8 (silence; a network seeded through one full peer then
   * stalls), `'introduce'` still answers with `peer_limit_reached` and an introduction but does
   * not take the requester on as a peer.
   * @default 'introduce'
   */
  whenFull?: WhenFull;
  /** Request anonymised traffic (py-ipv8 setting; peerway has no tunnel endpoint, so it is only recorded). @default false */
  anonymize?: boolean;
  /** Discovery strategies. @default [RandomWalk towards 20 peers] */
  walkers?: readonly WalkerDefinition[];
  /** Bootstrappers. @default [] */
  bootstrappers?: readonly Bootstrapper[];
  /** Where known addresses are loaded from and saved to. @default none */
  addressBook?: AddressBook;
  /** Strategy tick in ms (py-ipv8 `walker_interval`). @default 500 */
  tickMs?: number;
  /**
   * Amplification guards: introduction requests answered per source address, and puncture
   * requests/punctures sent per target address (tokens per second and burst).
   * @default { perSource: { perSecond: 20, burst: 40 }, perTarget: { perSecond: 10, burst: 20 } }
   */
  rateLimits?: {
    perSource?: { perSecond: number; burst: number };
    perTarget?: { perSecond: number; burst: number };
  };
  /** Our LAN address as advertised. @default guessed from the interfaces and the endpoint port */
  lanAddress?: UdpAddress;
}

/**
 * An IPv8 community: walks the overlay with signed introduction requests, answers with
 * introductions and puncture requests, keeps verified peers, and dispatches application messages
 * by id. Wire-compatible with py-ipv8 3.2.
 *
 * @example
 * ```ts
 * await using endpoint = new Endpoint({ host: '127.0.0.1' });
 * await endpoint.start();
 * const community = new Community({ communityId, endpoint, key: PrivateKey.generate(),
 *   bootstrappers: [new AddressBootstrapper({ addresses: [seed] })] });
 * community.on('peer', (peer) => console.log('found', peer.toString()));
 * community.start();
 * ```
 */
export class Community extends DiscoveryHandlers {
  readonly settings: { readonly maxPeers: number; readonly anonymize: boolean; readonly whenFull: WhenFull };
  private readonly walkers: Array<{ strategy: DiscoveryStrategy; targetPeers: number }>;
  private readonly bootstrappers: readonly Bootstrapper[];
  private readonly initialized = new Set<Bootstrapper>();
  private readonly addressBook: AddressBook | undefined;
  private readonly tickMs: number;
  private timer: NodeJS.Timeout | undefined;
  private unloading: Promise<void> | undefined;
  private registered = false;
  private localHosts: Set<string> | undefined;

  constructor(init: CommunityInit) {
    super(init, {
      perSource: new RateLimiter(init.rateLimits?.perSource ?? RATE_PER_SOURCE),
      perTarget: new RateLimiter(init.rateLimits?.perTarget ?? RATE_PER_TARGET),
    });
    this.settings = {
      maxPeers: init.maxPeers ?? DEFAULT_MAX_PEERS,
      anonymize: init.anonymize ?? false,
      whenFull: init.whenFull ?? 'introduce',
    };
    this.bootstrappers = init.bootstrappers ?? [];
    this.addressBook = init.addressBook;
    this.tickMs = init.tickMs ?? DEFAULT_TICK_MS;
    const walkers = init.walkers ?? [{ strategy: (c: Community) => new RandomWalk(c), targetPeers: 20 }];
    this.walkers = walkers.map((w) => ({ strategy: w.strategy(this), targetPeers: w.targetPeers }));
    if (init.lanAddress !== undefined) this.myEstimatedLan = init.lanAddress;
    this.registerDiscoveryHandlers();
  }

  /**
   * Joins the endpoint (which must be started), loads saved addresses, and starts the tick loop.
   */
  start(): void {
    if (this.registered || this.unloading !== undefined) return;
    const bound = this.endpoint.address;
    if (isUnknownAddress(this.myEstimatedLan)) {
      this.myEstimatedLan = { host: guessLanHost(bound.host), port: bound.port };
    }
    this.endpoint.addPrefixListener(this.prefix, (data, source) => this.onPacket(data, source));
    this.registered = true;
    for (const address of this.addressBook?.load(this.serviceId) ?? []) {
      this.network.addAddress(address, this.serviceId);
    }
    if (this.tickMs > 0) this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  /** Runs every strategy that is below its target once (one IPv8 tick). */
  tick(): void {
    this.stats.ticks++;
    const count = this.getPeers().length;
    for (const walker of this.walkers) {
      if (walker.targetPeers >= 0 && count >= walker.targetPeers) continue;
      try {
        walker.strategy.takeStep();
      } catch (err) {
        bump(this.stats.dropped, 'strategyError');
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'strategy failed');
      }
    }
  }

  /** Verified peers that run this community. */
  getPeers(): Peer[] {
    return this.network.getPeersForService(this.serviceId);
  }

  /** Addresses known for this community but not yet verified. */
  getWalkableAddresses(): UdpAddress[] {
    return this.network.getWalkableAddresses(this.serviceId);
  }

  /** Sends an introduction request to an address (new style when it was introduced as such). */
  walkTo(address: UdpAddress): void {
    this.send(
      address,
      this.createIntroductionRequest(address, new Uint8Array(0), this.network.isNewStyle(address)),
    );
  }

  /** Sends an introduction request to a peer, in the style it speaks. */
  sendIntroductionRequest(peer: Peer): void {
    this.send(
      peer.address,
      this.createIntroductionRequest(peer.address, new Uint8Array(0), peer.newStyleIntro),
    );
  }

  /** Asks `fromPeer`, or a random peer, for an introduction; bootstraps when we know no one. */
  getNewIntroduction(fromPeer?: Peer): void {
    let peer = fromPeer;
    if (peer === undefined) {
      const peers = this.getPeers();
      if (peers.length === 0) {
        this.bootstrap();
        return;
      }
      if (this.bootstrappers.length > 0 && Math.random() < KEEP_ALIVE_CHANCE) {
        const b = this.bootstrappers[Math.floor(Math.random() * this.bootstrappers.length)]!;
        b.keepAlive(this);
        return;
      }
      peer = peers[Math.floor(Math.random() * peers.length)]!;
    }
    this.sendIntroductionRequest(peer);
  }

  /** Contacts the bootstrappers (initialising them first) and walks to what they return. */
  bootstrap(): void {
    for (const b of this.bootstrappers) {
      if (!this.initialized.has(b)) {
        b.initialize(this);
        this.initialized.add(b);
      }
      for (const address of b.getAddresses(this).slice(0, Math.max(this.settings.maxPeers, 0)))
        this.walkTo(address);
    }
  }

  /** Puts an address on the blacklist: it is never taken on as a peer. */
  ensureBlacklisted(address: UdpAddress): void {
    this.network.blacklist.add(addressKey(address));
  }

  /** Our best guess of how others reach us, or 0.0.0.0:0. */
  myPreferredAddress(): UdpAddress {
    if (!isUnknownAddress(this.myPeer.address)) return this.myPeer.address;
    return isUnknownAddress(this.myEstimatedWan) ? UNKNOWN_ADDRESS : this.myEstimatedWan;
  }

  /** Saves the new peer's address (committed before anyone hears of it), then announces it. */
  protected override peerAdded(peer: Peer): void {
    this.addressBook?.save(this.serviceId, peer.address);
    super.peerAdded(peer);
  }

  /** Forgets a verified peer (and tells listeners). */
  removePeer(peer: Peer): void {
    if (this.network.getVerifiedById(peer.id) !== peer) return;
    this.network.removePeer(peer);
    this.emit('peer-removed', peer);
  }

  /** True for addresses of this host, which are introduced by their LAN address. */
  protected override isLanHost(host: string): boolean {
    this.localHosts ??= localIPv4Hosts();
    return host === this.myEstimatedLan.host || this.localHosts.has(host);
  }

  /** Leaves the endpoint, stops the tick loop and the bootstrappers; idempotent. */
  unload(): Promise<void> {
    this.unloading ??= (async () => {
      if (this.timer !== undefined) clearInterval(this.timer);
      this.timer = undefined;
      for (const b of this.bootstrappers) b.unload();
      if (this.registered) this.endpoint.removePrefixListener(this.prefix);
      this.removeAllListeners();
      await Promise.resolve();
    })();
    return this.unloading;
  }

  /** Same as {@link unload}. */
  stop(): Promise<void> {
    return this.unload();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.unload();
  }
}
