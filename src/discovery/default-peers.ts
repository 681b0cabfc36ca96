/**
 * Default peers per network, as data: the seed document's "up to 10 servers that have shown
 * commitment to reliable service", used whenever the peer table is empty, plus onion servers a
 * node may hand out (a random few) when it has no Tor proxy to verify onions itself.
 *
 * Source: Electrum 4.3.4's bundled server lists (`electrum/servers.json` and
 * `servers_testnet.json` of the python3-electrum package in Debian 12), choosing long-lived names
 * that offer both TLS and TCP. Regtest and signet have no public servers.
 *
 * @module
 */

/** A network's default peers. */
export interface DefaultPeers {
  /** Where the list comes from. */
  readonly source: string;
  /** Clearnet seeds in ElectrumX's real-name form (`host s50002 t50001`). */
  readonly seeds: readonly string[];
  /** Onion servers in the same form (served a few at a time without Tor; dialled only through Tor). */
  readonly onions: readonly string[];
}

const ELECTRUM_434 = 'Electrum 4.3.4 servers.json (Debian 12 python3-electrum)';

/** Genesis hashes (display hex) of the networks that have defaults. */
export const GENESIS = {
  mainnet: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  testnet: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
  regtest: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
} as const;

/** Default peers by network name. */
export const DEFAULT_PEERS: Readonly<Record<'mainnet' | 'testnet' | 'regtest', DefaultPeers>> = {
  mainnet: {
    source: ELECTRUM_434,
    seeds: [
      'electrum.blockstream.info s50002 t50001',
      'bitcoin.aranguren.org s50002 t50001',
      'electrum.bitaroo.net s50002 t50001',
      'bitcoin.lu.ke s50002 t50001',
      'electrum.dcn.io s50002 t50001',
      'electrum.hsmiths.com s50002 t50001',
      'electrum.qtornado.com s50002 t50001',
      'electrumx.schulzemic.net s50002 t50001',
      'e.keff.org s50002 t50001',
      'blackie.c3-soft.com s57002 t57001',
    ],
    onions: [
      'egyh5mutxwcvwhlvjubf6wytwoq5xxvfb2522ocx77puc6ihmffrh6id.onion s50002 t50001',
      'kittycp2gatrqhlwpmbczk5rblw62enrpo2rzwtkfrrr27hq435d4vid.onion s50002 t50001',
      'qly7g5n5t3f3h23xvbp44vs6vpmayurno4basuu5rcvrupli7y2jmgid.onion s50002 t50001',
      'ty6cgwaf2pbc244gijtmpfvte3wwfp32wgz57eltjkgtsel2q7jufjyd.onion s50002 t50001',
      'venmrle3xuwkgkd42wg7f735l6cghst3sdfa3w3ryib2rochfhld6lid.onion s50002 t50001',
      'wsw6tua3xl24gsmi264zaep6seppjyrkyucpsmuxnjzyt3f3j6swshad.onion s50002 t50001',
    ],
  },
  testnet: {
    source: ELECTRUM_434,
    seeds: [
      'testnet.aranguren.org s51002 t51001',
      'testnet.qtornado.com s51002 t51001',
      'electrum.blockstream.info s60002 t60001',
      'blackie.c3-soft.com s57006 t57005',
      'tn.not.fyi s55002 t55001',
      'testnet.hsmiths.com s53012',
      'blockstream.info s993 t143',
    ],
    onions: ['explorerzydxu5ecjrkwceayqybizmpjjznk5izmitf2modhcusuqlid.onion t143'],
  },
  regtest: { source: 'none: regtest chains are private', seeds: [], onions: [] },
};

/** The defaults for a genesis hash, or undefined for an unknown network. */
export function defaultPeersFor(genesisHash: string): DefaultPeers | undefined {
  const name = (Object.keys(GENESIS) as (keyof typeof GENESIS)[]).find(
    (n) => GENESIS[n] === genesisHash.toLowerCase(),
  );
  return name === undefined ? undefined : DEFAULT_PEERS[name];
}
