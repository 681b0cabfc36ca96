import type { UdpAddress } from './address.js';

/**
 * Where a community keeps the addresses of peers it verified, so that a restarted node rejoins
 * without bootstrap servers. The SQLite implementation is {@link SqliteAddressBook}.
 */
export interface AddressBook {
  /** Addresses saved for a community (hex id), most recently seen first. */
  load(community: string): UdpAddress[];
  /** Records that a verified peer of `community` was at `address` just now. */
  save(community: string, address: UdpAddress): void;
  /** Forgets an address of `community` (a verified peer moved away from it). Optional. */
  forget?(community: string, address: UdpAddress): void;
}
