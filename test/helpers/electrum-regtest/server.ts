/**
 * An Electrum protocol server (JSON-RPC over newline-framed TCP, optionally TLS) answering from a
 * {@link RegtestChain}: enough of the protocol for the Electrum wallet to connect and sync headers,
 * and for a client to find, fetch and watch outputs by script hash.
 */
import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { createCertificate } from '../../../src/transport/certificate.js';
import { REGTEST_GENESIS_HASH, type RegtestChain } from './chain.js';

/** The longest request line accepted; longer lines are dropped as ElectrumX does. */
export const MAX_LINE_BYTES = 1_000_000;
/** Most headers one `blockchain.block.headers` call returns. */
const MAX_HEADERS = 2016;
/** Protocol range served. */
const PROTOCOL_MIN = '1.4';
const PROTOCOL_MAX = '1.4.2';

/** A JSON-RPC error the server answers with. */
export class RpcFailure extends Error {
  constructor(
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** One request as the server saw it, for tests that check what a client (or a forwarder) sent. */
export interface SeenRequest {
  method: string;
  params: unknown;
  session: number;
}

/** Options for {@link ElectrumRegtestServer}. */
export interface ElectrumRegtestServerInit {
  chain: RegtestChain;
  /** Listening host. @default '127.0.0.1' */
  host?: string;
  /** Also listen with TLS (self-signed P-256 certificate). @default false */
  ssl?: boolean;
  /** `server.version`'s software name. @default 'ElectrumX 1.16.0' */
  software?: string;
  /** `server.banner`. @default 'regtest' */
  banner?: string;
  /** `server.peers.subscribe`'s answer. @default [] */
  peers?: [string, string, string[]][];
  /** Extra `server.features` keys (e.g. `hosts`). */
  features?: Record<string, unknown>;
  /** `blockchain.estimatefee`'s answer in BTC/kB. @default 0.0001 */
  feeRate?: number;
}

function parseVersion(v: unknown): number[] | undefined {
  if (typeof v !== 'string' || !/^\d+(\.\d+){0,3}$/.test(v)) return undefined;
  return v.split('.').map(Number);
}

function cmp(a: number[], b: number[]): number {
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    const d = (a[k] ?? -1) - (b[k] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function nonNegInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    throw new RpcFailure(-32602, `${name} must be a non-negative integer`);
  return v;
}

function hexArg(v: unknown, name: string, bytes?: number): string {
  if (
    typeof v !== 'string' ||
    !/^([0-9a-fA-F]{2})*$/.test(v) ||
    (bytes !== undefined && v.length !== bytes * 2)
  ) {
    throw new RpcFailure(-32602, `${name} must be hex${bytes === undefined ? '' : ` of ${bytes} bytes`}`);
  }
  return v.toLowerCase();
}

/** The server: call {@link start}, read `tcpPort`/`sslPort`, {@link stop} when done. */
export class ElectrumRegtestServer {
  readonly chain: RegtestChain;
  /** Every request received, in order (bounded to the last 10,000). */
  readonly requests: SeenRequest[] = [];
  /** Open client sessions. */
  sessions = 0;
  tcpPort = 0;
  sslPort: number | undefined;
  private readonly init: ElectrumRegtestServerInit;
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private nextSession = 1;
  private readonly detach: (() => void)[] = [];

  constructor(init: ElectrumRegtestServerInit) {
    this.init = init;
    this.chain = init.chain;
  }

  /** `tcp://host:port`, as a backend URL. */
  get tcpUrl(): string {
    return `tcp://${this.init.host ?? '127.0.0.1'}:${this.tcpPort}`;
  }

  /** `ssl://host:port` when TLS is on. */
  get sslUrl(): string | undefined {
    return this.sslPort === undefined ? undefined : `ssl://${this.init.host ?? '127.0.0.1'}:${this.sslPort}`;
  }

  async start(): Promise<void> {
    const host = this.init.host ?? '127.0.0.1';
    const plain = net.createServer((s) => this.accept(s));
    plain.listen(0, host);
    await once(plain, 'listening');
    this.servers.push(plain);
    this.tcpPort = (plain.address() as net.AddressInfo).port;
    if (this.init.ssl === true) {
      const cert = createCertificate({ hosts: [host] });
      const secure = tls.createServer({ key: cert.key, cert: cert.cert }, (s) => this.accept(s));
      secure.listen(0, host);
      await once(secure, 'listening');
      this.servers.push(secure);
      this.sslPort = (secure.address() as net.AddressInfo).port;
    }
  }

  async stop(): Promise<void> {
    for (const d of this.detach.splice(0)) d();
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.servers.length = 0;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private accept(socket: net.Socket): void {
    const session = this.nextSession++;
    this.sockets.add(socket);
    this.sessions++;
    socket.setNoDelay(true);
    let buffered = '';
    let dropping = false;
    let versioned = false;
    let headersSub = false;
    const scripthashSubs = new Set<string>();
    const send = (msg: unknown): void => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(msg)}\n`);
    };
    const onBlock = (height: number): void => {
      if (!headersSub) return;
      const hex = this.chain.header(height)!.toString('hex');
      send({ jsonrpc: '2.0', method: 'blockchain.headers.subscribe', params: [{ height, hex }] });
    };
    const onScripthash = (sh: string): void => {
      if (!scripthashSubs.has(sh)) return;
      send({
        jsonrpc: '2.0',
        method: 'blockchain.scripthash.subscribe',
        params: [sh, this.chain.status(sh)],
      });
    };
    this.chain.on('block', onBlock);
    this.chain.on('scripthash', onScripthash);
    const cleanup = (): void => {
      this.chain.off('block', onBlock);
      this.chain.off('scripthash', onScripthash);
    };
    this.detach.push(cleanup);
    socket.once('close', () => {
      cleanup();
      this.sockets.delete(socket);
      this.sessions--;
    });
    socket.on('error', () => socket.destroy());
    const handle = (req: unknown): unknown => {
      if (typeof req !== 'object' || req === null || Array.isArray(req)) {
        return { jsonrpc: '2.0', error: { code: -32600, message: 'invalid request' }, id: null };
      }
      const r = req as { method?: unknown; params?: unknown; id?: unknown };
      const id = r.id ?? null;
      if (typeof r.method !== 'string') {
        return { jsonrpc: '2.0', error: { code: -32600, message: 'missing method' }, id };
      }
      const params = r.params === undefined ? [] : r.params;
      if (this.requests.length >= 10_000) this.requests.shift();
      this.requests.push({ method: r.method, params, session });
      try {
        if (!Array.isArray(params)) throw new RpcFailure(-32602, 'params must be a list');
        let result: unknown;
        if (r.method === 'server.version') {
          if (versioned) throw new RpcFailure(1, 'server.version already sent');
          versioned = true;
          result = [this.init.software ?? 'ElectrumX 1.16.0', this.negotiate(params[1])];
        } else if (r.method === 'blockchain.headers.subscribe') {
          headersSub = true;
          result = { height: this.chain.height, hex: this.chain.header(this.chain.height)!.toString('hex') };
        } else if (r.method === 'blockchain.scripthash.subscribe') {
          const sh = hexArg(params[0], 'scripthash', 32);
          scripthashSubs.add(sh);
          result = this.chain.status(sh);
        } else if (r.method === 'blockchain.scripthash.unsubscribe') {
          result = scripthashSubs.delete(hexArg(params[0], 'scripthash', 32));
        } else {
          result = this.answer(r.method, params);
        }
        return { jsonrpc: '2.0', result, id };
      } catch (e) {
        if (e instanceof RpcFailure)
          return { jsonrpc: '2.0', error: { code: e.rpcCode, message: e.message }, id };
        return { jsonrpc: '2.0', error: { code: -32603, message: String(e) }, id };
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (dropping) {
          dropping = false;
          continue;
        }
        if (line.trim() === '') continue;
        let msg: unknown;
        try {
          msg = JSON.parse(line);
        } catch {
          send({ jsonrpc: '2.0', error: { code: -32700, message: 'invalid JSON' }, id: null });
          continue;
        }
        if (Array.isArray(msg)) {
          if (msg.length === 0)
            send({ jsonrpc: '2.0', error: { code: -32600, message: 'empty batch' }, id: null });
          else send(msg.map(handle));
        } else {
          const reply = handle(msg);
          const isNotification = typeof msg === 'object' && msg !== null && !('id' in msg);
          if (!isNotification) send(reply);
        }
      }
      if (buffered.length > MAX_LINE_BYTES) {
        buffered = '';
        dropping = true;
      }
    });
  }

  private negotiate(requested: unknown): string {
    let min: number[] | undefined;
    let max: number[] | undefined;
    let exact: string | undefined;
    if (requested === undefined) {
      return PROTOCOL_MIN;
    } else if (typeof requested === 'string') {
      min = max = parseVersion(requested);
      exact = requested;
    } else if (Array.isArray(requested) && requested.length === 2) {
      min = parseVersion(requested[0]);
      max = parseVersion(requested[1]);
    }
    if (min === undefined || max === undefined)
      throw new RpcFailure(1, `unsupported protocol version: ${JSON.stringify(requested)}`);
    const smin = parseVersion(PROTOCOL_MIN)!;
    const smax = parseVersion(PROTOCOL_MAX)!;
    const chosen = cmp(max, smax) < 0 ? max : smax;
    if (cmp(chosen, min) < 0 || cmp(chosen, smin) < 0) {
      throw new RpcFailure(1, `unsupported protocol version: ${JSON.stringify(requested)}`);
    }
    return exact ?? chosen.join('.');
  }

  /** The server's own `server.features`. */
  features(): Record<string, unknown> {
    return {
      hosts: {},
      pruning: null,
      server_version: this.init.software ?? 'ElectrumX 1.16.0',
      protocol_min: PROTOCOL_MIN,
      protocol_max: PROTOCOL_MAX,
      genesis_hash: REGTEST_GENESIS_HASH,
      hash_function: 'sha256',
      ...this.init.features,
    };
  }

  private answer(method: string, params: unknown[]): unknown {
    const chain = this.chain;
    switch (method) {
      case 'server.ping':
        return null;
      case 'server.features':
        return this.features();
      case 'server.banner':
        return this.init.banner ?? 'regtest';
      case 'server.donation_address':
        return '';
      case 'server.peers.subscribe':
        return this.init.peers ?? [];
      case 'server.add_peer':
        return false;
      case 'blockchain.block.header': {
        const h = nonNegInt(params[0], 'height');
        if (params[1] !== undefined && params[1] !== 0) throw new RpcFailure(1, 'checkpoints are not served');
        const header = chain.header(h);
        if (header === undefined) throw new RpcFailure(1, `height ${h} out of range`);
        return header.toString('hex');
      }
      case 'blockchain.block.headers': {
        const start = nonNegInt(params[0], 'start_height');
        const count = Math.min(nonNegInt(params[1], 'count'), MAX_HEADERS);
        if (params[2] !== undefined && params[2] !== 0) throw new RpcFailure(1, 'checkpoints are not served');
        const parts: Buffer[] = [];
        for (let h = start; h < start + count && h <= chain.height; h++) parts.push(chain.header(h)!);
        return { count: parts.length, hex: Buffer.concat(parts).toString('hex'), max: MAX_HEADERS };
      }
      case 'blockchain.estimatefee':
        nonNegInt(params[0], 'number');
        return this.init.feeRate ?? 0.0001;
      case 'blockchain.relayfee':
        return 0.00001;
      case 'mempool.get_fee_histogram':
        return [];
      case 'blockchain.scripthash.get_history':
        return chain.getHistory(hexArg(params[0], 'scripthash', 32));
      case 'blockchain.scripthash.get_mempool':
        return chain.getHistory(hexArg(params[0], 'scripthash', 32)).filter((r) => r.height <= 0);
      case 'blockchain.scripthash.listunspent':
        return chain.listUnspent(hexArg(params[0], 'scripthash', 32));
      case 'blockchain.scripthash.get_balance':
        return chain.getBalance(hexArg(params[0], 'scripthash', 32));
      case 'blockchain.transaction.get': {
        const entry = chain.transaction(hexArg(params[0], 'tx_hash', 32));
        if (entry === undefined)
          throw new RpcFailure(2, 'daemon error: No such mempool or blockchain transaction.');
        if (params[1] !== true) return entry.raw.toString('hex');
        return {
          txid: entry.txid,
          hex: entry.raw.toString('hex'),
          size: entry.raw.length,
          version: entry.tx.version,
          locktime: entry.tx.locktime,
          confirmations: entry.height > 0 ? chain.height - entry.height + 1 : 0,
          ...(entry.blockHash === undefined ? {} : { blockhash: entry.blockHash }),
          vout: entry.tx.outputs.map((o, n) => ({
            n,
            value: Number(o.value) / 1e8,
            scriptPubKey: { hex: o.script.toString('hex') },
          })),
        };
      }
      case 'blockchain.transaction.get_merkle': {
        const proof = chain.merkle(hexArg(params[0], 'tx_hash', 32));
        if (proof === undefined) throw new RpcFailure(1, 'transaction is not in a block');
        return proof;
      }
      case 'blockchain.transaction.broadcast': {
        try {
          return chain.submit(Buffer.from(hexArg(params[0], 'raw_tx'), 'hex'));
        } catch (e) {
          if (e instanceof RpcFailure) throw e;
          throw new RpcFailure(
            1,
            `the transaction was rejected by network rules.\n\n${(e as Error).message}`,
          );
        }
      }
      default:
        throw new RpcFailure(-32601, `unknown method "${method}"`);
    }
  }
}
