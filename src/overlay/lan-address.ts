import { networkInterfaces } from 'node:os';

/** This host's IPv4 interface addresses (loopback included). */
export function localIPv4Hosts(): Set<string> {
  const out = new Set<string>(['127.0.0.1']);
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4') out.add(info.address);
  }
  return out;
}

/**
 * The LAN address to advertise for a socket bound to `boundHost`: the bound address itself, or,
 * for a wildcard bind, the first non-internal IPv4 interface (127.0.0.1 when there is none).
 * Unlike py-ipv8 this never does a DNS lookup.
 */
export function guessLanHost(boundHost: string): string {
  if (boundHost !== '0.0.0.0' && boundHost !== '::') return boundHost;
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return '127.0.0.1';
}
