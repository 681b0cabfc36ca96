/** A small market on loopback for the taker/maker tests: real directories, makers and a taker. */
import { randomBytes } from 'node:crypto';
import { signBondCertificate, type BondCertificate } from '../../src/directory/market/fidelity-bond.js';
import { MakerClient, type MakerClientInit } from '../../src/directory/market/maker-client.js';
import {
  MultiDirectoryClient,
  type MultiDirectoryClientInit,
} from '../../src/directory/market/multi-directory-client.js';
import { type Offer } from '../../src/directory/market/offer.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { publicKeyOf } from '../../src/directory/wire/bitcoin-message.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';

/** Client options that keep getpeerlist answers quick on loopback. */
export const FAST_PEERLIST = { getpeerlistChunkGap: 150, getpeerlistTimeout: 2000 };

export async function startDirectories(n: number): Promise<DirectoryServer[]> {
  const servers: DirectoryServer[] = [];
  for (let i = 0; i < n; i++) {
    const s = new DirectoryServer({ port: 0, network: 'signet' });
    await s.start();
    servers.push(s);
  }
  return servers;
}

export function addr(server: DirectoryServer): string {
  return `127.0.0.1:${server.address.port}`;
}

export function offersFor(i: number): Offer[] {
  return [
    { type: 'sw0reloffer', oid: 0, minsize: 27300, maxsize: 1_000_000 + i, txfee: 0, cjfee: '0.00002' },
    { type: 'sw0absoffer', oid: 1, minsize: 27300, maxsize: 500_000 + i, txfee: 0, cjfee: '250' },
  ];
}

export function bondCertificate(): BondCertificate {
  const cert = randomBytes(32);
  const utxo = randomBytes(32);
  const certPubkey = publicKeyOf(cert);
  return {
    certSecretKey: cert,
    certPubkey,
    certSignature: signBondCertificate(utxo, certPubkey, 52),
    certExpiry: 52,
    utxoPubkey: publicKeyOf(utxo),
    txid: randomBytes(32).toString('hex'),
    vout: 0,
    locktime: 1_800_000_000,
  };
}

export async function startMaker(
  servers: readonly DirectoryServer[],
  i: number,
  extra: Partial<MakerClientInit> = {},
): Promise<MakerClient> {
  const maker = new MakerClient({
    directoryServers: servers.map(addr),
    identity: NickIdentity.generate(),
    network: 'signet',
    connectionTimeout: 3000,
    offers: offersFor(i),
    ...extra,
  });
  await maker.start();
  return maker;
}

export async function startTaker(
  servers: readonly DirectoryServer[],
  extra: Partial<MultiDirectoryClientInit> = {},
): Promise<MultiDirectoryClient> {
  const taker = new MultiDirectoryClient({
    directoryServers: servers.map(addr),
    identity: NickIdentity.generate(),
    network: 'signet',
    connectionTimeout: 3000,
    clientOptions: FAST_PEERLIST,
    ...extra,
  });
  await taker.connectAll();
  return taker;
}

/** Quick orderbook options for loopback. */
export const QUICK_BOOK = { timeout: 5000, minWait: 300, quietPeriod: 250 };
