import { isIPv4Address, UNKNOWN_ADDRESS, type UdpAddress } from './address.js';
import type { AddressEstimates } from './address-estimates.js';
import * as P from './discovery-payloads.js';
import { bitsOf } from './formats.js';
import type { PayloadClass } from './payload.js';
import type { PendingRequests } from './pending-requests.js';
import type { Peer } from './peer.js';

/** What the builder needs from its community: packing with our key, and our Lamport clock. */
export interface MessagePacker {
  ezPack<V extends object>(
    payload: PayloadClass<V>,
    value: V,
    options?: { signed?: boolean; globalTime?: bigint },
  ): Uint8Array;
  claimGlobalTime(): bigint;
}

const EMPTY = new Uint8Array(0);
const mod16 = (gt: bigint): number => Number(gt % 65536n);
/** Old-style messages carry `ipv4` fields only: any IPv6 address forces the new-style family. */
const allIPv4 = (...addresses: UdpAddress[]): boolean => addresses.every(isIPv4Address);

/**
 * Builds the four discovery messages byte for byte as py-ipv8 3.2 does, choosing the old (IPv4)
 * or new (typed address) family for each.
 */
export class IntroductionBuilder {
  constructor(
    private readonly packer: MessagePacker,
    private readonly estimates: AddressEstimates,
    private readonly pending: PendingRequests,
  ) {}

  /**
   * An introduction request to `socketAddress` (identifier = global time mod 2^16), recorded as
   * pending so that its response, and only that, is taken.
   */
  request(socketAddress: UdpAddress, extraBytes: Uint8Array = EMPTY, newStyle = false): Uint8Array {
    const gt = mod16(this.packer.claimGlobalTime());
    this.pending.add(socketAddress, gt);
    const sourceLan = this.estimates.lan;
    const sourceWan = this.estimates.wan;
    const newFamily = newStyle || !allIPv4(socketAddress, sourceLan, sourceWan);
    // py-ipv8 sends connection type "unknown" and advice=1 (the byte `01`) in old-style requests.
    const flags = newFamily ? bitsOf() : bitsOf(false, false, false, false, false, false, false, true);
    // Plain literals (not spreads) keep the payload writer's property reads fast.
    const value = { destination: socketAddress, sourceLan, sourceWan, identifier: gt, flags, extraBytes };
    return this.packer.ezPack(
      newFamily ? P.NewIntroductionRequestPayload : P.IntroductionRequestPayload,
      value,
      { globalTime: BigInt(gt) },
    );
  }

  /** An introduction response, introducing `introduction` when given. */
  response(
    socketAddress: UdpAddress,
    identifier: number,
    introduction: Peer | undefined,
    extraBytes: Uint8Array,
    newStyle: boolean,
    peerLimitReached: boolean,
  ): Uint8Array {
    const gt = BigInt(mod16(this.packer.claimGlobalTime()));
    const estimates = this.estimates;
    let lanIntroduction = UNKNOWN_ADDRESS;
    let wanIntroduction = UNKNOWN_ADDRESS;
    if (introduction !== undefined) {
      if (estimates.isLanHost(introduction.address.host)) {
        lanIntroduction = introduction.address;
        wanIntroduction = { host: estimates.wan.host, port: introduction.address.port };
      } else {
        lanIntroduction = introduction.lanAddress ?? UNKNOWN_ADDRESS;
        wanIntroduction = introduction.address;
      }
    }
    const introNew = introduction?.newStyleIntro === true;
    const sourceLan = estimates.lan;
    const oldStyleFits = allIPv4(socketAddress, sourceLan, estimates.wan, lanIntroduction, wanIntroduction);
    const newFamily = newStyle || !oldStyleFits;
    // Plain literals (not spreads) keep the payload writer's property reads fast.
    const value = {
      destination: socketAddress,
      sourceLan,
      sourceWan: newFamily ? estimates.preferred() : estimates.wan,
      lanIntroduction,
      wanIntroduction,
      flags: newFamily ? bitsOf(introNew) : bitsOf(false, false, false, true, introNew, peerLimitReached),
      identifier,
      extraBytes,
    };
    return this.packer.ezPack(
      newFamily ? P.NewIntroductionResponsePayload : P.IntroductionResponsePayload,
      value,
      { globalTime: gt },
    );
  }

  /** An (unsigned) puncture request: "please puncture towards this walker". */
  punctureRequest(
    lanWalker: UdpAddress,
    wanWalker: UdpAddress,
    identifier: number,
    newStyle: boolean,
  ): Uint8Array {
    const globalTime = this.packer.claimGlobalTime();
    const value = { lanWalker, wanWalker, identifier };
    return newStyle || !allIPv4(lanWalker, wanWalker)
      ? this.packer.ezPack(P.NewPunctureRequestPayload, value, { signed: false, globalTime })
      : this.packer.ezPack(P.PunctureRequestPayload, value, { signed: false, globalTime });
  }

  /** A (signed) puncture. */
  puncture(lanWalker: UdpAddress, wanWalker: UdpAddress, identifier: number, newStyle: boolean): Uint8Array {
    const globalTime = this.packer.claimGlobalTime();
    const value = { sourceLan: lanWalker, sourceWan: wanWalker, identifier };
    return newStyle || !allIPv4(lanWalker, wanWalker)
      ? this.packer.ezPack(P.NewPuncturePayload, value, { globalTime })
      : this.packer.ezPack(P.PuncturePayload, value, { globalTime });
  }
}
