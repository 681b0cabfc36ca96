import { bump } from '../core/index.js';
import { addressKey, isIPv4Address, isPrivateIPv4, UNKNOWN_ADDRESS, type UdpAddress } from './address.js';
import * as P from './discovery-payloads.js';
import { bitsOf } from './formats.js';
import { introducedAddresses } from './introduced-addresses.js';
import { OverlayBase, type OverlayInit } from './overlay-base.js';
import type { Peer } from './peer.js';
import type { RateLimiter } from './rate-limiter.js';

/** The decoded fields of an introduction request, either style. */
export type IntroRequest = P.IntroductionRequest | ReturnType<typeof P.NewIntroductionRequestPayload.decode>;
/** The decoded fields of an introduction response, either style. */
export type IntroResponse =
  P.IntroductionResponse | ReturnType<typeof P.NewIntroductionResponsePayload.decode>;

const EMPTY = new Uint8Array(0);
const mod16 = (gt: bigint): number => Number(gt % 65536n);
/** Old-style messages carry `ipv4` fields only: any IPv6 address forces the new-style family. */
const allIPv4 = (...addresses: UdpAddress[]): boolean => addresses.every(isIPv4Address);

/**
 * The discovery half of py-ipv8's Community: creating and answering introduction requests and
 * responses, puncture requests and punctures, in both message families.
 */
export abstract class DiscoveryHandlers extends OverlayBase {
  /** Our LAN address as we advertise it. */
  myEstimatedLan: UdpAddress = UNKNOWN_ADDRESS;
  /** Our WAN address as others report it (0.0.0.0:0 until a public peer tells us). */
  myEstimatedWan: UdpAddress = UNKNOWN_ADDRESS;
  abstract readonly settings: { readonly maxPeers: number; readonly whenFull: 'drop' | 'introduce' };
  abstract getPeers(): Peer[];
  protected abstract isLanHost(host: string): boolean;
  abstract myPreferredAddress(): UdpAddress;

  constructor(
    init: OverlayInit,
    private readonly limits: { perSource: RateLimiter; perTarget: RateLimiter },
  ) {
    super(init);
  }

  /** Called after an introduction request was answered; override to act on `extraBytes`. */
  introductionRequestCallback(_peer: Peer, _dist: bigint, _payload: IntroRequest): void {}
  /** Called after an introduction response was processed. */
  introductionResponseCallback(_peer: Peer, _dist: bigint, _payload: IntroResponse): void {}

  protected registerDiscoveryHandlers(): void {
    this.addMessageHandler(P.IntroductionRequestPayload, (s, d) => this.onIntroductionRequest(s, d, false));
    this.addMessageHandler(P.NewIntroductionRequestPayload, (s, d) => this.onIntroductionRequest(s, d, true));
    this.addMessageHandler(P.IntroductionResponsePayload, (s, d) => this.onIntroductionResponse(s, d, false));
    this.addMessageHandler(P.NewIntroductionResponsePayload, (s, d) =>
      this.onIntroductionResponse(s, d, true),
    );
    this.addMessageHandler(P.PunctureRequestPayload, (s, d) => this.onPunctureRequest(s, d, false));
    this.addMessageHandler(P.NewPunctureRequestPayload, (s, d) => this.onPunctureRequest(s, d, true));
    this.addMessageHandler(P.PuncturePayload, (s, d) => this.onPuncture(s, d, false));
    this.addMessageHandler(P.NewPuncturePayload, (s, d) => this.onPuncture(s, d, true));
  }

  /** Builds an introduction request to `socketAddress` (identifier = global time mod 2^16). */
  createIntroductionRequest(
    socketAddress: UdpAddress,
    extraBytes: Uint8Array = EMPTY,
    newStyle = false,
  ): Uint8Array {
    const gt = mod16(this.claimGlobalTime());
    const sourceLan = this.myEstimatedLan;
    const sourceWan = this.myEstimatedWan;
    const newFamily = newStyle || !allIPv4(socketAddress, sourceLan, sourceWan);
    // py-ipv8 sends connection type "unknown" and advice=1 (the byte `01`) in old-style requests.
    const flags = newFamily ? bitsOf() : bitsOf(false, false, false, false, false, false, false, true);
    // Plain literals (not spreads) keep the payload writer's property reads fast.
    const value = { destination: socketAddress, sourceLan, sourceWan, identifier: gt, flags, extraBytes };
    return this.ezPack(newFamily ? P.NewIntroductionRequestPayload : P.IntroductionRequestPayload, value, {
      globalTime: BigInt(gt),
    });
  }

  /** Builds an introduction response, introducing `introduction` when given. */
  createIntroductionResponse(
    _lanSocketAddress: UdpAddress,
    socketAddress: UdpAddress,
    identifier: number,
    introduction?: Peer,
    extraBytes: Uint8Array = EMPTY,
    newStyle = false,
    peerLimitReached = false,
  ): Uint8Array {
    const gt = BigInt(mod16(this.claimGlobalTime()));
    let lanIntroduction = UNKNOWN_ADDRESS;
    let wanIntroduction = UNKNOWN_ADDRESS;
    if (introduction !== undefined) {
      if (this.isLanHost(introduction.address.host)) {
        lanIntroduction = introduction.address;
        wanIntroduction = { host: this.myEstimatedWan.host, port: introduction.address.port };
      } else {
        lanIntroduction = introduction.lanAddress ?? UNKNOWN_ADDRESS;
        wanIntroduction = introduction.address;
      }
    }
    const introNew = introduction?.newStyleIntro === true;
    const sourceLan = this.myEstimatedLan;
    const oldStyleFits = allIPv4(
      socketAddress,
      sourceLan,
      this.myEstimatedWan,
      lanIntroduction,
      wanIntroduction,
    );
    const newFamily = newStyle || !oldStyleFits;
    // Plain literals (not spreads) keep the payload writer's property reads fast.
    const value = {
      destination: socketAddress,
      sourceLan,
      sourceWan: newFamily ? this.myPreferredAddress() : this.myEstimatedWan,
      lanIntroduction,
      wanIntroduction,
      flags: newFamily ? bitsOf(introNew) : bitsOf(false, false, false, true, introNew, peerLimitReached),
      identifier,
      extraBytes,
    };
    return this.ezPack(newFamily ? P.NewIntroductionResponsePayload : P.IntroductionResponsePayload, value, {
      globalTime: gt,
    });
  }

  /** Builds an (unsigned) puncture request: "please puncture towards this walker". */
  createPunctureRequest(
    lanWalker: UdpAddress,
    wanWalker: UdpAddress,
    identifier: number,
    newStyle = false,
  ): Uint8Array {
    const globalTime = this.claimGlobalTime();
    const value = { lanWalker, wanWalker, identifier };
    return newStyle || !allIPv4(lanWalker, wanWalker)
      ? this.ezPack(P.NewPunctureRequestPayload, value, { signed: false, globalTime })
      : this.ezPack(P.PunctureRequestPayload, value, { signed: false, globalTime });
  }

  /** Builds a (signed) puncture. */
  createPuncture(
    lanWalker: UdpAddress,
    wanWalker: UdpAddress,
    identifier: number,
    newStyle = false,
  ): Uint8Array {
    const globalTime = this.claimGlobalTime();
    const value = { sourceLan: lanWalker, sourceWan: wanWalker, identifier };
    return newStyle || !allIPv4(lanWalker, wanWalker)
      ? this.ezPack(P.NewPuncturePayload, value, { globalTime })
      : this.ezPack(P.PuncturePayload, value, { globalTime });
  }

  /** A random verified peer of this community other than `exclude` (IPv4 only for old-style requesters). */
  getPeerForIntroduction(exclude?: Peer, ipv4Only = false): Peer | undefined {
    const candidates = this.getPeers().filter(
      (p) => p.id !== exclude?.id && (!ipv4Only || isIPv4Address(p.address)),
    );
    return candidates[Math.floor(Math.random() * candidates.length)];
  }

  /** A peer just became a verified peer of this community: tell listeners. */
  protected peerAdded(peer: Peer): void {
    this.emit('peer', peer);
  }

  /** Our own packets (a walk to ourselves) and blacklisted mids are counted and ignored. */
  private isBlacklisted(peer: Peer): boolean {
    if (!this.network.blacklistMids.has(peer.id)) return false;
    bump(this.stats.dropped, peer.id === this.myPeer.id ? 'self' : 'blacklisted');
    return true;
  }

  /** Adds a verified peer of this community, announcing it when it is new here. */
  protected acceptPeer(peer: Peer): Peer | undefined {
    const known = this.network.getVerifiedById(peer.id);
    const fresh = known === undefined || !this.network.hasService(known, this.serviceId);
    const stored = this.network.addVerifiedPeer(peer);
    if (stored === undefined) return undefined;
    this.network.discoverServices(stored, [this.serviceId]);
    if (fresh) this.peerAdded(stored);
    return stored;
  }

  private onIntroductionRequest(source: UdpAddress, data: Uint8Array, newStyle: boolean): void {
    if (!this.limits.perSource.take(addressKey(source))) {
      bump(this.stats.dropped, 'rateLimited');
      return;
    }
    const { peer, payload, globalTime } = newStyle
      ? this.decodeSigned(source, data, P.NewIntroductionRequestPayload)
      : this.decodeSigned(source, data, P.IntroductionRequestPayload);
    if (this.isBlacklisted(peer)) return;
    if (newStyle || payload.flags[P.RequestFlag.supportsNewStyle]) peer.newStyleIntro = true;
    const max = this.settings.maxPeers;
    const count = this.getPeers().length;
    const known = this.network.getVerifiedById(peer.id) !== undefined;
    const overLimit = max >= 0 && count > max;
    if (overLimit && this.settings.whenFull === 'drop') {
      bump(this.stats.dropped, 'peerLimit');
      return;
    }
    let stored: Peer | undefined = peer;
    if (!overLimit || known) {
      peer.lanAddress = payload.sourceLan;
      stored = this.acceptPeer(peer) ?? peer;
    }
    // As py-ipv8: the answer's family follows what the peer is known to speak, not the request's.
    const answerNew = stored.newStyleIntro;
    const introduction = this.getPeerForIntroduction(stored, !answerNew);
    const response = this.createIntroductionResponse(
      payload.destination,
      source,
      payload.identifier,
      introduction,
      EMPTY,
      answerNew,
      max >= 0 && count >= max,
    );
    this.sendBounded(source, response, data.length);
    if (introduction !== undefined) {
      if (this.limits.perTarget.take(addressKey(introduction.address))) {
        const request = this.createPunctureRequest(
          payload.destination,
          source,
          payload.identifier,
          answerNew,
        );
        this.sendBounded(introduction.address, request, data.length);
      } else bump(this.stats.dropped, 'punctureRateLimited');
    }
    this.introductionRequestCallback(stored, globalTime ?? 0n, payload);
  }

  private onIntroductionResponse(source: UdpAddress, data: Uint8Array, newStyle: boolean): void {
    const { peer, payload, globalTime } = newStyle
      ? this.decodeSigned(source, data, P.NewIntroductionResponsePayload)
      : this.decodeSigned(source, data, P.IntroductionResponsePayload);
    if (this.isBlacklisted(peer)) return;
    const dest = payload.destination;
    if (isIPv4Address(dest) && !isPrivateIPv4(dest.host)) this.myEstimatedWan = dest;
    this.myPeer.address = dest;
    if (newStyle || payload.flags[P.ResponseFlag.supportsNewStyle]) peer.newStyleIntro = true;
    const stored = this.acceptPeer(peer) ?? peer;
    const introNew = newStyle
      ? payload.flags[P.NewResponseFlag.introSupportsNewStyle]
      : payload.flags[P.ResponseFlag.introSupportsNewStyle];
    const mine = { wanHost: this.myEstimatedWan.host, lanHost: this.myEstimatedLan.host };
    for (const address of introducedAddresses(payload.lanIntroduction, payload.wanIntroduction, mine)) {
      this.network.discoverAddress(stored, address, this.serviceId, introNew);
    }
    this.introductionResponseCallback(stored, globalTime ?? 0n, payload);
  }

  private onPunctureRequest(source: UdpAddress, data: Uint8Array, newStyle: boolean): void {
    const { payload } = newStyle
      ? this.decodeUnsigned(data, P.NewPunctureRequestPayload)
      : this.decodeUnsigned(data, P.PunctureRequestPayload);
    const target =
      payload.wanWalker.host === this.myEstimatedWan.host ? payload.lanWalker : payload.wanWalker;
    if (
      !this.limits.perSource.take(`p${addressKey(source)}`) ||
      !this.limits.perTarget.take(addressKey(target))
    ) {
      bump(this.stats.dropped, 'punctureRateLimited');
      return;
    }
    const puncture = this.createPuncture(
      this.myEstimatedLan,
      payload.wanWalker,
      payload.identifier,
      newStyle,
    );
    this.sendBounded(target, puncture, data.length);
  }

  private onPuncture(source: UdpAddress, data: Uint8Array, newStyle: boolean): void {
    // Decoding verifies the signature and refreshes a known peer's address; nothing else to do.
    if (newStyle) this.decodeSigned(source, data, P.NewPuncturePayload);
    else this.decodeSigned(source, data, P.PuncturePayload);
  }
}
