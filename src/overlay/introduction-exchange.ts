import { bump, type RateLimiter } from '../core/index.js';
import { addressBucket } from '../transport/index.js';
import { addressKey, isIPv4Address, type UdpAddress } from './address.js';
import type { AddressEstimates } from './address-estimates.js';
import type { CommunityStats, WhenFull } from './community-init.js';
import { MAX_AMPLIFICATION } from './constants.js';
import * as P from './discovery-payloads.js';
import { introducedAddresses } from './introduced-addresses.js';
import { peekSignedPayload } from './messages.js';
import type { Network } from './network.js';
import type { PayloadClass } from './payload.js';
import type { Peer } from './peer.js';
import type { PendingRequests } from './pending-requests.js';

/** The decoded fields of an introduction request, either style. */
export type IntroRequest = P.IntroductionRequest | ReturnType<typeof P.NewIntroductionRequestPayload.decode>;
/** The decoded fields of an introduction response, either style. */
export type IntroResponse =
  P.IntroductionResponse | ReturnType<typeof P.NewIntroductionResponsePayload.decode>;
/** The decoded fields of a puncture request, either style. */
export type PunctureRequest =
  ReturnType<typeof P.PunctureRequestPayload.decode> | ReturnType<typeof P.NewPunctureRequestPayload.decode>;
/** The decoded fields of a puncture, either style. */
export type Puncture =
  ReturnType<typeof P.PuncturePayload.decode> | ReturnType<typeof P.NewPuncturePayload.decode>;

const EMPTY = new Uint8Array(0);
/** An IPv6 subscriber usually holds a /64: rate limits count it as one host. */
const IPV6_HOST_BITS = 64;

/** The key puncture targets are limited by: the IPv4 address, or the IPv6 /64. */
function targetHost(address: UdpAddress): string {
  return isIPv4Address(address) ? address.host : addressBucket(address.host, { ipv6Prefix: IPV6_HOST_BITS });
}

/**
 * What the exchange needs from its community: the shared network, the settings, the overridable
 * message builders and handlers (a subclass may replace any of them), decoding and sending.
 */
export interface IntroductionHost {
  readonly network: Network;
  readonly serviceId: string;
  readonly myPeer: Peer;
  readonly settings: { readonly maxPeers: number; readonly whenFull: WhenFull };
  readonly stats: CommunityStats;
  getPeers(): Peer[];
  getPeerForIntroduction(exclude?: Peer, ipv4Only?: boolean): Peer | undefined;
  decodeSigned<V extends object>(
    source: UdpAddress,
    data: Uint8Array,
    payload: PayloadClass<V>,
  ): { peer: Peer; payload: V; globalTime: bigint | undefined };
  decodeSignedThen<V extends object>(
    source: UdpAddress,
    data: Uint8Array,
    payload: PayloadClass<V>,
    use: (m: { peer: Peer; payload: V; globalTime: bigint | undefined }) => void,
  ): void;
  decodeUnsigned<V extends object>(
    data: Uint8Array,
    payload: PayloadClass<V>,
  ): { payload: V; globalTime: bigint | undefined };
  createIntroductionResponse(
    lanSocketAddress: UdpAddress,
    socketAddress: UdpAddress,
    identifier: number,
    introduction?: Peer,
    extraBytes?: Uint8Array,
    newStyle?: boolean,
    peerLimitReached?: boolean,
  ): Uint8Array;
  createPunctureRequest(
    lanWalker: UdpAddress,
    wanWalker: UdpAddress,
    identifier: number,
    newStyle?: boolean,
  ): Uint8Array;
  createPuncture(
    lanWalker: UdpAddress,
    wanWalker: UdpAddress,
    identifier: number,
    newStyle?: boolean,
  ): Uint8Array;
  onIntroductionRequest(peer: Peer, dist: bigint, payload: IntroRequest, newStyle: boolean): void;
  onIntroductionResponse(peer: Peer, dist: bigint, payload: IntroResponse, newStyle: boolean): void;
  onPunctureRequest(
    source: UdpAddress,
    dist: bigint,
    payload: PunctureRequest,
    newStyle: boolean,
    requestSize?: number,
  ): void;
  onPuncture(peer: Peer, dist: bigint, payload: Puncture): void;
  send(to: UdpAddress, data: Uint8Array): void;
  /** A peer became a verified peer of this community. */
  peerAdded(peer: Peer): void;
}

/** The rate limiters the exchange applies. */
export interface ExchangeLimits {
  /** Introduction requests answered and punctures taken, per source address. */
  readonly perSource: RateLimiter;
  /** Puncture requests and punctures sent, per target host (IPv6: per /64). */
  readonly perTarget: RateLimiter;
}

/**
 * The discovery half of py-ipv8's Community: the cheap checks and decoding of the four discovery
 * messages in both families, and what answering them means (taking on peers, introducing one,
 * asking it to puncture, recording introduced addresses). The community's overridable `on*`
 * handlers sit between decoding and answering.
 */
export class IntroductionExchange {
  constructor(
    private readonly host: IntroductionHost,
    private readonly estimates: AddressEstimates,
    private readonly limits: ExchangeLimits,
    private readonly pending: PendingRequests,
  ) {}

  /** Dispatcher entry for 246/234. */
  receiveRequest(source: UdpAddress, data: Uint8Array, newStyle: boolean): void {
    if (!this.limits.perSource.take(addressKey(source))) {
      bump(this.host.stats.dropped, 'rateLimited');
      return;
    }
    // The one message a busy community receives in bulk: verified on the community's
    // verification thread when it has one.
    if (newStyle) this.host.decodeSignedThen(source, data, P.NewIntroductionRequestPayload, this.takeNew);
    else this.host.decodeSignedThen(source, data, P.IntroductionRequestPayload, this.takeOld);
  }

  private readonly takeOld = (m: {
    peer: Peer;
    payload: IntroRequest;
    globalTime: bigint | undefined;
  }): void => this.takeRequest(m.peer, m.payload, m.globalTime, false);
  private readonly takeNew = (m: {
    peer: Peer;
    payload: IntroRequest;
    globalTime: bigint | undefined;
  }): void => this.takeRequest(m.peer, m.payload, m.globalTime, true);

  /** A verified introduction request: answered unless its signer is blacklisted. */
  private takeRequest(
    peer: Peer,
    payload: IntroRequest,
    globalTime: bigint | undefined,
    newStyle: boolean,
  ): void {
    if (this.isBlacklisted(peer)) return;
    if (newStyle || payload.flags[P.RequestFlag.supportsNewStyle]) {
      peer.newStyleIntro = true;
    }
    this.host.onIntroductionRequest(peer, globalTime ?? 0n, payload, newStyle);
  }

  /**
   * Dispatcher entry for 245/233. A response is the answer to a request we sent to that address
   * with that identifier, within its timeout, once; anything else is dropped before its signature
   * is checked (an unsolicited response could otherwise fill our table with fake peers).
   */
  receiveResponse(source: UdpAddress, data: Uint8Array, newStyle: boolean): void {
    const cls = newStyle ? P.NewIntroductionResponsePayload : P.IntroductionResponsePayload;
    const claimed = peekSignedPayload(data, cls).identifier;
    if (!this.pending.expects(source, claimed)) {
      bump(this.host.stats.dropped, 'unsolicited');
      return;
    }
    const { peer, payload, globalTime } = this.host.decodeSigned(source, data, cls);
    this.pending.settle(source, payload.identifier);
    if (this.isBlacklisted(peer)) return;
    this.estimates.learn(payload.destination);
    if (newStyle || payload.flags[P.ResponseFlag.supportsNewStyle]) peer.newStyleIntro = true;
    this.host.onIntroductionResponse(peer, globalTime ?? 0n, payload, newStyle);
  }

  /** Dispatcher entry for 250/232. */
  receivePunctureRequest(source: UdpAddress, data: Uint8Array, newStyle: boolean): void {
    const { payload, globalTime } = newStyle
      ? this.host.decodeUnsigned(data, P.NewPunctureRequestPayload)
      : this.host.decodeUnsigned(data, P.PunctureRequestPayload);
    this.host.onPunctureRequest(source, globalTime ?? 0n, payload, newStyle, data.length);
  }

  /** Dispatcher entry for 249/231: decoding verifies it and refreshes a known peer's address. */
  receivePuncture(source: UdpAddress, data: Uint8Array, newStyle: boolean): void {
    if (!this.limits.perSource.take(`x${addressKey(source)}`)) {
      bump(this.host.stats.dropped, 'punctureRateLimited');
      return;
    }
    const { peer, payload, globalTime } = newStyle
      ? this.host.decodeSigned(source, data, P.NewPuncturePayload)
      : this.host.decodeSigned(source, data, P.PuncturePayload);
    this.host.onPuncture(peer, globalTime ?? 0n, payload);
  }

  /**
   * Answers a verified request: takes the requester on unless we are full, introduces another
   * peer and asks that one to puncture towards the requester. Returns the requester as stored.
   */
  answerRequest(peer: Peer, payload: IntroRequest): Peer {
    const { maxPeers, whenFull } = this.host.settings;
    const count = this.peerCount();
    const known = this.isOurPeer(peer);
    const full = maxPeers >= 0 && count >= maxPeers;
    let stored = peer;
    if (full && !known && whenFull === 'drop') {
      bump(this.host.stats.dropped, 'peerLimit');
      return stored;
    }
    if (!full || known) {
      peer.lanAddress = payload.sourceLan;
      stored = this.acceptPeer(peer) ?? peer;
    }
    const source = stored.address;
    // As py-ipv8: the answer's family follows what the peer is known to speak, not the request's.
    const answerNew = stored.newStyleIntro;
    const introduction = this.host.getPeerForIntroduction(stored, !answerNew);
    const response = this.host.createIntroductionResponse(
      payload.destination,
      source,
      payload.identifier,
      introduction,
      EMPTY,
      answerNew,
      full,
    );
    this.host.send(source, response);
    if (introduction !== undefined) {
      if (this.limits.perTarget.take(targetHost(introduction.address))) {
        const request = this.host.createPunctureRequest(
          payload.destination,
          source,
          payload.identifier,
          answerNew,
        );
        this.host.send(introduction.address, request);
      } else bump(this.host.stats.dropped, 'punctureRateLimited');
    }
    return stored;
  }

  /** Takes on a verified responder and makes the addresses it introduced walkable. */
  takeResponse(peer: Peer, payload: IntroResponse, newStyle: boolean): Peer {
    const stored = this.acceptPeer(peer) ?? peer;
    const introNew = newStyle
      ? payload.flags[P.NewResponseFlag.introSupportsNewStyle]
      : payload.flags[P.ResponseFlag.introSupportsNewStyle];
    const mine = { wanHost: this.estimates.wan.host, lanHost: this.estimates.lan.host };
    for (const address of introducedAddresses(payload.lanIntroduction, payload.wanIntroduction, mine)) {
      this.host.network.discoverAddress(stored, address, this.host.serviceId, introNew === true);
    }
    return stored;
  }

  /**
   * Punctures towards the walker a puncture request names (its LAN address when it shares our
   * WAN IP), within the rate limits, and never more than {@link MAX_AMPLIFICATION} times the
   * request's size when that is known.
   */
  answerPunctureRequest(
    source: UdpAddress,
    payload: PunctureRequest,
    newStyle: boolean,
    requestSize = Number.POSITIVE_INFINITY,
  ): void {
    const target = payload.wanWalker.host === this.estimates.wan.host ? payload.lanWalker : payload.wanWalker;
    if (
      !this.limits.perSource.take(`p${addressKey(source)}`) ||
      !this.limits.perTarget.take(targetHost(target))
    ) {
      bump(this.host.stats.dropped, 'punctureRateLimited');
      return;
    }
    const puncture = this.host.createPuncture(
      this.estimates.lan,
      payload.wanWalker,
      payload.identifier,
      newStyle,
    );
    if (puncture.length > MAX_AMPLIFICATION * requestSize) {
      bump(this.host.stats.dropped, 'amplification');
      return;
    }
    this.host.send(target, puncture);
  }

  /**
   * Adds a verified peer of this community, announcing it when it is new here. Every path that
   * adds a peer comes here, so `maxPeers` bounds them all: a new peer is refused when we are full.
   */
  acceptPeer(peer: Peer): Peer | undefined {
    const network = this.host.network;
    const service = this.host.serviceId;
    const fresh = !this.isOurPeer(peer);
    const { maxPeers } = this.host.settings;
    if (fresh && maxPeers >= 0 && this.peerCount() >= maxPeers) {
      bump(this.host.stats.dropped, 'peerLimit');
      return undefined;
    }
    const stored = network.addVerifiedPeer(peer);
    if (stored === undefined) return undefined;
    network.discoverServices(stored, [service]);
    if (fresh) this.host.peerAdded(stored);
    return stored;
  }

  /** Verified peers of this community (counted by the network, not listed: this runs per request). */
  private peerCount(): number {
    return this.host.network.countPeersForService(this.host.serviceId);
  }

  /** True when `peer` is already a verified peer of this community. */
  private isOurPeer(peer: Peer): boolean {
    const known = this.host.network.getVerifiedById(peer.id);
    return known !== undefined && this.host.network.hasService(known, this.host.serviceId);
  }

  /** Our own packets (a walk to ourselves) and blacklisted mids are counted and ignored. */
  private isBlacklisted(peer: Peer): boolean {
    const network = this.host.network;
    if (!network.blacklistMids.has(peer.id)) return false;
    bump(this.host.stats.dropped, peer.id === this.host.myPeer.id ? 'self' : 'blacklisted');
    return true;
  }
}
