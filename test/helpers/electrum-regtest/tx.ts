/** Bitcoin transactions: building, serialising (with and without witness), parsing with limits, ids. */
import { ByteReader, ByteWriter, displayHex, hash256 } from './bytes.js';

/** The largest transaction {@link parseTx} accepts (the consensus block weight limit / 4 would allow more; tests need less). */
export const MAX_TX_BYTES = 1_000_000;

/** One input: the output it spends (txid in internal byte order) and its unlocking data. */
export interface TxInput {
  prevTxid: Buffer;
  prevVout: number;
  scriptSig: Buffer;
  sequence: number;
  witness: Buffer[];
}

/** One output: an amount in satoshis and its locking script. */
export interface TxOutput {
  value: bigint;
  script: Buffer;
}

/** A transaction. */
export interface Transaction {
  version: number;
  inputs: TxInput[];
  outputs: TxOutput[];
  locktime: number;
}

/** True when any input carries witness data (then the BIP 144 form is used). */
export function hasWitness(tx: Transaction): boolean {
  return tx.inputs.some((i) => i.witness.length > 0);
}

/** Serialises `tx`; with `witness` (the default) in the BIP 144 form when it has witness data. */
export function serializeTx(tx: Transaction, witness = true): Buffer {
  const w = new ByteWriter().i32(tx.version);
  const segwit = witness && hasWitness(tx);
  if (segwit) w.u8(0).u8(1);
  w.varint(tx.inputs.length);
  for (const i of tx.inputs) w.bytes(i.prevTxid).u32(i.prevVout).varBytes(i.scriptSig).u32(i.sequence);
  w.varint(tx.outputs.length);
  for (const o of tx.outputs) w.u64(o.value).varBytes(o.script);
  if (segwit) {
    for (const i of tx.inputs) {
      w.varint(i.witness.length);
      for (const item of i.witness) w.varBytes(item);
    }
  }
  return w.u32(tx.locktime).build();
}

/** The txid in internal byte order (hash of the form without witness). */
export function txHash(tx: Transaction): Buffer {
  return hash256(serializeTx(tx, false));
}

/** The txid as printed (display order hex). */
export function txid(tx: Transaction): string {
  return displayHex(txHash(tx));
}

/** The wtxid in internal byte order. */
export function wtxHash(tx: Transaction): Buffer {
  return hash256(serializeTx(tx, true));
}

/** True for a coinbase: one input spending the null outpoint. */
export function isCoinbase(tx: Transaction): boolean {
  return (
    tx.inputs.length === 1 &&
    tx.inputs[0]!.prevVout === 0xffffffff &&
    tx.inputs[0]!.prevTxid.every((b) => b === 0)
  );
}

/** Parses a raw transaction (legacy or BIP 144); throws RangeError on garbage, trailing bytes or size. */
export function parseTx(raw: Buffer): Transaction {
  if (raw.length > MAX_TX_BYTES)
    throw new RangeError(`transaction of ${raw.length} bytes is over ${MAX_TX_BYTES}`);
  const r = new ByteReader(raw);
  const version = r.i32();
  let segwit = false;
  let nIn = r.varint();
  if (nIn === 0) {
    if (r.u8() !== 1) throw new RangeError('bad segwit flag');
    segwit = true;
    nIn = r.varint();
  }
  if (nIn === 0 || nIn > r.remaining / 41) throw new RangeError(`bad input count ${nIn}`);
  const inputs: TxInput[] = [];
  for (let k = 0; k < nIn; k++) {
    inputs.push({
      prevTxid: r.bytes(32),
      prevVout: r.u32(),
      scriptSig: r.varBytes(),
      sequence: r.u32(),
      witness: [],
    });
  }
  const nOut = r.varint();
  if (nOut === 0 || nOut > r.remaining / 9) throw new RangeError(`bad output count ${nOut}`);
  const outputs: TxOutput[] = [];
  for (let k = 0; k < nOut; k++) outputs.push({ value: r.u64(), script: r.varBytes() });
  if (segwit) {
    for (const i of inputs) {
      const n = r.varint();
      if (n > r.remaining) throw new RangeError(`bad witness count ${n}`);
      for (let k = 0; k < n; k++) i.witness.push(r.varBytes());
    }
  }
  const locktime = r.u32();
  if (r.remaining !== 0) throw new RangeError(`${r.remaining} bytes after the transaction`);
  return { version, inputs, outputs, locktime };
}

/** A minimal script push of `data` (direct push up to 75 bytes, else OP_PUSHDATA1/2). */
export function pushData(data: Uint8Array): Buffer {
  if (data.length <= 75) return Buffer.concat([Buffer.from([data.length]), data]);
  if (data.length <= 0xff) return Buffer.concat([Buffer.from([0x4c, data.length]), data]);
  const len = Buffer.alloc(2);
  len.writeUInt16LE(data.length);
  return Buffer.concat([Buffer.from([0x4d]), len, data]);
}

/** A script number (minimal little-endian with sign bit), as BIP 34 heights are pushed. */
export function scriptNumber(n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  const out: number[] = [];
  let v = Math.abs(n);
  while (v > 0) {
    out.push(v & 0xff);
    v = Math.floor(v / 256);
  }
  if ((out[out.length - 1]! & 0x80) !== 0) out.push(n < 0 ? 0x80 : 0);
  else if (n < 0) out[out.length - 1]! |= 0x80;
  return Buffer.from(out);
}

/** Merkle root (internal order) of hashes in internal order, Bitcoin style (odd levels repeat the last). */
export function merkleRoot(hashes: Buffer[]): Buffer {
  if (hashes.length === 0) throw new RangeError('no hashes');
  let level = hashes;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let k = 0; k < level.length; k += 2) {
      next.push(hash256(Buffer.concat([level[k]!, level[k + 1] ?? level[k]!])));
    }
    level = next;
  }
  return level[0]!;
}

/** The merkle branch (internal order hashes, leaf to root) proving `hashes[index]`. */
export function merkleBranch(hashes: Buffer[], index: number): Buffer[] {
  const branch: Buffer[] = [];
  let level = hashes;
  let i = index;
  while (level.length > 1) {
    branch.push(level[i ^ 1] ?? level[i]!);
    const next: Buffer[] = [];
    for (let k = 0; k < level.length; k += 2) {
      next.push(hash256(Buffer.concat([level[k]!, level[k + 1] ?? level[k]!])));
    }
    level = next;
    i >>= 1;
  }
  return branch;
}
