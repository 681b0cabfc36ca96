// Loads the recorded IPv8 packets and test keys from test/fixtures/ipv8-vectors.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PeerVector {
  address: string;
  private: string;
  public?: string;
  mid: string;
}
interface PacketVector {
  from: string;
  size: number;
  hex: string;
}
interface Vectors {
  communityId: string;
  peers: Record<'A' | 'B' | 'C', PeerVector>;
  packets: Record<string, PacketVector>;
}

export const vectors = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ipv8-vectors.json'), 'utf8'),
) as Vectors;

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function packet(name: string): Uint8Array {
  const p = vectors.packets[name];
  if (p === undefined) throw new Error(`no vector ${name}`);
  return hex(p.hex);
}
