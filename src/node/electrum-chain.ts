/**
 * The chain view fidelity-bond checks need (`BondChain`), over one Electrum server connection:
 *
 * ```
 *  tip          blockchain.headers.subscribe            -> height; blockchain.block.headers
 *                                                          (last 11) -> median time past
 *  lookupOutput blockchain.scripthash.listunspent(sh)   -> unspent: value, height
 *               else blockchain.transaction.get(txid)   -> the output's script: spent, or
 *                                                          listunspent of that script (mismatch)
 *  blockTime    blockchain.block.header(height)         -> timestamp (bytes 68..72)
 * ```
 * Every reply is checked before use (a malformed one is ERR_ORDERBOOK_CHAIN_BAD_REPLY); the
 * connection is opened on first use and again after it fails.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { ErrorCodes, PeerwayError, silentLogger, type AbortOptions, type Logger } from '../core/index.js';
import type { BondChain, ChainOutput, ChainTip } from '../directory/index.js';
import { ElectrumClient, type DialTarget, type SocksProxy } from '../discovery/index.js';

/** Options for {@link ElectrumChain}. */
export interface ElectrumChainInit extends DialTarget {
  /** SOCKS5 proxy (needed for onion servers). @default undefined (direct) */
  proxy?: SocksProxy;
  /** Connect deadline. @default 30000 */
  connectTimeout?: number;
  /** Per-request deadline. @default 30000 */
  requestTimeout?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** Longest raw transaction we parse (hex characters): 4 MB of weight is 4 MB of bytes at most. */
const MAX_TX_HEX = 8_000_000;
/** Most entries of a listunspent answer we look at (one script rarely holds more than a few). */
const MAX_UNSPENT_ENTRIES = 10_000;
/** Block times remembered (heights never change their block on a chain that does not reorg deeply). */
const MAX_BLOCK_TIMES = 10_000;
/** Headers over which the median time past is taken (consensus rule). */
const MEDIAN_TIME_SPAN = 11;
const HEADER_HEX = 160;
const DEFAULT_TIMEOUT_MS = 30_000;

function bad(what: string): PeerwayError {
  return new PeerwayError(ErrorCodes.ORDERBOOK_CHAIN_BAD_REPLY, `electrum: malformed ${what}`);
}

/** The Electrum script hash: sha256 of the output script, bytes reversed, hex. */
export function electrumScriptHash(script: Uint8Array): string {
  return Buffer.from(createHash('sha256').update(script).digest()).reverse().toString('hex');
}

function headerTime(hex: unknown): number {
  if (typeof hex !== 'string' || hex.length !== HEADER_HEX || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw bad('block header');
  }
  return Buffer.from(hex, 'hex').readUInt32LE(68);
}

/** Reads the output at `vout` of a raw transaction (with or without witness data). */
export function transactionOutput(
  rawHex: string,
  vout: number,
): { value: number; script: string } | undefined {
  if (rawHex.length > MAX_TX_HEX || rawHex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(rawHex)) {
    throw bad('transaction');
  }
  const b = Buffer.from(rawHex, 'hex');
  let at = 4;
  const need = (n: number): void => {
    if (at + n > b.length) throw bad('transaction');
  };
  const varint = (): number => {
    need(1);
    const first = b[at]!;
    at += 1;
    if (first < 0xfd) return first;
    const size = first === 0xfd ? 2 : first === 0xfe ? 4 : 8;
    need(size);
    const v =
      size === 2 ? b.readUInt16LE(at) : size === 4 ? b.readUInt32LE(at) : Number(b.readBigUInt64LE(at));
    at += size;
    if (v > b.length) throw bad('transaction');
    return v;
  };
  need(2);
  // BIP 144: a zero input count followed by flag 1 marks witness data.
  if (b[at] === 0 && b[at + 1] === 1) at += 2;
  const inputs = varint();
  for (let i = 0; i < inputs; i++) {
    need(36);
    at += 36;
    const scriptLength = varint();
    need(scriptLength + 4);
    at += scriptLength + 4;
  }
  const outputs = varint();
  for (let i = 0; i < outputs; i++) {
    need(8);
    const value = Number(b.readBigUInt64LE(at));
    at += 8;
    const scriptLength = varint();
    need(scriptLength);
    if (i === vout) return { value, script: b.subarray(at, at + scriptLength).toString('hex') };
    at += scriptLength;
  }
  return undefined;
}

interface Unspent {
  tx_hash: string;
  tx_pos: number;
  height: number;
  value: number;
}

function parseUnspent(result: unknown): Unspent[] {
  if (!Array.isArray(result) || result.length > MAX_UNSPENT_ENTRIES) throw bad('listunspent');
  return result.map((e: unknown) => {
    const u = e as Partial<Unspent> | null;
    if (
      u === null ||
      typeof u !== 'object' ||
      typeof u.tx_hash !== 'string' ||
      !Number.isSafeInteger(u.tx_pos) ||
      !Number.isSafeInteger(u.height) ||
      !Number.isSafeInteger(u.value) ||
      u.value! < 0
    ) {
      throw bad('listunspent entry');
    }
    return u as Unspent;
  });
}

/**
 * A {@link BondChain} over an Electrum server.
 *
 * @example
 * ```ts
 * const chain = new ElectrumChain({ host: '127.0.0.1', port: 50001, transport: 'tcp' });
 * const watcher = new OrderbookWatcher({ taker, bonds: new ChainBondAssessor({ chain }) });
 * await chain.close();
 * ```
 */
export class ElectrumChain implements BondChain {
  readonly #init: ElectrumChainInit;
  readonly #logger: Logger;
  readonly #times = new Map<number, number>();
  #client: Promise<ElectrumClient> | undefined;
  #closed = false;

  constructor(init: ElectrumChainInit) {
    this.#init = init;
    this.#logger = init.logger ?? silentLogger;
  }

  /** The tip's height and median time past. */
  async tip(options: AbortOptions = {}): Promise<ChainTip> {
    const head = (await this.#request('blockchain.headers.subscribe', [], options)) as {
      height?: unknown;
      hex?: unknown;
    } | null;
    if (
      head === null ||
      typeof head !== 'object' ||
      !Number.isSafeInteger(head.height) ||
      (head.height as number) < 0
    ) {
      throw bad('headers.subscribe');
    }
    const height = head.height as number;
    const start = Math.max(0, height - MEDIAN_TIME_SPAN + 1);
    const count = height - start + 1;
    const span = (await this.#request('blockchain.block.headers', [start, count], options)) as {
      hex?: unknown;
      count?: unknown;
    } | null;
    if (
      span === null ||
      typeof span !== 'object' ||
      span.count !== count ||
      typeof span.hex !== 'string' ||
      span.hex.length !== count * HEADER_HEX
    ) {
      throw bad('block.headers');
    }
    const hex = span.hex;
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(headerTime(hex.slice(i * HEADER_HEX, (i + 1) * HEADER_HEX)));
    times.sort((a, b) => a - b);
    return { height, medianTime: times[Math.floor(times.length / 2)]! };
  }

  /** Finds `txid:vout` among the unspent outputs of its expected script, else looks at the transaction. */
  async lookupOutput(
    outpoint: { txid: string; vout: number },
    expectedScript: Uint8Array,
    options: AbortOptions = {},
  ): Promise<ChainOutput> {
    const txid = outpoint.txid.toLowerCase();
    const expectedHex = Buffer.from(expectedScript).toString('hex');
    const hit = await this.#unspentAt(expectedHex, txid, outpoint.vout, options);
    if (hit !== undefined) return hit;
    let raw: unknown;
    try {
      raw = await this.#request('blockchain.transaction.get', [txid], options);
    } catch (err) {
      // The server answers an unknown transaction with an error reply.
      if (err instanceof PeerwayError && err.code === ErrorCodes.DISCOVERY_RPC_ERROR)
        return { state: 'missing' };
      throw err;
    }
    if (typeof raw !== 'string') throw bad('transaction.get');
    const output = transactionOutput(raw, outpoint.vout);
    if (output === undefined) return { state: 'missing' };
    if (output.script === expectedHex) return { state: 'spent' };
    return (await this.#unspentAt(output.script, txid, outpoint.vout, options)) ?? { state: 'spent' };
  }

  /** The timestamp of the block at `height` (remembered). */
  async blockTime(height: number, options: AbortOptions = {}): Promise<number> {
    const known = this.#times.get(height);
    if (known !== undefined) return known;
    const time = headerTime(await this.#request('blockchain.block.header', [height], options));
    if (this.#times.size >= MAX_BLOCK_TIMES) this.#times.delete(this.#times.keys().next().value!);
    this.#times.set(height, time);
    return time;
  }

  /** Closes the connection; later calls fail with ERR_CLOSED. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.then((c) => c.close()).catch(() => undefined);
  }

  async #unspentAt(
    scriptHex: string,
    txid: string,
    vout: number,
    options: AbortOptions,
  ): Promise<ChainOutput | undefined> {
    const sh = electrumScriptHash(Buffer.from(scriptHex, 'hex'));
    const list = parseUnspent(await this.#request('blockchain.scripthash.listunspent', [sh], options));
    const u = list.find((e) => e.tx_hash.toLowerCase() === txid && e.tx_pos === vout);
    if (u === undefined) return undefined;
    return { state: 'unspent', value: u.value, script: scriptHex, height: u.height };
  }

  async #request(method: string, params: unknown[], options: AbortOptions): Promise<unknown> {
    const client = await this.#connect(options);
    try {
      return await client.rpc.request(method, params, {
        ...options,
        timeout: this.#init.requestTimeout ?? DEFAULT_TIMEOUT_MS,
      });
    } catch (err) {
      // A reply the server sent is an answer; anything else means the connection is suspect.
      if (!(err instanceof PeerwayError && err.code === ErrorCodes.DISCOVERY_RPC_ERROR)) this.#drop(client);
      throw err;
    }
  }

  #connect(options: AbortOptions): Promise<ElectrumClient> {
    if (this.#closed) return Promise.reject(new PeerwayError(ErrorCodes.CLOSED, 'electrum chain closed'));
    if (this.#client !== undefined) return this.#client;
    const { host, port, transport, proxy, connectTimeout } = this.#init;
    const connecting = (async () => {
      const client = await ElectrumClient.connect({
        host,
        port,
        transport,
        proxy,
        connectTimeout: connectTimeout ?? DEFAULT_TIMEOUT_MS,
        requestTimeout: this.#init.requestTimeout ?? DEFAULT_TIMEOUT_MS,
        logger: this.#logger,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      try {
        await client.version(undefined, undefined, options);
      } catch (err) {
        await client.close();
        throw err;
      }
      client.rpc.once('close', () => this.#drop(client));
      return client;
    })();
    this.#client = connecting;
    connecting.catch(() => {
      if (this.#client === connecting) this.#client = undefined;
    });
    return connecting;
  }

  #drop(client: ElectrumClient): void {
    void this.#client?.then((c) => {
      if (c !== client) return;
      this.#client = undefined;
      void c.close();
    });
  }
}
