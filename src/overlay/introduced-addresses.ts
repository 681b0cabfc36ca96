import { isUnknownAddress, type UdpAddress } from './address.js';

/**
 * Which addresses an introduction makes walkable (py-ipv8 `on_introduction_response`):
 * - a WAN address on another IP than ours: both the LAN (if given) and the WAN address;
 * - a WAN address on our own IP (the peer is behind our NAT): its LAN address;
 * - otherwise the WAN address, and its port on our LAN IP.
 * `0.0.0.0:0` means "none"; py-ipv8 compares whole addresses, so `0.0.0.0:port` counts as given.
 */
export function introducedAddresses(
  lan: UdpAddress,
  wan: UdpAddress,
  mine: { readonly wanHost: string; readonly lanHost: string },
): UdpAddress[] {
  if (!isUnknownAddress(wan) && wan.host !== mine.wanHost) {
    return isUnknownAddress(lan) ? [wan] : [lan, wan];
  }
  if (!isUnknownAddress(lan) && wan.host === mine.wanHost) return [lan];
  if (!isUnknownAddress(wan)) return [wan, { host: mine.lanHost, port: wan.port }];
  return [];
}
