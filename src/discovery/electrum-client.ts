/**
 * The client side of the Electrum discovery methods, over TCP, TLS (self-signed accepted: Electrum
 * servers rarely have CA certificates) or a SOCKS5 proxy (required for onions).
 *
 * @module
 */
import type { Socket } from 'node:net';
import { ErrorCodes, PeerwayError, deadline, type AbortOptions, type Logger } from '../core/index.js';
import { dialSocks5, dialTcp, wrapTls, type SocksProxy } from '../transport/index.js';
import {
  CONNECT_TIMEOUT_MS,
  DIAL_REQUEST_TIMEOUT_MS,
  MAX_RESPONSE_BYTES,
  PROTOCOL_MAX,
  PROTOCOL_MIN,
  SOFTWARE_VERSION,
} from './constants.js';
import { RpcConnection } from './rpc-connection.js';

/** How to reach a server. */
export interface DialTarget {
  host: string;
  port: number;
  transport: 'tcp' | 'ssl';
}

/** Options for {@link ElectrumClient.connect}. */
export interface ElectrumClientInit extends DialTarget, AbortOptions {
  /** Dial through this SOCKS5 proxy (always, for onions). @default undefined (direct) */
  proxy?: SocksProxy | undefined;
  /** Connect (and TLS handshake) timeout. @default 30000 */
  connectTimeout?: number | undefined;
  /** Default per-request timeout. @default 30000 */
  requestTimeout?: number | undefined;
  /** Local address to bind outgoing direct connections to. @default undefined (the OS picks) */
  localAddress?: string | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
}

function dialDirectTcp(init: ElectrumClientInit, signal: AbortSignal | undefined): Promise<Socket> {
  // A node on a specific IP dials from it, so add_peer's "host resolves to the caller" check sees
  // the address it announces.
  return dialTcp(init.host, init.port, { signal, timeout: 0, localAddress: init.localAddress });
}

/** Opens the byte stream for `init` (TLS on top when asked; certificates are not verified). */
export async function dialElectrum(init: ElectrumClientInit): Promise<Socket> {
  const signal = deadline(init.signal, init.connectTimeout ?? CONNECT_TIMEOUT_MS);
  const raw =
    init.proxy === undefined
      ? await dialDirectTcp(init, signal)
      : await dialSocks5(init.host, init.port, { proxy: init.proxy, signal, timeout: 0 });
  if (init.transport === 'tcp') return raw;
  // Electrum servers are self-signed as a rule; ElectrumX does not verify peers either.
  return wrapTls(raw, init.host, { rejectUnauthorized: false, signal, timeout: 0 });
}

/**
 * A connection to an Electrum server for the discovery methods.
 *
 * @example
 * ```ts
 * await using client = await ElectrumClient.connect({ host: '127.0.0.1', port: 50001, transport: 'tcp' });
 * await client.version();
 * console.log(await client.peers());
 * ```
 */
export class ElectrumClient {
  private constructor(
    /** The JSON-RPC connection underneath. */
    readonly rpc: RpcConnection,
    /** The address actually connected to (the proxy's for proxied connections). */
    readonly remoteAddress: string,
  ) {}

  /** Connects; rejects with ERR_CONNECT_FAILED, SOCKS errors, ERR_TIMEOUT or ERR_ABORTED. */
  static async connect(init: ElectrumClientInit): Promise<ElectrumClient> {
    const socket = await dialElectrum(init);
    const rpc = new RpcConnection({
      socket,
      maxLine: MAX_RESPONSE_BYTES,
      requestTimeout: init.requestTimeout ?? DIAL_REQUEST_TIMEOUT_MS,
      idleTimeout: 0,
      ...(init.logger === undefined ? {} : { logger: init.logger }),
    });
    return new ElectrumClient(rpc, socket.remoteAddress ?? '');
  }

  /**
   * `server.version`; resolves to [software, negotiated version]. A refusal rejects with
   * ERR_DISCOVERY_VERSION_REFUSED, a malformed reply with ERR_DISCOVERY_BAD_PEER.
   */
  async version(
    name = SOFTWARE_VERSION,
    range: string | [string, string] = [PROTOCOL_MIN, PROTOCOL_MAX],
    options: AbortOptions = {},
  ): Promise<[string, string]> {
    let result: unknown;
    try {
      result = await this.rpc.request('server.version', [name, range], options);
    } catch (err) {
      if (err instanceof PeerwayError && err.code === ErrorCodes.DISCOVERY_RPC_ERROR) {
        throw new PeerwayError(ErrorCodes.DISCOVERY_VERSION_REFUSED, err.message, { cause: err });
      }
      throw err;
    }
    if (!Array.isArray(result) || result.length !== 2 || !result.every((x) => typeof x === 'string')) {
      throw new PeerwayError(ErrorCodes.DISCOVERY_BAD_PEER, 'server.version result is not two strings');
    }
    return [result[0] as string, result[1] as string];
  }

  /** `server.features`, unparsed. */
  features(options: AbortOptions = {}): Promise<unknown> {
    return this.rpc.request('server.features', [], options);
  }

  /** `server.peers.subscribe`, unparsed. */
  peers(options: AbortOptions = {}): Promise<unknown> {
    return this.rpc.request('server.peers.subscribe', [], options);
  }

  /** `server.add_peer(features)`; true when the server tentatively accepted us. */
  async addPeer(features: Record<string, unknown>, options: AbortOptions = {}): Promise<boolean> {
    return (await this.rpc.request('server.add_peer', [features], options)) === true;
  }

  /** `server.ping`. */
  async ping(options: AbortOptions = {}): Promise<void> {
    await this.rpc.request('server.ping', [], options);
  }

  /** Closes the connection; idempotent. */
  close(): Promise<void> {
    return this.rpc.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
