import type { UdpAddress } from './address.js';
import type { PublicKey } from './keys.js';

/**
 * Someone we have a signed message from: a public key and the UDP source address it came from
 * (never the address it claims). `lanAddress` is what it says its LAN address is, used only when
 * introducing it to others.
 */
export class Peer {
  /** The peer's key. */
  readonly publicKey: PublicKey;
  /** SHA-1 of the key bin. */
  readonly mid: Uint8Array;
  /** The mid in hex: the peer's identity in maps and logs. */
  readonly id: string;
  /** Where its packets come from. */
  address: UdpAddress;
  /** Its self-reported LAN address, when known. */
  lanAddress: UdpAddress | undefined;
  /** It speaks the new-style (234/233/232/231) messages. */
  newStyleIntro = false;
  /** When we last heard from it (ms, `Date.now()` clock). */
  lastResponse: number;

  constructor(publicKey: PublicKey, address: UdpAddress, now = Date.now()) {
    this.publicKey = publicKey;
    this.mid = publicKey.mid;
    this.id = publicKey.id;
    this.address = address;
    this.lastResponse = now;
  }

  /** Human-readable form: `mid-prefix@host:port`. */
  toString(): string {
    return `${this.id.slice(0, 8)}@${this.address.host}:${this.address.port}`;
  }
}
