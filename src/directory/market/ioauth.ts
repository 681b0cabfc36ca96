/**
 * The payloads of a CoinJoin negotiation that carry utxos, and the `!pubkey` features suffix, as
 * joinmarket-ng negotiates `neutrino_compat` with them:
 *
 * ```
 *  taker                                                     maker
 *    !fill <oid> <amount> <taker nacl pub> <commitment>  -->
 *       <--  !pubkey <maker nacl pub> [features=neutrino_compat,...]   (ng makers)
 *    !auth  box(<utxo>|<P>|<P2>|<sig>|<e>)               -->   utxo extended only when the taker
 *                                                               supports it and the maker said so
 *       <--  !ioauth box(<utxo>,<utxo>... <auth_pub> <cj_addr> <change_addr> <btc_sig>)
 *                                                               utxos extended only when the
 *                                                               !auth utxo was (and the maker
 *                                                               supports it)
 * ```
 *
 * So the taker learns the maker's support from its handshake features, the peerlist `F:` suffix
 * or `features=` on `!pubkey`; the maker learns the taker's from the form of the `!auth` utxo.
 * `!fill` carries no features. Where only one side supports it, both write `txid:vout`.
 *
 * These functions read and write the plaintext (the text inside the NaCl box).
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import {
  MAX_ADDRESS_LENGTH,
  MAX_IOAUTH_UTXOS,
  MAX_SIGNATURE_B64_LENGTH,
  NEUTRINO_COMPAT_FEATURE,
} from './constants.js';
import { formatUtxo, parseUtxo, utxoForm, type Utxo, type UtxoForm } from './utxo.js';

/** The `!ioauth` payload: the maker's inputs, its key, its two addresses and its key's signature. */
export interface Ioauth {
  /** The maker's inputs (with `scriptPubKey` and `height` in the extended form). */
  utxos: Utxo[];
  /** Compressed public key (66 hex) of one input, which signed the maker's NaCl key. */
  authPub: string;
  /** The maker's CoinJoin output address. */
  cjAddress: string;
  /** The maker's change address. */
  changeAddress: string;
  /** Base64 signature of the maker's NaCl public key (hex) by `authPub`. */
  btcSig: string;
}

/** A parsed `!ioauth`: the payload and the form its utxos came in. */
export interface ParsedIoauth extends Ioauth {
  form: UtxoForm;
}

/** The `!auth` plaintext: the PoDLE revelation `utxo|P|P2|sig|e`. */
export interface AuthRevelation {
  /** The taker's committed utxo. */
  utxo: Utxo;
  /** The utxo's public key, 33-byte compressed point as hex. */
  P: string;
  /** The NUMS-based second point, 33-byte compressed point as hex. */
  P2: string;
  /** The Schnorr-like proof's `s`, 32 bytes as hex. */
  sig: string;
  /** The proof's challenge `e`, 32 bytes as hex. */
  e: string;
}

/** A parsed `!auth` revelation and the form its utxo came in. */
export interface ParsedAuthRevelation extends AuthRevelation {
  form: UtxoForm;
}

const POINT = /^0[23][0-9a-fA-F]{64}$/;
const SCALAR = /^[0-9a-fA-F]{64}$/;
const ADDRESS = new RegExp(`^[a-zA-Z0-9]{14,${MAX_ADDRESS_LENGTH}}$`);
const BASE64 = new RegExp(`^[A-Za-z0-9+/]{4,${MAX_SIGNATURE_B64_LENGTH}}={0,2}$`);
/** Longest `!ioauth` plaintext: every field at its bound. */
const MAX_IOAUTH_LENGTH = MAX_IOAUTH_UTXOS * 288 + 66 + 2 * MAX_ADDRESS_LENGTH + MAX_SIGNATURE_B64_LENGTH + 8;
/** Longest `!auth` plaintext. */
const MAX_AUTH_LENGTH = 288 + 2 * 66 + 2 * 64 + 4;

function invalid(what: string, details: Record<string, unknown> = {}): PeerwayError {
  return new PeerwayError(ErrorCodes.ORDERBOOK_COINJOIN_INVALID, what, { details });
}

function mismatch(what: string, expected: UtxoForm, got: UtxoForm): PeerwayError {
  return new PeerwayError(
    ErrorCodes.ORDERBOOK_UTXO_FORM_MISMATCH,
    `${what} came in the ${got} utxo form, but the ${expected} form was negotiated`,
    { details: { expected, got } },
  );
}

/** Options of {@link parseIoauth}. */
export interface ParseIoauthOptions {
  /** The form negotiated with this maker; the other one is refused. @default either is accepted */
  expect?: UtxoForm;
  /** Most utxos accepted. @default 100 */
  maxUtxos?: number;
}

/**
 * Reads a decrypted `!ioauth`: `<utxos> <auth_pub> <cj_addr> <change_addr> <btc_sig>`, the utxos
 * comma-separated, all in one form, none repeated.
 *
 * @throws PeerwayError ERR_ORDERBOOK_COINJOIN_INVALID for a malformed payload (field count, a bad
 *   utxo, mixed forms, a repeated outpoint, too many utxos, a bad key, address or signature);
 *   ERR_ORDERBOOK_UTXO_FORM_MISMATCH when `expect` is given and the utxos use the other form.
 */
export function parseIoauth(text: string, options: ParseIoauthOptions = {}): ParsedIoauth {
  const maxUtxos = options.maxUtxos ?? MAX_IOAUTH_UTXOS;
  if (text.length > MAX_IOAUTH_LENGTH) invalidThrow('ioauth is too long', { length: text.length });
  const fields = text.trim().split(' ');
  if (fields.length !== 5) invalidThrow('ioauth needs 5 space-separated fields', { fields: fields.length });
  const [list, authPub, cjAddress, changeAddress, btcSig] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  const items = list.split(',');
  if (items.length > maxUtxos)
    invalidThrow('ioauth lists too many utxos', { utxos: items.length, max: maxUtxos });
  const utxos = items.map((item) => parseUtxo(item));
  const forms = new Set(utxos.map(utxoForm));
  if (forms.size !== 1) invalidThrow('ioauth mixes legacy and extended utxos');
  const seen = new Set<string>();
  for (const u of utxos) {
    const key = `${u.txid}:${u.vout}`;
    if (seen.has(key)) invalidThrow('ioauth lists an outpoint twice', { utxo: key });
    seen.add(key);
  }
  if (!POINT.test(authPub)) invalidThrow('ioauth auth_pub is not a compressed public key');
  if (!ADDRESS.test(cjAddress)) invalidThrow('ioauth cj_addr is not an address');
  if (!ADDRESS.test(changeAddress)) invalidThrow('ioauth change_addr is not an address');
  if (!BASE64.test(btcSig)) invalidThrow('ioauth btc_sig is not base64');
  const form = utxoForm(utxos[0]!);
  if (options.expect !== undefined && form !== options.expect) throw mismatch('ioauth', options.expect, form);
  return { utxos, authPub: authPub.toLowerCase(), cjAddress, changeAddress, btcSig, form };
}

function invalidThrow(what: string, details?: Record<string, unknown>): never {
  throw invalid(what, details);
}

/**
 * Writes an `!ioauth` plaintext with every utxo in `form` (the maker side; decide the form with
 * {@link ioauthFormFor}).
 *
 * @throws PeerwayError ERR_INVALID_ARGUMENT when a field would not pass {@link parseIoauth}, or the
 *   extended form is asked of a utxo without its script and height.
 */
export function formatIoauth(ioauth: Ioauth, form: UtxoForm): string {
  if (ioauth.utxos.length === 0) throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'ioauth needs a utxo');
  const text = [
    ioauth.utxos.map((u) => formatUtxo(u, form)).join(','),
    ioauth.authPub,
    ioauth.cjAddress,
    ioauth.changeAddress,
    ioauth.btcSig,
  ].join(' ');
  try {
    parseIoauth(text, { expect: form, maxUtxos: Number.MAX_SAFE_INTEGER });
  } catch (err) {
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      `cannot write this ioauth: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return text;
}

/**
 * The utxo form of the maker's `!ioauth`, as a joinmarket-ng maker decides it: extended when the
 * taker's `!auth` utxo was extended (the taker's only signal that it reads the form) and the
 * maker supports `neutrino_compat`; legacy otherwise, so a reference taker always gets `txid:vout`.
 */
export function ioauthFormFor(auth: { form: UtxoForm }, makerNeutrinoCompat: boolean): UtxoForm {
  return makerNeutrinoCompat && auth.form === 'extended' ? 'extended' : 'legacy';
}

/**
 * Reads a decrypted `!auth` revelation `utxo|P|P2|sig|e` (the utxo in either form).
 *
 * @throws PeerwayError ERR_ORDERBOOK_COINJOIN_INVALID for anything else.
 */
export function parseAuthRevelation(text: string): ParsedAuthRevelation {
  if (text.length > MAX_AUTH_LENGTH) invalidThrow('auth revelation is too long', { length: text.length });
  const parts = text.trim().split('|');
  if (parts.length !== 5)
    invalidThrow('auth revelation needs 5 |-separated fields', { fields: parts.length });
  const [utxoText, P, P2, sig, e] = parts as [string, string, string, string, string];
  const utxo = parseUtxo(utxoText);
  if (!POINT.test(P) || !POINT.test(P2)) invalidThrow('auth revelation P or P2 is not a compressed point');
  if (!SCALAR.test(sig) || !SCALAR.test(e)) invalidThrow('auth revelation sig or e is not 32 bytes of hex');
  return {
    utxo,
    P: P.toLowerCase(),
    P2: P2.toLowerCase(),
    sig: sig.toLowerCase(),
    e: e.toLowerCase(),
    form: utxoForm(utxo),
  };
}

/**
 * Writes an `!auth` revelation with its utxo in `form` (the taker side: extended only to a maker
 * that supports `neutrino_compat`, when we do too).
 *
 * @throws PeerwayError ERR_INVALID_ARGUMENT when a field would not pass {@link parseAuthRevelation}.
 */
export function formatAuthRevelation(revelation: AuthRevelation, form: UtxoForm): string {
  const text = [
    formatUtxo(revelation.utxo, form),
    revelation.P,
    revelation.P2,
    revelation.sig,
    revelation.e,
  ].join('|');
  try {
    parseAuthRevelation(text);
  } catch (err) {
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      `cannot write this revelation: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return text;
}

/** What a `!pubkey` carries: the maker's NaCl key and, from joinmarket-ng makers, its features. */
export interface PubkeyMessage {
  /** The maker's NaCl public key as hex. */
  naclPub: string;
  /** Feature names after `features=` (empty when none). */
  features: string[];
}

const FEATURE_NAME = /^[a-z0-9_]{1,40}$/;
/** Most feature names read from one `!pubkey` (a handful exist). */
const MAX_PUBKEY_FEATURES = 16;

/**
 * Reads `!pubkey` data: `<nacl_pub_hex> [features=a,b]` (joinmarket-ng appends the features;
 * the reference sends the key alone). Unknown words are ignored as ng ignores them; feature
 * names outside `[a-z0-9_]` are dropped.
 *
 * @throws PeerwayError ERR_ORDERBOOK_COINJOIN_INVALID when the key is not 32 bytes of hex.
 */
export function parsePubkeyMessage(data: string): PubkeyMessage {
  if (data.length > 1_000) invalidThrow('pubkey message is too long', { length: data.length });
  const [naclPub = '', ...rest] = data.trim().split(' ');
  if (!SCALAR.test(naclPub)) invalidThrow('pubkey is not 32 bytes of hex');
  const suffix = rest.find((w) => w.startsWith('features='));
  const features =
    suffix === undefined
      ? []
      : suffix
          .slice('features='.length)
          .split(',')
          .filter((f) => FEATURE_NAME.test(f))
          .slice(0, MAX_PUBKEY_FEATURES);
  return { naclPub: naclPub.toLowerCase(), features };
}

/**
 * Writes `!pubkey` data as a joinmarket-ng maker does: the key, then ` features=a,b` when there
 * are any (a maker that supports `neutrino_compat` names it here).
 */
export function formatPubkeyMessage(naclPub: string, features: readonly string[] = []): string {
  if (!SCALAR.test(naclPub)) throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'a NaCl key is 64 hex');
  const names = features.filter((f) => FEATURE_NAME.test(f));
  return names.length === 0 ? naclPub : `${naclPub} features=${names.join(',')}`;
}

/** True when a feature list names `neutrino_compat`. */
export function hasNeutrinoCompat(features: Iterable<string>): boolean {
  for (const f of features) if (f === NEUTRINO_COMPAT_FEATURE) return true;
  return false;
}
