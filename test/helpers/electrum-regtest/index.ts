/**
 * A real Electrum protocol server on loopback serving a regtest chain it mines itself, for tests
 * that need a chain backend: Electrum wallets, peerway's backend mode, fidelity bond look-ups.
 *
 * @example
 * ```ts
 * await using electrum = await startElectrumRegtest({ ssl: true });
 * const bond = electrum.chain.addOutput(p2wshScript(witnessScript), 100_000_000n);
 * // a client now finds it with blockchain.scripthash.listunspent(bond.scripthash)
 * ```
 */
import { RegtestChain, type RegtestChainInit } from './chain.js';
import { ElectrumRegtestServer, type ElectrumRegtestServerInit } from './server.js';

export {
  RegtestChain,
  REGTEST_GENESIS_HASH,
  REGTEST_GENESIS_HEADER,
  REGTEST_BITS,
  OP_TRUE_SCRIPT,
  COINBASE_MATURITY,
  meetsTarget,
  p2wshScript,
  type ChainTx,
  type ChainBlock,
  type ChainUnspent,
  type FundedOutput,
  type RegtestChainInit,
} from './chain.js';
export {
  ElectrumRegtestServer,
  RpcFailure,
  MAX_LINE_BYTES,
  type ElectrumRegtestServerInit,
  type SeenRequest,
} from './server.js';
export { scriptHash, hash256, sha256, displayHex, fromDisplayHex } from './bytes.js';
export { parseTx, serializeTx, txid, type Transaction, type TxInput, type TxOutput } from './tx.js';

/** Options for {@link startElectrumRegtest}: the chain's and the server's, minus the chain itself. */
export type StartElectrumRegtestInit = RegtestChainInit &
  Omit<ElectrumRegtestServerInit, 'chain'> & { chain?: RegtestChain };

/** Mines a fresh regtest chain (101 blocks by default) and starts a server for it on loopback. */
export async function startElectrumRegtest(
  init: StartElectrumRegtestInit = {},
): Promise<ElectrumRegtestServer> {
  const chain = init.chain ?? new RegtestChain(init.blocks === undefined ? {} : { blocks: init.blocks });
  const server = new ElectrumRegtestServer({ ...init, chain });
  await server.start();
  return server;
}
