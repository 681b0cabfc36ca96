/**
 * The scripts a fidelity bond lives in: the time-locked witness script
 * `<locktime> OP_CHECKLOCKTIMEVERIFY OP_DROP <utxo_pub> OP_CHECKSIG` (the reference's
 * `mk_freeze_script`) and the P2WSH output script that pays to it, `OP_0 <sha256(script)>`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ErrorCodes, PeerwayError } from '../../core/index.js';

const OP_0 = 0x00;
const OP_1NEGATE_BASE = 0x50;
const OP_CHECKLOCKTIMEVERIFY = 0xb1;
const OP_DROP = 0x75;
const OP_CHECKSIG = 0xac;

/** A script number as Bitcoin pushes it: minimal little-endian, sign bit kept clear. */
function scriptNumberPush(n: number): Buffer {
  if (n === 0) return Buffer.from([OP_0]);
  if (n >= 1 && n <= 16) return Buffer.from([OP_1NEGATE_BASE + n]);
  const bytes: number[] = [];
  let v = n;
  while (v > 0) {
    bytes.push(v & 0xff);
    v = Math.floor(v / 256);
  }
  if ((bytes[bytes.length - 1]! & 0x80) !== 0) bytes.push(0);
  return Buffer.from([bytes.length, ...bytes]);
}

/**
 * The bond's witness script for a compressed public key and a locktime (a u32).
 *
 * @throws PeerwayError ERR_ORDERBOOK_BOND_INVALID for a key that is not 33 bytes or a bad locktime.
 */
export function bondWitnessScript(utxoPubkey: Uint8Array, locktime: number): Buffer {
  if (utxoPubkey.length !== 33 || (utxoPubkey[0] !== 2 && utxoPubkey[0] !== 3)) {
    throw new PeerwayError(ErrorCodes.ORDERBOOK_BOND_INVALID, 'bond key is not a compressed public key');
  }
  if (!Number.isInteger(locktime) || locktime < 0 || locktime > 0xffff_ffff) {
    throw new PeerwayError(ErrorCodes.ORDERBOOK_BOND_INVALID, 'bond locktime is not a u32');
  }
  return Buffer.concat([
    scriptNumberPush(locktime),
    Buffer.from([OP_CHECKLOCKTIMEVERIFY, OP_DROP, 33]),
    utxoPubkey,
    Buffer.from([OP_CHECKSIG]),
  ]);
}

/** The P2WSH output script paying to a witness script: `OP_0 <32-byte sha256>`. */
export function p2wshOutputScript(witnessScript: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([OP_0, 32]), createHash('sha256').update(witnessScript).digest()]);
}

/** The output script a bond's UTXO must have. */
export function bondOutputScript(utxoPubkey: Uint8Array, locktime: number): Buffer {
  return p2wshOutputScript(bondWitnessScript(utxoPubkey, locktime));
}
