/**
 * Every limit and default of the orderbook layer, with where it comes from.
 *
 * @module
 */

/** Offer commands on native segwit (the ones makers run today). */
export const SW0_OFFER_TYPES = ['sw0reloffer', 'sw0absoffer'] as const;
/** Every offer command the reference knows (`offername_list` in its protocol module). */
export const OFFER_TYPES = [
  'sw0reloffer',
  'sw0absoffer',
  'swreloffer',
  'swabsoffer',
  'reloffer',
  'absoffer',
] as const;

/**
 * 21e14 sats: the largest minsize, maxsize and txfee the reference orderbook accepts
 * (21 million coins; bounds in its `on_order_seen`).
 */
export const MAX_SATS = 21 * 10 ** 14;

/**
 * Largest order id we accept. The reference allows up to `sys.maxsize` (2^63 - 1); we stop at
 * Number.MAX_SAFE_INTEGER so an oid is always an exact JavaScript number. Real makers count from 0.
 */
export const MAX_OID = Number.MAX_SAFE_INTEGER;

/** Longest single numeric field we parse (a 21e14 amount has 16 digits; fees with exponents fewer). */
export const MAX_NUMBER_FIELD_LENGTH = 40;

/**
 * 40,000 bytes: the reference directory's line limit (`MAX_LENGTH` of its line receiver). A chained
 * message body can never be longer than the line that carries it.
 */
export const MAX_MESSAGE_LENGTH = 40_000;

/** Most chained commands we look at in one message (a maker with 300 offers is already unusual). */
export const MAX_COMMANDS_PER_MESSAGE = 1_000;

/** Size of a decoded `!tbond` proof: 72 + 72 + 33 + 2 + 33 + 32 + 4 + 4 (reference `FidelityBondProof`). */
export const BOND_PROOF_LENGTH = 252;
/** DER signatures in the proof are left-padded with 0xff to this width. */
export const BOND_SIGNATURE_FIELD = 72;
/** Padding byte in front of a short DER signature inside the proof. */
export const BOND_SIGNATURE_PAD = 0xff;
/** Prefix of the certificate message the bond's utxo key signs. */
export const BOND_CERT_PREFIX = 'fidelity-bond-cert|';

/** The four commands whose payload is NaCl-box encrypted (reference `encrypted_commands`). */
export const ENCRYPTED_COMMANDS = ['auth', 'ioauth', 'tx', 'sig'] as const;
/** Length of a NaCl box nonce (XSalsa20), prepended to every ciphertext. */
export const NONCE_LENGTH = 24;
/** Length of a NaCl box authenticator (Poly1305). */
export const BOX_OVERHEAD = 16;
/** Length of an X25519 public key. */
export const PUBLIC_KEY_LENGTH = 32;
/** Length of an X25519 secret key (a scalar; RFC 7748). */
export const SECRET_KEY_LENGTH = 32;
/** Longest base64 ciphertext we decode: one line's worth (see {@link MAX_MESSAGE_LENGTH}). */
export const MAX_CIPHERTEXT_B64_LENGTH = MAX_MESSAGE_LENGTH;

/** `fetchOrderbook` ceiling: 120 s covers the measured Tor reply latency (p99 about 115 s, joinmarket-ng). */
export const DEFAULT_ORDERBOOK_TIMEOUT_MS = 120_000;
/** `fetchOrderbook` never stops early before this (joinmarket-ng `min_wait`). */
export const DEFAULT_ORDERBOOK_MIN_WAIT_MS = 30_000;
/** `fetchOrderbook` stops early once no new offer arrived for this long (joinmarket-ng `quiet_period`). */
export const DEFAULT_ORDERBOOK_QUIET_PERIOD_MS = 15_000;
/** Most (counterparty, oid) entries one collection holds; further new offers are dropped and counted. */
export const MAX_ORDERBOOK_ENTRIES = 100_000;

/** `waitForResponses` default timeout: the reference `maker_timeout_sec`. */
export const DEFAULT_RESPONSE_TIMEOUT_MS = 60_000;
/** Most `!sig` messages one maker may contribute to a single wait (a bound, far above real input counts). */
export const MAX_SIGS_PER_MAKER = 1_000;

/** Most nicks the tracker follows; joins beyond it are dropped and counted. */
export const MAX_TRACKED_NICKS = 100_000;

/** Channel name of a direct peer link. */
export const DIRECT_CHANNEL = 'direct';
/** Prefix of a directory channel name: `directory:<host:port>`. */
export const DIRECTORY_CHANNEL_PREFIX = 'directory:';

/** Maker-side duplicate window: joinmarket-ng's `MessageDeduplicator` remembers requests 30 s. */
export const DEFAULT_DEDUP_WINDOW_MS = 30_000;
/** Most request fingerprints a maker remembers. */
export const MAX_DEDUP_ENTRIES = 10_000;

/** Verified privmsgs kept for a wait that starts just after they arrived (a bound, not a protocol value). */
export const INBOX_MAX_MESSAGES = 1_000;
/** How long such a privmsg is kept: the reference `maker_timeout_sec`. */
export const INBOX_MAX_AGE_MS = 60_000;

/** Takers whose reply channel a maker remembers, most recent kept (ours). */
export const MAX_TAKER_CHANNELS = 10_000;

/** Maker locations a taker remembers from peerlists (the orderbook layer's nick bound). */
export const MAX_KNOWN_LOCATIONS = 100_000;

/** Most concurrent encryption sessions (one per counterparty of a CoinJoin; ours). */
export const MAX_ENCRYPTION_SESSIONS = 1_000;

/** `OrderbookWatcher`: pause between the end of one collection and the next (ours). */
export const DEFAULT_WATCH_REFRESH_INTERVAL_MS = 60_000;
/** `OrderbookWatcher`: collections an offer may miss in a row before it is removed (ours: one missed answer over Tor is common). */
export const DEFAULT_WATCH_MISSING_REFRESHES = 2;
/** `OrderbookWatcher`: how often disconnected directories are redialled (ours). */
export const DEFAULT_WATCH_RECONNECT_INTERVAL_MS = 30_000;
/**
 * Maker side: each taker's `!orderbook` is answered at most once per 10 s (joinmarket-ng's
 * `DEFAULT_ORDERBOOK_RATE_INTERVAL`, one response per peer per interval).
 */
export const DEFAULT_ORDERBOOK_ANSWER_INTERVAL_MS = 10_000;

/** Fidelity bonds: yearly interest rate (reference `[POLICY] interest_rate` default, `_DEFAULT_INTEREST_RATE`). */
export const BOND_INTEREST_RATE = 0.015;
/** Fidelity bonds: exponent on the time value (reference `[POLICY] bond_value_exponent` default). */
export const BOND_VALUE_EXPONENT = 1.3;
/** Fidelity bonds: the year the formula counts in, 365.2425 days (the reference's `YEAR`). */
export const GREGORIAN_YEAR_SECONDS = 60 * 60 * 24 * 365.2425;
/** Fidelity bonds: a certificate expiry counts in retarget periods of this many blocks (reference `RETARGET_INTERVAL`). */
export const BOND_RETARGET_INTERVAL = 2016;
/** Bond look-ups a chain view runs at once (ours: keeps one Electrum connection's queue short). */
export const BOND_LOOKUP_CONCURRENCY = 8;

/** Prefix of a maker's isolation categories (`maker-directory`, `maker-peer`): a taker's differ. */
export const MAKER_ISOLATION_PREFIX = 'maker-';
/** The `neutrino_compat` feature: utxos in `!auth` and `!ioauth` carry `:scriptpubkey:height` (joinmarket-ng). */
export const NEUTRINO_COMPAT_FEATURE = 'neutrino_compat';
/**
 * Longest scriptPubKey in an extended utxo, in hex characters: joinmarket-ng's
 * `is_valid_scriptpubkey` bound (real ones are 44 to 68).
 */
export const MAX_SCRIPT_PUBKEY_HEX = 200;
/** Shortest scriptPubKey in an extended utxo, in hex characters (joinmarket-ng's bound). */
export const MIN_SCRIPT_PUBKEY_HEX = 4;
/** Largest vout: a Bitcoin output index is a u32 (joinmarket-ng's `UTXOMetadata` check). */
export const MAX_VOUT = 0xffff_ffff;
/** Largest block height we accept in an extended utxo (a u32, far above any real height). */
export const MAX_BLOCK_HEIGHT = 0xffff_ffff;
/**
 * Most utxos one `!ioauth` may list: a bound for the decoder, above joinmarket-ng's taker policy
 * (`max_maker_utxos`, 15 by default), which a CoinJoin flow applies on top.
 */
export const MAX_IOAUTH_UTXOS = 100;
/** Longest address field in `!ioauth` (bech32 allows 90 characters). */
export const MAX_ADDRESS_LENGTH = 90;
/** Longest base64 signature field (`btc_sig`; a DER signature is at most 72 bytes, 96 in base64). */
export const MAX_SIGNATURE_B64_LENGTH = 200;
