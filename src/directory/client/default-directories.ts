/**
 * The directories a client joins when none are configured, per network, with where each address
 * comes from. Kept as data: a list changes when operators come and go, never the code.
 *
 * - `joinmarket-clientserver`: the reference's `directory_nodes` in its default config
 *   (`src/jmclient/configure.py`; the signet list is the commented alternative given there).
 * - `joinmarket-ng`: joinmarket-ng's `DIRECTORY_NODES_MAINNET` / `_SIGNET` / `_TESTNET`
 *   (`jmcore/src/jmcore/models.py`).
 *
 * Neither project lists a testnet or regtest directory: those networks need `--directory`.
 *
 * @module
 */
import type { BitcoinNetwork } from '../wire/index.js';

/** Projects whose default lists we carry. */
export type DirectoryListSource = 'joinmarket-clientserver' | 'joinmarket-ng';

/** One default directory and the projects that list it. */
export interface DefaultDirectory {
  /** `<v3 onion>.onion:5222`. */
  address: string;
  /** Which defaults list it. */
  sources: readonly DirectoryListSource[];
}

const BOTH: readonly DirectoryListSource[] = ['joinmarket-clientserver', 'joinmarket-ng'];
const REFERENCE: readonly DirectoryListSource[] = ['joinmarket-clientserver'];
const NG: readonly DirectoryListSource[] = ['joinmarket-ng'];

/** Default directories per network. */
export const DEFAULT_DIRECTORIES: Readonly<Record<BitcoinNetwork, readonly DefaultDirectory[]>> = {
  mainnet: [
    { address: 'satoshi2vcg5e2ept7tjkzlkpomkobqmgtsjzegg6wipnoajadissead.onion:5222', sources: BOTH },
    { address: 'jmarketxf5wc4aldf3slm5u6726zsky52bqnfv6qyxe5hnafgly6yuyd.onion:5222', sources: BOTH },
    { address: 'coinjointovy3eq5fjygdwpkbcdx63d7vd4g32mw7y553uj3kjjzkiqd.onion:5222', sources: BOTH },
    { address: 'nakamotourflxwjnjpnrk7yc2nhkf6r62ed4gdfxmmn5f4saw5q5qoyd.onion:5222', sources: BOTH },
    { address: 'odpwaf67rs5226uabcamvypg3y4bngzmfk7255flcdodesqhsvkptaid.onion:5222', sources: BOTH },
    { address: 'jmrust7bgdbdl6skkvuzhqost4jkikrluj6alemspeifm5hvgqz2qaad.onion:5222', sources: NG },
    { address: 'nok55gjlqw6h76zi6gigukoztpx7xgo5r3w5csu362nys5yukzrxpgad.onion:5222', sources: NG },
    { address: '6ryhtj36y4bsscfrxd4zkiwx6yo3pqp5pndvzrbszdanizhzi2cpkbid.onion:5222', sources: NG },
  ],
  signet: [
    { address: 'rr6f6qtleiiwic45bby4zwmiwjrj3jsbmcvutwpqxjziaydjydkk5iad.onion:5222', sources: REFERENCE },
    { address: 'k74oyetjqgcamsyhlym2vgbjtvhcrbxr4iowd4nv4zk5sehw4v665jad.onion:5222', sources: REFERENCE },
    { address: 'y2ruswmdbsfl4hhwwiqz4m3sx6si5fr6l3pf62d4pms2b53wmagq3eqd.onion:5222', sources: REFERENCE },
    { address: 'signetvaxgd3ivj4tml4g6ed3samaa2rscre2gyeyohncmwk4fbesiqd.onion:5222', sources: NG },
    { address: 'u5oj5etqex3vh7jagljf3e2lo4awmmtcw3klbrlt2fonzyozpn5txrqd.onion:5222', sources: NG },
    { address: 'frqp4m6yveiagow73dplmnyv2abrqhte2grbhgw7hkbkhrv6zagrqbqd.onion:5222', sources: NG },
  ],
  testnet: [],
  regtest: [],
};

/**
 * The default directory addresses of a network (empty for testnet and regtest, and for a name
 * that is not a network).
 *
 * @example
 * ```ts
 * const servers = configured.length > 0 ? configured : defaultDirectories('mainnet');
 * ```
 */
export function defaultDirectories(network: string): string[] {
  const list = (DEFAULT_DIRECTORIES as Record<string, readonly DefaultDirectory[] | undefined>)[network];
  return (list ?? []).map((d) => d.address);
}
