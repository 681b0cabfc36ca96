import { isIP } from 'node:net';
import type { UdpAddress } from './address.js';

/** How IPv4 hosts appear on a dual-stack IPv6 socket. */
const MAPPED_IPV4 = '::ffff:';

/**
 * Which destination families a bound socket can reach, and how IPv4 addresses are written for it:
 * an IPv4 socket reaches IPv4 only; a socket bound to `'::'` (not IPv6-only) reaches both, IPv4 as
 * `::ffff:a.b.c.d`; a socket bound to one IPv6 address reaches IPv6 only.
 */
export class SocketReach {
  private readonly ipv4: 'direct' | 'mapped' | 'no';
  private readonly ipv6: boolean;

  constructor(boundHost: string, ipv6Only: boolean) {
    if (isIP(boundHost) !== 6) {
      this.ipv4 = 'direct';
      this.ipv6 = false;
    } else {
      // Only the wildcard bind accepts and sends IPv4; a specific IPv6 address cannot.
      this.ipv4 = boundHost === '::' && !ipv6Only ? 'mapped' : 'no';
      this.ipv6 = true;
    }
  }

  /** True when the socket can send to `address`'s family. */
  canReach(address: UdpAddress): boolean {
    const kind = isIP(address.host);
    return kind === 4 ? this.ipv4 !== 'no' : kind === 6 && this.ipv6;
  }

  /** The host to hand the socket for `host` (IPv4 written as mapped on a dual-stack socket). */
  socketHost(host: string): string {
    return this.ipv4 === 'mapped' && isIP(host) === 4 ? MAPPED_IPV4 + host : host;
  }

  /** A sender as the overlay shows it: IPv4 senders on a dual-stack socket as plain IPv4. */
  plainSource(host: string, port: number): UdpAddress {
    if (this.ipv4 === 'mapped' && host.startsWith(MAPPED_IPV4)) {
      const v4 = host.slice(MAPPED_IPV4.length);
      if (isIP(v4) === 4) return { host: v4, port };
    }
    return { host, port };
  }
}
