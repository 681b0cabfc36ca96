/**
 * The anti-sybil rule applied before dialling a peer we have never verified: one good peer per
 * IPv4 /16 and per IPv6 /64. A new name whose addresses fall in a block that already holds a
 * recently good peer under another name is refused without a connection, so one operator with a
 * block of addresses cannot fill the table with names. Known peers keep their place.
 *
 * @module
 */
import { isIP } from 'node:net';
import { addressBucket, isOnion } from '../transport/index.js';
import type { Resolver } from './add-peer.js';
import { FRESH_MS } from './constants.js';
import { unmapAddress } from './net-address.js';
import type { PeerRecord, PeerStore } from './peer-store.js';

/** The block an address counts under for the rule: its IPv4 /16 or IPv6 /64. */
export function sybilBucket(address: string): string {
  return addressBucket(unmapAddress(address), { ipv4Prefix: 16, ipv6Prefix: 64 });
}

/**
 * Why `record` must not be dialled under the rule, or undefined. Resolves the name first (a name
 * that does not resolve is left to the dial, which fails the same way).
 */
export async function sybilConflict(
  record: Pick<PeerRecord, 'host' | 'lastGood'>,
  store: PeerStore,
  resolve: Resolver,
  now: number,
): Promise<string | undefined> {
  if (record.lastGood !== 0 || isOnion(record.host)) return undefined;
  let addresses: string[];
  if (isIP(record.host) !== 0) addresses = [record.host];
  else {
    try {
      addresses = await resolve(record.host);
    } catch {
      return undefined;
    }
  }
  const mine = new Set(addresses.filter((a) => isIP(unmapAddress(a)) !== 0).map(sybilBucket));
  if (mine.size === 0) return undefined;
  for (const other of store.goodSince(now - FRESH_MS, now)) {
    if (other.host === record.host || other.ipAddr === null || other.bucket === 'onion') continue;
    const bucket = sybilBucket(other.ipAddr);
    if (mine.has(bucket)) return `sybil: ${other.host} already holds ${bucket}`;
  }
  return undefined;
}
