/**
 * Backend mode: a discovery node in front of a real Electrum server (ElectrumX, electrs,
 * Fulcrum...). Every method the node does not answer itself is forwarded over one backend session
 * per client session, opened on first use with the version the client negotiated; the backend's
 * notifications (headers, script hashes) go back to that client, its errors pass through
 * unchanged, and either side closing closes the other. Backpressure holds both ways: a client has
 * at most `maxInFlight` requests forwarded at once (its socket is paused beyond that), and a
 * client that stops reading its notifications is closed at the write-buffer cap, which closes its
 * backend session too.
 *
 * ```
 *   wallet ──▶ peerway: server.version / features / peers.subscribe / add_peer   (answered here)
 *   wallet ──▶ peerway ──▶ backend: blockchain.* / mempool.* / server.banner ...  (forwarded)
 *   wallet ◀── peerway ◀── backend: blockchain.headers.subscribe notifications
 * ```
 *
 * The node also keeps one session of its own to the backend: for the backend's features (merged
 * into ours), its tip, and the headers a peer's are compared with during verification.
 *
 * @module
 */
import {
  ErrorCodes,
  PeerwayError,
  deadline,
  type AbortOptions,
  type Logger,
  silentLogger,
} from '../core/index.js';
import {
  CONNECT_TIMEOUT_MS,
  HEADER_CHECK_DEPTH,
  MAX_HEIGHT_DIFFERENCE,
  MAX_RESPONSE_BYTES,
  PROTOCOL_MAX,
  PROTOCOL_MIN,
  REQUEST_TIMEOUT_MS,
  SOFTWARE_VERSION,
} from './constants.js';
import { dialElectrum, type DialTarget } from './electrum-client.js';
import { toPort } from './features.js';
import { compareVersions, parseVersion } from './protocol-version.js';
import { RpcConnection } from './rpc-connection.js';
import { RpcError } from './rpc-error.js';
import { RpcErrorCodes, type RpcParams } from './rpc-message.js';
import type { PeerCheck } from './verify-peer.js';

/** Parses `tcp://host:port` or `ssl://host:port` (IPv6 in brackets); throws ERR_ADDRESS_INVALID. */
export function parseBackendUrl(url: string): DialTarget {
  const m = /^(tcp|ssl|tls):\/\/(\[[0-9a-fA-F:.]+\]|[^:/\s[\]]+):(\d{1,5})\/?$/.exec(url.trim());
  const port = m === null ? null : toPort(m[3]);
  if (m === null || port === null) {
    throw new PeerwayError(
      ErrorCodes.ADDRESS_INVALID,
      `bad backend "${url.slice(0, 200)}" (want tcp://host:port or ssl://host:port)`,
    );
  }
  return { host: m[2]!.replace(/^\[|\]$/g, ''), port, transport: m[1] === 'tcp' ? 'tcp' : 'ssl' };
}

/** Options shared by backend sessions. */
export interface BackendOptions {
  target: DialTarget;
  /** @default 30000 */
  connectTimeout?: number | undefined;
  /** @default 30000 */
  requestTimeout?: number | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
}

/** Turns a backend failure into what the client is told: the backend's own error, or -32603. */
function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof PeerwayError && err.code === ErrorCodes.DISCOVERY_RPC_ERROR) {
    const code = (err.details as { code?: unknown } | undefined)?.code;
    return new RpcError(typeof code === 'number' ? code : RpcErrorCodes.INTERNAL_ERROR, err.message);
  }
  if (err instanceof PeerwayError && err.code === ErrorCodes.TIMEOUT) {
    return new RpcError(RpcErrorCodes.SERVER_BUSY, 'server busy - request timed out');
  }
  return new RpcError(RpcErrorCodes.INTERNAL_ERROR, 'backend unavailable');
}

/** Opens a JSON-RPC session to the backend whose notifications go to `onNotification`. */
async function openBackend(
  opts: BackendOptions,
  onNotification: (method: string, params: RpcParams) => void,
  signal?: AbortSignal,
): Promise<RpcConnection> {
  const socket = await dialElectrum({
    ...opts.target,
    signal,
    connectTimeout: opts.connectTimeout ?? CONNECT_TIMEOUT_MS,
  });
  return new RpcConnection({
    socket,
    maxLine: MAX_RESPONSE_BYTES,
    requestTimeout: opts.requestTimeout ?? REQUEST_TIMEOUT_MS,
    idleTimeout: 0,
    handler: (request) => {
      if (request.id !== undefined) {
        throw new RpcError(RpcErrorCodes.METHOD_NOT_FOUND, 'a backend does not send requests');
      }
      onNotification(request.method, request.params);
      return null;
    },
    ...(opts.logger === undefined ? {} : { logger: opts.logger }),
  });
}

/** The backend half of one client session. */
export class BackendSession {
  private link: Promise<RpcConnection> | undefined;
  private closed = false;

  constructor(
    private readonly opts: BackendOptions,
    /** The client this session serves: notifications go there, and it closes with the backend. */
    private readonly client: RpcConnection,
  ) {
    client.once('close', () => void this.close());
  }

  /** Forwards one request; throws RpcError (the backend's own, or -32603 when it is unreachable). */
  async call(method: string, params: RpcParams): Promise<unknown> {
    if (this.closed) throw new RpcError(RpcErrorCodes.INTERNAL_ERROR, 'backend session closed');
    try {
      const link = await this.connect();
      return await link.request(method, params);
    } catch (err) {
      throw toRpcError(err);
    }
  }

  private connect(): Promise<RpcConnection> {
    this.link ??= (async () => {
      const link = await openBackend(this.opts, (method, params) => this.client.notify(method, params));
      link.once('close', () => {
        // Without its backend the session cannot serve its subscriptions: end it, so the client
        // reconnects instead of waiting for notifications that will never come.
        if (!this.closed) void this.client.close();
      });
      const negotiated = this.client.state.protocolVersion;
      const range = typeof negotiated === 'string' ? negotiated : [PROTOCOL_MIN, PROTOCOL_MAX];
      await link.request('server.version', [SOFTWARE_VERSION, range]);
      return link;
    })();
    this.link.catch(() => {
      this.link = undefined;
    });
    return this.link;
  }

  /** Closes the backend side. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const link = this.link;
    this.link = undefined;
    await link?.then((l) => l.close()).catch(() => undefined);
  }
}

/** What the node learned from its backend's `server.features`. */
export interface BackendFeatures {
  genesisHash: string;
  hashFunction: string;
  protocolMin: string;
  protocolMax: string;
  pruning: number | null;
  serverVersion: string;
}

/** The node's own session to its backend: features, tip height, headers. */
export class BackendMonitor {
  /** The backend's features, after {@link start}. */
  features: BackendFeatures | undefined;
  /** The backend's tip height, kept current by header notifications. */
  height = -1;
  private link: RpcConnection | undefined;
  private readonly logger: Logger;

  constructor(private readonly opts: BackendOptions) {
    this.logger = opts.logger ?? silentLogger;
  }

  /**
   * Connects, reads the backend's features and subscribes to its headers. Rejects with
   * ERR_DISCOVERY_BAD_PEER when the backend serves another chain than `genesisHash`.
   */
  async start(genesisHash: string, options: AbortOptions = {}): Promise<void> {
    const signal = deadline(options.signal, this.opts.connectTimeout ?? CONNECT_TIMEOUT_MS);
    const link = await openBackend(
      this.opts,
      (method, params) => {
        const tip = Array.isArray(params) ? (params[0] as { height?: unknown } | undefined) : undefined;
        if (method === 'blockchain.headers.subscribe' && typeof tip?.height === 'number')
          this.height = tip.height;
      },
      signal,
    );
    this.link = link;
    await link.request('server.version', [SOFTWARE_VERSION, [PROTOCOL_MIN, PROTOCOL_MAX]], { signal });
    const raw = (await link.request('server.features', [], { signal })) as Record<string, unknown> | null;
    const f = typeof raw === 'object' && raw !== null ? raw : {};
    const str = (v: unknown, d: string): string => (typeof v === 'string' ? v : d);
    this.features = {
      genesisHash: str(f.genesis_hash, '').toLowerCase(),
      hashFunction: str(f.hash_function, 'sha256'),
      protocolMin: str(f.protocol_min, PROTOCOL_MIN),
      protocolMax: str(f.protocol_max, PROTOCOL_MAX),
      pruning: typeof f.pruning === 'number' && f.pruning > 0 ? f.pruning : null,
      serverVersion: str(f.server_version, ''),
    };
    if (this.features.genesisHash !== genesisHash.toLowerCase()) {
      await link.close();
      throw new PeerwayError(
        ErrorCodes.DISCOVERY_BAD_PEER,
        `the backend serves genesis ${this.features.genesisHash || '(none)'}, not ${genesisHash}`,
      );
    }
    const tip = (await link.request('blockchain.headers.subscribe', [], { signal })) as { height?: unknown };
    if (typeof tip?.height !== 'number') {
      await link.close();
      throw new PeerwayError(ErrorCodes.DISCOVERY_BAD_PEER, 'the backend sent no tip height');
    }
    this.height = tip.height;
    link.once('close', () => this.logger.warn({}, 'backend session closed'));
    this.logger.info(
      { height: this.height, backend: `${this.opts.target.host}:${this.opts.target.port}` },
      'backend connected',
    );
  }

  /** The backend's raw header (hex) at `height`. */
  async header(height: number, options: AbortOptions = {}): Promise<string> {
    if (this.link === undefined || this.link.closed) {
      throw new PeerwayError(ErrorCodes.DISCOVERY_CONNECTION_CLOSED, 'no backend session');
    }
    const hex = await this.link.request('blockchain.block.header', [height], options);
    if (typeof hex !== 'string')
      throw new PeerwayError(ErrorCodes.DISCOVERY_BAD_PEER, 'backend header is not a string');
    return hex.toLowerCase();
  }

  /** Our protocol range narrowed to what the backend speaks too. */
  protocolRange(): { min: string; max: string } {
    const f = this.features;
    if (f === undefined) return { min: PROTOCOL_MIN, max: PROTOCOL_MAX };
    return {
      min: cmp(f.protocolMin, PROTOCOL_MIN) > 0 ? f.protocolMin : PROTOCOL_MIN,
      max: cmp(f.protocolMax, PROTOCOL_MAX) < 0 ? f.protocolMax : PROTOCOL_MAX,
    };
  }

  /**
   * ElectrumX's header check of a peer: its tip within 5 blocks of ours, and its header 10 blocks
   * below the lower tip equal to our backend's.
   */
  headerCheck(): PeerCheck {
    return async ({ client, signal }) => {
      const tip = (await client.rpc.request('blockchain.headers.subscribe', [], { signal })) as {
        height?: unknown;
      } | null;
      const theirs = tip?.height;
      if (typeof theirs !== 'number' || !Number.isSafeInteger(theirs) || theirs < 0) {
        throw new PeerwayError(ErrorCodes.DISCOVERY_BAD_PEER, 'blockchain.headers.subscribe gave no height');
      }
      const ours = this.height;
      if (Math.abs(theirs - ours) > MAX_HEIGHT_DIFFERENCE) {
        throw new PeerwayError(
          ErrorCodes.DISCOVERY_BAD_PEER,
          `height ${theirs} is too far from ours (${ours})`,
        );
      }
      const at = Math.max(0, Math.min(ours, theirs) - HEADER_CHECK_DEPTH);
      const [peerHeader, ourHeader] = await Promise.all([
        client.rpc.request('blockchain.block.header', [at], { signal }),
        this.header(at, { signal }),
      ]);
      if (typeof peerHeader !== 'string' || peerHeader.toLowerCase() !== ourHeader) {
        throw new PeerwayError(ErrorCodes.DISCOVERY_BAD_PEER, `header at height ${at} differs from ours`);
      }
    };
  }

  /** Closes the node's session. */
  async stop(): Promise<void> {
    await this.link?.close();
  }
}

function cmp(a: string, b: string): number {
  return compareVersions(parseVersion(a) ?? [0], parseVersion(b) ?? [0]);
}
