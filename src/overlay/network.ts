import { addressKey, type UdpAddress } from './address.js';
import { MAX_KNOWN_ADDRESSES, MAX_VERIFIED_PEERS, REVERSE_CACHE_SIZE } from './constants.js';
import type { Peer } from './peer.js';

/** An address we heard of, and from whom (py-ipv8 `WalkableAddress`). */
export interface WalkableAddress {
  readonly address: UdpAddress;
  /** Id (mid hex) of the peer that introduced it; '' when it reached us directly. */
  readonly introducedBy: string;
  /** The community id (hex) it was introduced for, if any. */
  readonly service: string | undefined;
  /** Introduced with intro_supports_new_style. */
  readonly newStyle: boolean;
}

/**
 * Who we know: verified peers (we have a valid signed message from them), walkable addresses
 * with the peer that introduced each, the services (community ids) each peer runs, and the
 * blacklists. Shared by every community on one endpoint, as in py-ipv8. All maps are bounded.
 */
export class Network {
  private readonly verified = new Map<string, Peer>();
  private readonly byAddress = new Map<string, Peer>();
  private readonly all = new Map<string, WalkableAddress>();
  private readonly reverse = new Map<string, Map<string, UdpAddress>>();
  private readonly services = new Map<string, Set<string>>();
  /**
   * The verified peers of each service, kept as the services and peers change: a community asks
   * for its peers (count, a random one to introduce) on every request it answers, and filtering
   * every verified peer each time cost more than the request's signatures at 1,000 peers.
   */
  private readonly byService = new Map<string, ServicePeers>();
  /** Addresses that never become peers (bootstrap servers). */
  readonly blacklist = new Set<string>();
  /** Mids (hex) that never become peers (our own). */
  readonly blacklistMids = new Set<string>();

  /** Records that `introducer` told us about `address` for `service` (py-ipv8 `discover_address`). */
  discoverAddress(introducer: Peer, address: UdpAddress, service?: string, newStyle = false): void {
    const key = addressKey(address);
    if (this.blacklist.has(key) || this.byAddress.has(key)) return;
    if (!this.all.has(key)) {
      if (this.all.size >= MAX_KNOWN_ADDRESSES) this.forgetOldestAddress();
      this.all.set(key, { address, introducedBy: introducer.id, service, newStyle });
    }
    let set = this.reverse.get(introducer.id);
    if (set === undefined) {
      if (this.reverse.size >= REVERSE_CACHE_SIZE) this.reverse.delete(this.reverse.keys().next().value!);
      set = new Map();
      this.reverse.set(introducer.id, set);
    }
    if (set.size < REVERSE_CACHE_SIZE) set.set(key, address);
  }

  /** Adds an address nobody introduced (a saved one, say) as walkable for `service`. */
  addAddress(address: UdpAddress, service?: string, newStyle = false): void {
    const key = addressKey(address);
    if (this.blacklist.has(key) || this.byAddress.has(key) || this.all.has(key)) return;
    if (this.all.size >= MAX_KNOWN_ADDRESSES) this.forgetOldestAddress();
    this.all.set(key, { address, introducedBy: '', service, newStyle });
  }

  /** True when `peer` is known to run `service`. */
  hasService(peer: Peer, service: string): boolean {
    return this.services.get(peer.id)?.has(service) === true;
  }

  /** Records the community ids a peer runs. */
  discoverServices(peer: Peer, services: readonly string[]): void {
    let set = this.services.get(peer.id);
    if (set === undefined) this.services.set(peer.id, (set = new Set()));
    const verified = this.verified.get(peer.id);
    for (const s of services) {
      if (set.has(s)) continue;
      set.add(s);
      if (verified !== undefined) this.servicePeers(s).add(verified);
    }
  }

  private servicePeers(service: string): ServicePeers {
    let peers = this.byService.get(service);
    if (peers === undefined) this.byService.set(service, (peers = new ServicePeers()));
    return peers;
  }

  /**
   * Adds a peer whose signature we checked, or merges its new source address into the known one.
   * Returns the stored peer, or undefined when it was refused (blacklisted mid or address).
   */
  addVerifiedPeer(peer: Peer): Peer | undefined {
    if (this.blacklistMids.has(peer.id)) return undefined;
    const known = this.verified.get(peer.id);
    if (known !== undefined) {
      this.moveAddress(known, peer.address);
      return known;
    }
    const key = addressKey(peer.address);
    if (!this.all.has(key) && this.blacklist.has(key)) return undefined;
    if (this.verified.size >= MAX_VERIFIED_PEERS) return undefined;
    this.verified.set(peer.id, peer);
    for (const service of this.services.get(peer.id) ?? []) this.servicePeers(service).add(peer);
    this.claimAddress(peer, key);
    return peer;
  }

  /** Sets a peer's current address, keeping the address index right. */
  moveAddress(peer: Peer, address: UdpAddress): void {
    const oldKey = addressKey(peer.address);
    const key = addressKey(address);
    if (oldKey === key) return;
    if (this.byAddress.get(oldKey) === peer) this.byAddress.delete(oldKey);
    peer.address = address;
    this.claimAddress(peer, key);
  }

  private claimAddress(peer: Peer, key: string): void {
    const other = this.byAddress.get(key);
    if (other !== undefined && other !== peer) this.removePeer(other);
    this.byAddress.set(key, peer);
    // A verified address is no longer "walkable".
    this.all.delete(key);
  }

  /** The verified peer at this address. */
  getVerifiedByAddress(address: UdpAddress): Peer | undefined {
    return this.byAddress.get(addressKey(address));
  }

  /** The verified peer with this id (mid hex). */
  getVerifiedById(id: string): Peer | undefined {
    return this.verified.get(id);
  }

  /** Verified peers that run `service` (every verified peer when omitted). */
  getPeersForService(service?: string): Peer[] {
    if (service === undefined) return [...this.verified.values()];
    return this.byService.get(service)?.list.slice() ?? [];
  }

  /** How many verified peers run `service`, without listing them. */
  countPeersForService(service: string): number {
    return this.byService.get(service)?.list.length ?? 0;
  }

  /**
   * A random verified peer of `service` that `accept` takes, or undefined when none does. Draws at
   * random a few times first (with many peers one of the first draws is taken), then picks among
   * all the accepted ones, so every accepted peer stays equally likely.
   */
  randomPeerForService(service: string, accept: (peer: Peer) => boolean): Peer | undefined {
    const list = this.byService.get(service)?.list;
    if (list === undefined || list.length === 0) return undefined;
    for (let i = 0; i < RANDOM_DRAWS; i++) {
      const peer = list[Math.floor(Math.random() * list.length)]!;
      if (accept(peer)) return peer;
    }
    const candidates = list.filter(accept);
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  /** Addresses to walk to for `service`: known, not verified, introduced for it or by someone who runs it. */
  getWalkableAddresses(service?: string): UdpAddress[] {
    const out: UdpAddress[] = [];
    for (const entry of this.all.values()) {
      if (
        service === undefined ||
        entry.service === service ||
        this.services.get(entry.introducedBy)?.has(service) === true
      ) {
        out.push(entry.address);
      }
    }
    return out;
  }

  /** Addresses `peer` introduced to us, walkable or since verified (EdgeWalk follows these). */
  getIntroductionsFrom(peer: Peer): UdpAddress[] {
    return [...(this.reverse.get(peer.id)?.values() ?? [])];
  }

  /** True when the address was introduced as new style. */
  isNewStyle(address: UdpAddress): boolean {
    return this.all.get(addressKey(address))?.newStyle === true;
  }

  /** Forgets a walkable address or the peer at it. */
  removeByAddress(address: UdpAddress): void {
    const key = addressKey(address);
    this.all.delete(key);
    const peer = this.byAddress.get(key);
    if (peer !== undefined) this.removePeer(peer);
  }

  /** Forgets a verified peer and its services. */
  removePeer(peer: Peer): void {
    if (this.verified.get(peer.id) !== peer) return;
    this.verified.delete(peer.id);
    for (const service of this.services.get(peer.id) ?? []) this.byService.get(service)?.remove(peer);
    this.services.delete(peer.id);
    const key = addressKey(peer.address);
    if (this.byAddress.get(key) === peer) this.byAddress.delete(key);
  }

  private forgetOldestAddress(): void {
    const first = this.all.keys().next().value;
    if (first !== undefined) this.all.delete(first);
  }
}

/** Random draws before {@link Network.randomPeerForService} filters the whole list. */
const RANDOM_DRAWS = 4;

/** The verified peers of one service: a list to draw from at random, and each peer's place in it. */
class ServicePeers {
  readonly list: Peer[] = [];
  private readonly index = new Map<Peer, number>();

  add(peer: Peer): void {
    if (this.index.has(peer)) return;
    this.index.set(peer, this.list.length);
    this.list.push(peer);
  }

  /** Removes `peer`, moving the last peer into its place. */
  remove(peer: Peer): void {
    const at = this.index.get(peer);
    if (at === undefined) return;
    this.index.delete(peer);
    const last = this.list.pop()!;
    if (last !== peer) {
      this.list[at] = last;
      this.index.set(last, at);
    }
  }
}
