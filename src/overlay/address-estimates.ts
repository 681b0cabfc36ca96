import {
  isIPv4Address,
  isPrivateIPv4,
  isUnknownAddress,
  UNKNOWN_ADDRESS,
  type UdpAddress,
} from './address.js';
import { guessLanHost, localIPv4Hosts } from './lan-address.js';
import type { Peer } from './peer.js';

/**
 * Where we think we are: the LAN address we advertise, the WAN address public peers report, and
 * our own peer's address as the last responder saw it (py-ipv8 `my_estimated_lan`,
 * `my_estimated_wan`, `my_peer.address`).
 */
export class AddressEstimates {
  /** Our LAN address as we advertise it (0.0.0.0:0 until the endpoint is bound). */
  lan: UdpAddress = UNKNOWN_ADDRESS;
  /** Our WAN address as others report it (0.0.0.0:0 until a public peer tells us). */
  wan: UdpAddress = UNKNOWN_ADDRESS;
  private localHosts: Set<string> | undefined;

  constructor(private readonly myPeer: Peer) {}

  /** Fills in the LAN address from the bound socket, unless one was configured. */
  bound(address: UdpAddress): void {
    if (isUnknownAddress(this.lan)) this.lan = { host: guessLanHost(address.host), port: address.port };
  }

  /** A responder told us how it sees us: a public IPv4 answer is our WAN address. */
  learn(destination: UdpAddress): void {
    if (isIPv4Address(destination) && !isPrivateIPv4(destination.host)) this.wan = destination;
    this.myPeer.address = destination;
  }

  /** Our best guess of how others reach us, or 0.0.0.0:0. */
  preferred(): UdpAddress {
    if (!isUnknownAddress(this.myPeer.address)) return this.myPeer.address;
    return isUnknownAddress(this.wan) ? UNKNOWN_ADDRESS : this.wan;
  }

  /** True for addresses of this host, which are introduced by their LAN address. */
  isLanHost(host: string): boolean {
    this.localHosts ??= localIPv4Hosts();
    return host === this.lan.host || this.localHosts.has(host);
  }
}
