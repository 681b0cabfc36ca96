/**
 * A regtest block chain held in memory: the real regtest genesis header, blocks mined with valid
 * regtest proof of work (bits 0x207fffff), BIP 34 coinbases paying a spendable OP_TRUE script,
 * real transactions funding any output script the caller names, a mempool, and the per-script-hash
 * index an Electrum server answers from.
 */
import { EventEmitter } from 'node:events';
import { ByteWriter, displayHex, fromDisplayHex, hash256, scriptHash, sha256 } from './bytes.js';
import {
  isCoinbase,
  merkleBranch,
  merkleRoot,
  parseTx,
  pushData,
  scriptNumber,
  serializeTx,
  txHash,
  wtxHash,
  type Transaction,
} from './tx.js';

/** The regtest genesis header (version 1, merkle 4a5e1e4b..., time 1296688602, bits 0x207fffff, nonce 2). */
export const REGTEST_GENESIS_HEADER =
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000';
/** Its hash, as `server.features` reports `genesis_hash`. */
export const REGTEST_GENESIS_HASH = '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206';
/** Regtest's compact target. */
export const REGTEST_BITS = 0x207fffff;
/** OP_TRUE: the script the chain's coinbases pay, spendable with an empty scriptSig. */
export const OP_TRUE_SCRIPT = Buffer.from([0x51]);
/** Coinbase outputs are spendable this many blocks later (consensus). */
export const COINBASE_MATURITY = 100;
/** Regtest halves the subsidy every 150 blocks. */
const HALVING_INTERVAL = 150;
/** The fee each funding transaction pays, in satoshis. */
const FUNDING_FEE = 1000n;

/** A transaction the chain knows, with where it is (height 0 means the mempool). */
export interface ChainTx {
  tx: Transaction;
  raw: Buffer;
  txid: string;
  height: number;
  /** Its block's hash (display hex), or undefined in the mempool. */
  blockHash: string | undefined;
}

/** A mined block. */
export interface ChainBlock {
  height: number;
  header: Buffer;
  hash: string;
  txids: string[];
}

/** An unspent output as `blockchain.scripthash.listunspent` reports it. */
export interface ChainUnspent {
  tx_hash: string;
  tx_pos: number;
  height: number;
  value: number;
}

/** Where {@link RegtestChain.addOutput} put the output. */
export interface FundedOutput {
  txid: string;
  vout: number;
  /** Block height, or 0 when left in the mempool. */
  height: number;
  value: bigint;
  /** The whole funding transaction, hex. */
  rawHex: string;
  /** The Electrum script hash of the output's script. */
  scripthash: string;
}

interface Utxo {
  script: Buffer;
  value: bigint;
  txid: string;
  vout: number;
  coinbaseHeight: number | undefined;
}

/** Events: `block` (height) after each mined block, `scripthash` (hash) when a script's history changes. */
export interface RegtestChainEvents {
  block: [height: number];
  scripthash: [hash: string];
}

/** Options for {@link RegtestChain}. */
export interface RegtestChainInit {
  /** Blocks mined on top of genesis at construction. @default 101 (one coinbase mature) */
  blocks?: number;
  /** Text in every coinbase: two chains mined in the same second differ only by it. @default 'peerway regtest' */
  tag?: string;
}

/** The 256-bit target of a compact `bits`, big-endian. */
function targetOf(bits: number): Buffer {
  const exponent = bits >>> 24;
  const mantissa = bits & 0x007fffff;
  const out = Buffer.alloc(32);
  const m = Buffer.from([(mantissa >> 16) & 0xff, (mantissa >> 8) & 0xff, mantissa & 0xff]);
  const start = 32 - exponent;
  for (let k = 0; k < 3; k++) if (start + k >= 0 && start + k < 32) out[start + k] = m[k]!;
  return out;
}

const TARGET = targetOf(REGTEST_BITS);

/** True when `header` hashes at or below the regtest target. */
export function meetsTarget(header: Buffer): boolean {
  return Buffer.compare(Buffer.from(hash256(header)).reverse(), TARGET) <= 0;
}

/** The P2WSH output script for a witness script (`OP_0 <sha256(script)>`). */
export function p2wshScript(witnessScript: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0x20]), sha256(witnessScript)]);
}

/** A regtest chain in memory. */
export class RegtestChain extends EventEmitter<RegtestChainEvents> {
  private readonly blocks: ChainBlock[] = [];
  private readonly txs = new Map<string, ChainTx>();
  private readonly utxos = new Map<string, Utxo>();
  private readonly history = new Map<string, string[]>();
  private mempool: string[] = [];
  private lastTime: number;
  private readonly tag: string;

  constructor(init: RegtestChainInit = {}) {
    super();
    const genesis = Buffer.from(REGTEST_GENESIS_HEADER, 'hex');
    this.blocks.push({ height: 0, header: genesis, hash: REGTEST_GENESIS_HASH, txids: [] });
    this.lastTime = genesis.readUInt32LE(68);
    this.tag = init.tag ?? 'peerway regtest';
    this.mine(init.blocks ?? 101);
  }

  /** Height of the tip. */
  get height(): number {
    return this.blocks.length - 1;
  }

  /** The 80-byte header at `height`, or undefined above the tip. */
  header(height: number): Buffer | undefined {
    return this.blocks[height]?.header;
  }

  /** The block at `height`. */
  block(height: number): ChainBlock | undefined {
    return this.blocks[height];
  }

  /** A known transaction (mined or in the mempool). */
  transaction(id: string): ChainTx | undefined {
    return this.txs.get(id.toLowerCase());
  }

  /** Mines `count` blocks holding the mempool; returns their hashes. */
  mine(count = 1): string[] {
    const hashes: string[] = [];
    for (let n = 0; n < count; n++) hashes.push(this.mineOne());
    return hashes;
  }

  private subsidy(height: number): bigint {
    const halvings = Math.floor(height / HALVING_INTERVAL);
    return halvings >= 64 ? 0n : 5_000_000_000n >> BigInt(halvings);
  }

  private mineOne(): string {
    const height = this.blocks.length;
    const included = this.mempool.map((id) => this.txs.get(id)!);
    let fees = 0n;
    for (const c of included) fees += this.feeOf(c.tx);
    const withWitness = included.some((c) => c.tx.inputs.some((i) => i.witness.length > 0));
    const coinbase: Transaction = {
      version: 2,
      inputs: [
        {
          prevTxid: Buffer.alloc(32),
          prevVout: 0xffffffff,
          scriptSig: Buffer.concat([pushData(scriptNumber(height)), pushData(Buffer.from(this.tag))]),
          sequence: 0xffffffff,
          witness: withWitness ? [Buffer.alloc(32)] : [],
        },
      ],
      outputs: [{ value: this.subsidy(height) + fees, script: OP_TRUE_SCRIPT }],
      locktime: 0,
    };
    if (withWitness) {
      // BIP 141 commitment: the witness merkle root (coinbase counted as zero) with a zero nonce.
      const wroot = merkleRoot([Buffer.alloc(32), ...included.map((c) => wtxHash(c.tx))]);
      const commitment = hash256(Buffer.concat([wroot, Buffer.alloc(32)]));
      coinbase.outputs.push({
        value: 0n,
        script: Buffer.concat([Buffer.from([0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed]), commitment]),
      });
    }
    const hashes = [txHash(coinbase), ...included.map((c) => txHash(c.tx))];
    const root = merkleRoot(hashes);
    const prev = this.blocks[height - 1]!;
    this.lastTime = Math.max(this.lastTime + 1, Math.floor(Date.now() / 1000));
    const header = new ByteWriter()
      .i32(0x20000000)
      .bytes(hash256(prev.header))
      .bytes(root)
      .u32(this.lastTime)
      .u32(REGTEST_BITS)
      .u32(0)
      .build();
    for (let nonce = 0; !meetsTarget(header); nonce++) header.writeUInt32LE(nonce, 76);
    const hash = displayHex(hash256(header));
    const cb = this.record(coinbase, height, hash);
    for (const c of included) {
      c.height = height;
      c.blockHash = hash;
    }
    this.blocks.push({ height, header, hash, txids: [cb.txid, ...included.map((c) => c.txid)] });
    const touched = new Set<string>();
    for (const c of included) for (const sh of this.scriptHashesOf(c.tx)) touched.add(sh);
    this.mempool = [];
    this.emit('block', height);
    for (const sh of touched) this.emit('scripthash', sh);
    return hash;
  }

  private feeOf(tx: Transaction): bigint {
    if (isCoinbase(tx)) return 0n;
    let fee = 0n;
    for (const i of tx.inputs) fee += this.spentOutput(i.prevTxid, i.prevVout)?.value ?? 0n;
    for (const o of tx.outputs) fee -= o.value;
    return fee;
  }

  private spentOutput(prevTxid: Buffer, vout: number): { script: Buffer; value: bigint } | undefined {
    const prev = this.txs.get(displayHex(prevTxid));
    const out = prev?.tx.outputs[vout];
    return out === undefined ? undefined : { script: out.script, value: out.value };
  }

  private scriptHashesOf(tx: Transaction): Set<string> {
    const out = new Set<string>();
    for (const o of tx.outputs) out.add(scriptHash(o.script));
    if (!isCoinbase(tx)) {
      for (const i of tx.inputs) {
        const prev = this.spentOutput(i.prevTxid, i.prevVout);
        if (prev !== undefined) out.add(scriptHash(prev.script));
      }
    }
    return out;
  }

  /** Adds `tx` to the indexes at `height` (0: mempool). */
  private record(tx: Transaction, height: number, blockHash: string | undefined): ChainTx {
    const raw = serializeTx(tx);
    const id = displayHex(txHash(tx));
    const entry: ChainTx = { tx, raw, txid: id, height, blockHash };
    this.txs.set(id, entry);
    if (!isCoinbase(tx)) {
      for (const i of tx.inputs) this.utxos.delete(`${displayHex(i.prevTxid)}:${i.prevVout}`);
    }
    tx.outputs.forEach((o, vout) => {
      this.utxos.set(`${id}:${vout}`, {
        script: o.script,
        value: o.value,
        txid: id,
        vout,
        coinbaseHeight: isCoinbase(tx) ? height : undefined,
      });
    });
    for (const sh of this.scriptHashesOf(tx)) {
      const list = this.history.get(sh) ?? [];
      list.push(id);
      this.history.set(sh, list);
    }
    return entry;
  }

  /**
   * Accepts a raw transaction into the mempool: it must parse, spend only known unspent outputs
   * (coinbases only once mature) and not create value. Scripts and signatures are not evaluated.
   * Returns the txid; throws RangeError with the reason otherwise.
   */
  submit(raw: Buffer): string {
    const tx = parseTx(raw);
    if (isCoinbase(tx)) throw new RangeError('a coinbase cannot be broadcast');
    const id = displayHex(txHash(tx));
    if (this.txs.has(id)) return id;
    let inValue = 0n;
    const seen = new Set<string>();
    for (const i of tx.inputs) {
      const key = `${displayHex(i.prevTxid)}:${i.prevVout}`;
      const u = this.utxos.get(key);
      if (u === undefined || seen.has(key)) throw new RangeError(`input ${key} is missing or spent`);
      if (u.coinbaseHeight !== undefined && this.height + 1 - u.coinbaseHeight < COINBASE_MATURITY) {
        throw new RangeError(`input ${key} spends an immature coinbase`);
      }
      seen.add(key);
      inValue += u.value;
    }
    let outValue = 0n;
    for (const o of tx.outputs) outValue += o.value;
    if (outValue > inValue) throw new RangeError('outputs exceed inputs');
    this.record(tx, 0, undefined);
    this.mempool.push(id);
    for (const sh of this.scriptHashesOf(tx)) this.emit('scripthash', sh);
    return id;
  }

  /**
   * Puts an output paying `value` satoshis to `script` on chain: a real transaction spending mature
   * coinbase outputs (mining more blocks first when none is mature), change back to OP_TRUE.
   * With `confirmations` (default 1) that many blocks are mined on top; 0 leaves it in the mempool.
   */
  addOutput(
    script: Uint8Array | string,
    value: bigint | number,
    opts: { confirmations?: number; locktime?: number } = {},
  ): FundedOutput {
    const out = typeof script === 'string' ? Buffer.from(script, 'hex') : Buffer.from(script);
    const want = BigInt(value);
    if (want <= 0n) throw new RangeError('value must be positive');
    const picked: Utxo[] = [];
    let total: bigint;
    for (;;) {
      picked.length = 0;
      total = 0n;
      for (const u of this.utxos.values()) {
        // Spent outputs (mempool included) leave the set at once, so what remains is spendable.
        if (!u.script.equals(OP_TRUE_SCRIPT)) continue;
        if (u.coinbaseHeight !== undefined && this.height + 1 - u.coinbaseHeight < COINBASE_MATURITY)
          continue;
        picked.push(u);
        total += u.value;
        if (total >= want + FUNDING_FEE) break;
      }
      if (total >= want + FUNDING_FEE) break;
      this.mine(1);
    }
    const outputs = [{ value: want, script: out }];
    const change = total - want - FUNDING_FEE;
    if (change > 0n) outputs.push({ value: change, script: OP_TRUE_SCRIPT });
    const tx: Transaction = {
      version: 2,
      inputs: picked.map((u) => ({
        prevTxid: fromDisplayHex(u.txid),
        prevVout: u.vout,
        scriptSig: Buffer.alloc(0),
        sequence: 0xfffffffe,
        witness: [],
      })),
      outputs,
      locktime: opts.locktime ?? this.height,
    };
    const id = this.submit(serializeTx(tx));
    const confirmations = opts.confirmations ?? 1;
    if (confirmations > 0) this.mine(confirmations);
    const entry = this.txs.get(id)!;
    return {
      txid: id,
      vout: 0,
      height: entry.height,
      value: want,
      rawHex: entry.raw.toString('hex'),
      scripthash: scriptHash(out),
    };
  }

  /** `blockchain.scripthash.get_history`: confirmed by height, then the mempool (height 0). */
  getHistory(sh: string): { tx_hash: string; height: number; fee?: number }[] {
    const ids = this.history.get(sh.toLowerCase()) ?? [];
    const rows = ids.map((id) => this.txs.get(id)!);
    const confirmed = rows.filter((r) => r.height > 0).sort((a, b) => a.height - b.height);
    const pending = rows.filter((r) => r.height === 0);
    return [
      ...confirmed.map((r) => ({ tx_hash: r.txid, height: r.height })),
      ...pending.map((r) => ({ tx_hash: r.txid, height: 0, fee: Number(this.feeOf(r.tx)) })),
    ];
  }

  /** `blockchain.scripthash.listunspent`. */
  listUnspent(sh: string): ChainUnspent[] {
    const out: ChainUnspent[] = [];
    for (const u of this.utxos.values()) {
      if (scriptHash(u.script) !== sh.toLowerCase()) continue;
      out.push({
        tx_hash: u.txid,
        tx_pos: u.vout,
        height: this.txs.get(u.txid)!.height,
        value: Number(u.value),
      });
    }
    return out.sort((a, b) => (a.height || Infinity) - (b.height || Infinity));
  }

  /** `blockchain.scripthash.get_balance`. */
  getBalance(sh: string): { confirmed: number; unconfirmed: number } {
    let confirmed = 0;
    let unconfirmed = 0;
    for (const u of this.listUnspent(sh)) {
      if (u.height > 0) confirmed += u.value;
      else unconfirmed += u.value;
    }
    return { confirmed, unconfirmed };
  }

  /** The Electrum status of a script hash: sha256 of `txid:height:` over its history, or null. */
  status(sh: string): string | null {
    const h = this.getHistory(sh);
    if (h.length === 0) return null;
    return sha256(Buffer.from(h.map((r) => `${r.tx_hash}:${r.height}:`).join(''))).toString('hex');
  }

  /** `blockchain.transaction.get_merkle`: the branch proving `id` in its block. */
  merkle(id: string): { block_height: number; merkle: string[]; pos: number } | undefined {
    const entry = this.txs.get(id.toLowerCase());
    if (entry === undefined || entry.height === 0) return undefined;
    const block = this.blocks[entry.height]!;
    const pos = block.txids.indexOf(entry.txid);
    const hashes = block.txids.map((t) => fromDisplayHex(t));
    return { block_height: entry.height, merkle: merkleBranch(hashes, pos).map((h) => displayHex(h)), pos };
  }
}
