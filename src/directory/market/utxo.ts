/**
 * Utxo strings of a CoinJoin negotiation, in the two forms JoinMarket peers write them:
 *
 * ```
 *  legacy    <txid>:<vout>                            every implementation
 *  extended  <txid>:<vout>:<scriptpubkey hex>:<height>  joinmarket-ng's `neutrino_compat`
 * ```
 *
 * The extended form lets a light (neutrino) client check a utxo with block filters: it cannot
 * look a script up by outpoint, so the owner names it and the block it confirmed in. It appears in
 * the `!auth` revelation and the `!ioauth` list, only between peers that both support it (a
 * reference client reads `txid:vout` only).
 *
 * @module
 */
import { type ErrorCode, ErrorCodes, PeerwayError } from '../../core/index.js';
import { MAX_BLOCK_HEIGHT, MAX_SCRIPT_PUBKEY_HEX, MAX_VOUT, MIN_SCRIPT_PUBKEY_HEX } from './constants.js';

/** Which utxo form a message uses: `txid:vout`, or `txid:vout:scriptpubkey:height`. */
export type UtxoForm = 'legacy' | 'extended';

/** One utxo as a CoinJoin message names it. */
export interface Utxo {
  /** Transaction id, 64 lowercase hex characters (display order, as peers write it). */
  txid: string;
  /** Output index. */
  vout: number;
  /** The output's script as lowercase hex (extended form only). */
  scriptPubKey?: string;
  /** Height of the block that confirmed it (extended form only). */
  height?: number;
}

const TXID = /^[0-9a-fA-F]{64}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,9})$/;
const HEX = /^[0-9a-fA-F]*$/;
/** A utxo string is at most 64 + 1 + 10 + 1 + 200 + 1 + 10 characters. */
const MAX_UTXO_LENGTH = 64 + 1 + 10 + 1 + MAX_SCRIPT_PUBKEY_HEX + 1 + 10;

function bad(code: ErrorCode, what: string, text: string): PeerwayError {
  return new PeerwayError(code, `bad utxo: ${what}`, { details: { utxo: text.slice(0, 80) } });
}

function decimal(text: string, max: number): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/**
 * Reads one utxo in either form. Strict where the reference and joinmarket-ng are lenient: plain
 * decimals only (no sign, no leading zeros), a 64-hex txid, an even-length hex script of 4 to 200
 * characters; hex is returned lowercase.
 *
 * @throws PeerwayError ERR_ORDERBOOK_COINJOIN_INVALID (or `code`) naming what is wrong.
 */
export function parseUtxo(text: string, code: ErrorCode = ErrorCodes.ORDERBOOK_COINJOIN_INVALID): Utxo {
  if (text.length > MAX_UTXO_LENGTH) throw bad(code, 'too long', text);
  const parts = text.split(':');
  if (parts.length !== 2 && parts.length !== 4)
    throw bad(code, 'expected txid:vout or txid:vout:script:height', text);
  const [txid, voutText, script, heightText] = parts as [string, string, string?, string?];
  if (!TXID.test(txid)) throw bad(code, 'txid is not 64 hex characters', text);
  const vout = decimal(voutText, MAX_VOUT);
  if (vout === undefined) throw bad(code, 'vout is not a u32', text);
  const utxo: Utxo = { txid: txid.toLowerCase(), vout };
  if (script === undefined || heightText === undefined) return utxo;
  if (
    !HEX.test(script) ||
    script.length % 2 !== 0 ||
    script.length < MIN_SCRIPT_PUBKEY_HEX ||
    script.length > MAX_SCRIPT_PUBKEY_HEX
  ) {
    throw bad(code, 'scriptpubkey is not 2 to 100 bytes of hex', text);
  }
  const height = decimal(heightText, MAX_BLOCK_HEIGHT);
  if (height === undefined) throw bad(code, 'height is not a block height', text);
  utxo.scriptPubKey = script.toLowerCase();
  utxo.height = height;
  return utxo;
}

/** The form a parsed utxo was written in. */
export function utxoForm(utxo: Utxo): UtxoForm {
  return utxo.scriptPubKey !== undefined && utxo.height !== undefined ? 'extended' : 'legacy';
}

/**
 * Writes a utxo in `form`.
 *
 * @throws PeerwayError ERR_INVALID_ARGUMENT when the extended form is asked of a utxo without its
 *   script and height (a neutrino peer could not check it), or a field is out of range.
 */
export function formatUtxo(utxo: Utxo, form: UtxoForm): string {
  if (!TXID.test(utxo.txid) || !Number.isInteger(utxo.vout) || utxo.vout < 0 || utxo.vout > MAX_VOUT) {
    throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'a utxo needs a 64-hex txid and a u32 vout');
  }
  const legacy = `${utxo.txid.toLowerCase()}:${utxo.vout}`;
  if (form === 'legacy') return legacy;
  const { scriptPubKey, height } = utxo;
  if (scriptPubKey === undefined || height === undefined) {
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      `utxo ${legacy} has no scriptPubKey and height for the extended (neutrino_compat) form`,
    );
  }
  const text = `${legacy}:${scriptPubKey.toLowerCase()}:${height}`;
  // What we write must read back: the same checks as a peer's decoder.
  parseUtxo(text, ErrorCodes.INVALID_ARGUMENT);
  return text;
}
