/**
 * The `!tbond` fidelity-bond proof a maker attaches to its private orderbook answer.
 *
 * ```
 *  base64 of 252 bytes:
 *  0   nick_sig    72  DER, left-padded with 0xff: cert key signs "<taker_nick>|<maker_nick>"
 *  72  cert_sig    72  DER, left-padded with 0xff: utxo key signs "fidelity-bond-cert|<cert_pub>|<expiry>"
 *  144 cert_pub    33  compressed secp256k1 key
 *  177 cert_expiry  2  u16 LE, in 2016-block periods
 *  179 utxo_pub    33  compressed key of the time-locked bond output
 *  212 txid        32  bond outpoint txid, in the usual display order (its hex is the txid string)
 *  244 vout         4  u32 LE
 *  248 locktime     4  u32 LE
 * ```
 * `<cert_pub>` in the certificate message is the raw 33 bytes, or their hex text (both forms are
 * accepted, as the reference accepts both). Both signatures are Bitcoin signed-message ECDSA.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { signBitcoinMessageBytes, verifyBitcoinMessageBytes } from '../wire/index.js';
import {
  BOND_CERT_PREFIX,
  BOND_PROOF_LENGTH,
  BOND_SIGNATURE_FIELD,
  BOND_SIGNATURE_PAD,
} from './constants.js';

/** A decoded (not yet verified) fidelity-bond proof. */
export interface FidelityBondProof {
  /** DER signature of `takerNick|makerNick` by the certificate key. */
  nickSignature: Uint8Array;
  /** DER signature of the certificate message by the bond's utxo key. */
  certSignature: Uint8Array;
  /** Compressed certificate public key (33 bytes). */
  certPubkey: Uint8Array;
  /** Certificate expiry in 2016-block periods. */
  certExpiry: number;
  /** Compressed public key of the bond output (33 bytes). */
  utxoPubkey: Uint8Array;
  /** Bond outpoint txid: hex of the 32 proof bytes, which the reference keeps in display order. */
  txid: string;
  /** Bond outpoint index. */
  vout: number;
  /** The bond's timelock. */
  locktime: number;
}

/** The nicks a proof is bound to. */
export interface BondNicks {
  /** The taker that asked for the orderbook. */
  takerNick: string;
  /** The maker that sent the proof. */
  makerNick: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bad(message: string): PeerwayError {
  return new PeerwayError(ErrorCodes.ORDERBOOK_BOND_INVALID, message);
}

function unpadSignature(field: Buffer): Uint8Array {
  let start = 0;
  while (start < field.length && field[start] === BOND_SIGNATURE_PAD) start += 1;
  if (field[start] !== 0x30) throw bad('bond proof signature has no DER header');
  return new Uint8Array(field.subarray(start));
}

function padSignature(der: Uint8Array): Buffer {
  if (der.length > BOND_SIGNATURE_FIELD) throw bad('DER signature longer than 72 bytes');
  const out = Buffer.alloc(BOND_SIGNATURE_FIELD, BOND_SIGNATURE_PAD);
  out.set(der, BOND_SIGNATURE_FIELD - der.length);
  return out;
}

/**
 * Decodes the base64 proof of a `!tbond` command. Verifies nothing; see {@link verifyBondProof}.
 *
 * @throws PeerwayError ERR_ORDERBOOK_BOND_INVALID for bad base64, a length other than 252 bytes or
 *   a signature field without a DER header.
 */
export function decodeBondProof(proof: string): FidelityBondProof {
  if (proof.length > 4 * Math.ceil(BOND_PROOF_LENGTH / 3) || !BASE64.test(proof)) {
    throw bad('bond proof is not base64 of the expected size');
  }
  const bytes = Buffer.from(proof, 'base64');
  if (bytes.length !== BOND_PROOF_LENGTH) throw bad(`bond proof is ${bytes.length} bytes, not 252`);
  return {
    nickSignature: unpadSignature(bytes.subarray(0, 72)),
    certSignature: unpadSignature(bytes.subarray(72, 144)),
    certPubkey: new Uint8Array(bytes.subarray(144, 177)),
    certExpiry: bytes.readUInt16LE(177),
    utxoPubkey: new Uint8Array(bytes.subarray(179, 212)),
    txid: bytes.subarray(212, 244).toString('hex'),
    vout: bytes.readUInt32LE(244),
    locktime: bytes.readUInt32LE(248),
  };
}

/** Encodes a proof as the base64 text of a `!tbond` command. */
export function encodeBondProof(proof: FidelityBondProof): string {
  const out = Buffer.alloc(BOND_PROOF_LENGTH);
  padSignature(proof.nickSignature).copy(out, 0);
  padSignature(proof.certSignature).copy(out, 72);
  if (proof.certPubkey.length !== 33 || proof.utxoPubkey.length !== 33) {
    throw bad('bond public keys must be 33 bytes');
  }
  const txid = Buffer.from(proof.txid, 'hex');
  if (txid.length !== 32) throw bad('bond txid must be 32 bytes of hex');
  out.set(proof.certPubkey, 144);
  out.writeUInt16LE(proof.certExpiry, 177);
  out.set(proof.utxoPubkey, 179);
  txid.copy(out, 212);
  out.writeUInt32LE(proof.vout, 244);
  out.writeUInt32LE(proof.locktime, 248);
  return out.toString('base64');
}

/** The message the certificate key signs: `<takerNick>|<makerNick>` in ASCII. */
export function bondNickMessage(nicks: BondNicks): Uint8Array {
  return Buffer.from(`${nicks.takerNick}|${nicks.makerNick}`, 'latin1');
}

/** The certificate message the utxo key signs, with the key as raw bytes or as hex text. */
export function bondCertMessage(certPubkey: Uint8Array, certExpiry: number, hex = false): Uint8Array {
  const key = hex ? Buffer.from(Buffer.from(certPubkey).toString('hex'), 'latin1') : certPubkey;
  return Buffer.concat([
    Buffer.from(BOND_CERT_PREFIX, 'latin1'),
    key,
    Buffer.from(`|${certExpiry}`, 'latin1'),
  ]);
}

/**
 * Checks both signatures of a decoded proof for the given taker and maker nicks.
 *
 * @throws PeerwayError ERR_ORDERBOOK_BOND_SIGNATURE naming the signature that failed.
 */
export function verifyBondProof(proof: FidelityBondProof, nicks: BondNicks): void {
  if (!verifyBitcoinMessageBytes(bondNickMessage(nicks), proof.nickSignature, proof.certPubkey)) {
    throw new PeerwayError(ErrorCodes.ORDERBOOK_BOND_SIGNATURE, 'bond nick signature does not verify', {
      details: { which: 'nick' },
    });
  }
  const { certSignature: sig, utxoPubkey: pub } = proof;
  // The hex form is only built when the raw form fails.
  const raw = bondCertMessage(proof.certPubkey, proof.certExpiry, false);
  if (
    !verifyBitcoinMessageBytes(raw, sig, pub) &&
    !verifyBitcoinMessageBytes(bondCertMessage(proof.certPubkey, proof.certExpiry, true), sig, pub)
  ) {
    throw new PeerwayError(
      ErrorCodes.ORDERBOOK_BOND_SIGNATURE,
      'bond certificate signature does not verify',
      {
        details: { which: 'cert' },
      },
    );
  }
}

/**
 * Decodes and verifies a `!tbond` proof in one step.
 *
 * @throws PeerwayError ERR_ORDERBOOK_BOND_INVALID or ERR_ORDERBOOK_BOND_SIGNATURE
 * @example
 * ```ts
 * const bond = parseBondProof(message.bondProof, { takerNick: ourNick, makerNick: from });
 * ```
 */
export function parseBondProof(proof: string, nicks: BondNicks): FidelityBondProof {
  const decoded = decodeBondProof(proof);
  verifyBondProof(decoded, nicks);
  return decoded;
}

/** What a maker needs to build proofs: its bond and a certificate signed once by the utxo key. */
export interface BondCertificate {
  /** 32-byte certificate secret key (signs the nick message for every taker). */
  certSecretKey: Uint8Array;
  /** Compressed public key of {@link certSecretKey}. */
  certPubkey: Uint8Array;
  /** DER certificate signature by the utxo key (see {@link signBondCertificate}). */
  certSignature: Uint8Array;
  /** Certificate expiry in 2016-block periods. */
  certExpiry: number;
  /** Compressed public key of the bond output. */
  utxoPubkey: Uint8Array;
  /** Bond outpoint txid, 32 bytes of hex. */
  txid: string;
  /** Bond outpoint index. */
  vout: number;
  /** The bond's timelock. */
  locktime: number;
}

/** Signs the certificate message (raw key form) with the bond's utxo secret key. */
export function signBondCertificate(
  utxoSecretKey: Uint8Array,
  certPubkey: Uint8Array,
  certExpiry: number,
): Uint8Array {
  return signBitcoinMessageBytes(bondCertMessage(certPubkey, certExpiry), utxoSecretKey);
}

/** Builds the base64 `!tbond` proof a maker sends to one taker. */
export function createBondProof(cert: BondCertificate, nicks: BondNicks): string {
  const { certSecretKey, ...rest } = cert;
  const nickSignature = signBitcoinMessageBytes(bondNickMessage(nicks), certSecretKey);
  return encodeBondProof({ ...rest, nickSignature });
}
