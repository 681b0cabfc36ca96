/**
 * A pool of directory clients: configured `host[:port]` servers keyed by canonical node id,
 * parallel connect, a bounded retry loop for startup (Tor may still be building circuits),
 * reconnects of the ones that dropped, and hooks for subclasses (a taker's multi-directory
 * client, a maker) to layer behaviour on.
 *
 * @module
 */
import {
  RETRY_INITIAL_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  RETRY_BACKOFF_FACTOR,
  RECONNECT_INTERVAL_MS,
  CONNECT_TIMEOUT_MS,
} from './constants.js';
import { DEFAULT_NETWORK, parseDirectoryAddress, type DirectoryAddress } from '../wire/index.js';
import {
  Backoff,
  ErrorCodes,
  deadline,
  silentLogger,
  sleep,
  TypedEmitter,
  type AbortOptions,
  type EventMap,
  type Logger,
  type Startable,
} from '../../core/index.js';
import { DirectoryClient } from './client.js';
import { OnDemandLifecycle } from './on-demand-lifecycle.js';
import type { DirectoryClientInit } from './client-options.js';
import type { Dialer } from './dialer.js';
import type { BitcoinNetwork, NickIdentity } from '../wire/index.js';

/** Why one directory could not be joined. */
export interface DirectoryFailure {
  /** `refused`, `timeout`, `SOCKS error`, `handshake rejected`, `bad address`, or the code. */
  reason: string;
  /** The error's code (`ERR_CONNECT_FAILED`...). */
  code: string;
  /** The error's message. */
  message: string;
}

const FAILURE_REASONS: Readonly<Record<string, string>> = {
  [ErrorCodes.CONNECT_FAILED]: 'refused',
  [ErrorCodes.TIMEOUT]: 'timeout',
  [ErrorCodes.SOCKS_PROXY_FAILED]: 'SOCKS error',
  [ErrorCodes.SOCKS_AUTH_FAILED]: 'SOCKS error',
  [ErrorCodes.SOCKS_CONNECT_REFUSED]: 'SOCKS error',
  [ErrorCodes.DIRECTORY_HANDSHAKE_REJECTED]: 'handshake rejected',
  [ErrorCodes.ADDRESS_INVALID]: 'bad address',
  [ErrorCodes.ONION_INVALID]: 'bad address',
  [ErrorCodes.DIRECTORY_BAD_ADDRESS]: 'bad address',
};

function failureReason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'error';
  return FAILURE_REASONS[code] ?? code;
}

/** Options for {@link DirectoryClientPool}. */
export interface DirectoryClientPoolInit {
  /** Directories as `host` or `host:port` (port defaults to 5222). */
  directoryServers: readonly string[];
  /** Bitcoin network. @default 'mainnet' */
  network?: BitcoinNetwork;
  /** Our long-lived nick identity, used for every handshake. */
  identity: NickIdentity;
  /** How to reach a directory (`socksDialer(...)` for Tor). @default plain TCP */
  dialer?: Dialer;
  /**
   * Dial directories under the isolation category `directory` (a SOCKS dialer then sends
   * credentials of their own, so Tor keeps directory and peer traffic on separate circuits);
   * otherwise under `default`. @default false
   */
  streamIsolation?: boolean;
  /** Connect + handshake deadline per directory, ms. @default 120000 */
  connectionTimeout?: number;
  /** Extra options for every client (location, features, limits...). @default {} */
  clientOptions?: Partial<DirectoryClientInit>;
  /** Logger. @default silent */
  logger?: Logger;
}

/** Options for {@link DirectoryClientPool.connectAllWithRetry}. */
export interface RetryOptions extends AbortOptions {
  /** Overall deadline, ms. */
  timeout: number;
  /** First pause between passes, ms. @default 5000 */
  initialDelay?: number;
  /** Largest pause, ms. @default 30000 */
  maxDelay?: number;
  /** Growth factor of the pause per pass. @default 1.5 */
  backoff?: number;
}

/**
 * Keeps connections to several directories.
 *
 * @example
 * ```ts
 * const pool = new DirectoryClientPool({ directoryServers: ['abc...xyz.onion', '127.0.0.1:5222'], identity, network: 'signet' });
 * await pool.connectAllWithRetry({ timeout: 60_000 });
 * for (const [nodeId, client] of pool.clients) client.sendPubmsg('orderbook');
 * await pool.stop();
 * ```
 *
 * `start()` connects every directory in parallel once; the connect methods below can be used
 * instead of it or after it. `stop()` (also `closeAll()`, the name joinmarket-ng's pool gives
 * it) closes everything, whether or not `start()` was called. Subclasses (the taker, the maker)
 * pass their own event map.
 */
export class DirectoryClientPool<Events extends EventMap = Record<never, never>>
  extends TypedEmitter<Events>
  implements Startable
{
  /** Connected clients by canonical `host:port`. Read it; change it only through the methods. */
  readonly clients = new Map<string, DirectoryClient>();
  readonly directoryServers: readonly string[];
  readonly network: BitcoinNetwork;
  readonly identity: NickIdentity;
  readonly connectionTimeout: number;
  readonly streamIsolation: boolean;
  protected readonly logger: Logger;
  protected readonly init: DirectoryClientPoolInit;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnecting = false;
  readonly #failures = new Map<string, DirectoryFailure>();
  readonly #life = new OnDemandLifecycle(
    () => this.onStart(),
    () => this.#closeEverything(),
  );

  constructor(init: DirectoryClientPoolInit) {
    super();
    this.init = init;
    this.directoryServers = [...init.directoryServers];
    this.network = init.network ?? DEFAULT_NETWORK;
    this.identity = init.identity;
    this.connectionTimeout = init.connectionTimeout ?? CONNECT_TIMEOUT_MS;
    this.streamIsolation = init.streamIsolation ?? false;
    this.logger = init.logger ?? silentLogger;
  }

  /** The isolation category a connection of kind `category` dials under. */
  isolationCategory(category: string): string {
    return this.streamIsolation ? category : 'default';
  }

  /** True once stop() was called: no new connection is kept. */
  protected get closed(): boolean {
    return this.#life.stopping;
  }

  /** Connects every configured directory in parallel (once; see {@link connectAllParallel}). */
  start(): Promise<void> {
    return this.#life.start();
  }

  /** Stops the periodic reconnect, closes every client and refuses new ones. Every call returns the same promise. */
  stop(): Promise<void> {
    return this.#life.stop();
  }

  /** Same as {@link stop}: the name joinmarket-ng's pool gives it. */
  closeAll(): Promise<void> {
    return this.stop();
  }

  /** Same as {@link stop}, spelled as joinmarket-ng's `close_all`. */
  close_all(): Promise<void> {
    return this.stop();
  }

  /** Same as {@link stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Hook: the start work. Connects every directory in parallel; subclasses add their own. */
  protected async onStart(): Promise<void> {
    await this.connectAllParallel();
  }

  /** Hook: the options for the client of one directory. Override to add location, features... */
  protected buildClientOptions(address: DirectoryAddress): DirectoryClientInit {
    const dialer = this.init.dialer;
    const options: DirectoryClientInit = {
      ...this.init.clientOptions,
      host: address.host,
      port: address.port,
      identity: this.identity,
      network: this.network,
      timeout: this.connectionTimeout,
      isolationCategory: this.isolationCategory('directory'),
      logger: this.init.clientOptions?.logger ?? this.logger,
    };
    if (dialer !== undefined) options.dialer = dialer;
    return options;
  }

  /** Hook: runs after a client connected and was stored. */
  protected onDirectoryConnected(_nodeId: string, _client: DirectoryClient): void | Promise<void> {}

  /** Hook: runs after a client was closed or lost and removed. */
  protected onDirectoryDisconnected(_nodeId: string, _client: DirectoryClient): void | Promise<void> {}

  /**
   * Connects to one directory. Returns `[nodeId, client]`, or undefined when the address does
   * not parse or connect/handshake fails (logged). The client is not stored; callers do that.
   */
  async connectToDirectory(
    server: string,
    options: AbortOptions = {},
  ): Promise<[string, DirectoryClient] | undefined> {
    let address: DirectoryAddress;
    try {
      address = parseDirectoryAddress(server);
    } catch (err) {
      this.logger.warn({ server, err }, 'unparseable directory address');
      this.#failed(server, 'bad address', err);
      return undefined;
    }
    const client = new DirectoryClient(this.buildClientOptions(address));
    const signal =
      options.signal === undefined ? this.#life.signal : AbortSignal.any([options.signal, this.#life.signal]);
    try {
      await client.connect({ signal });
      this.#failures.delete(server);
      return [address.nodeId, client];
    } catch (err) {
      this.#failed(server, failureReason(err), err);
      this.logger.warn(
        { server: address.nodeId, code: (err as { code?: string }).code },
        'directory connect failed',
      );
      await client.close();
      return undefined;
    }
  }

  /**
   * Why each configured directory's last connection attempt failed (`refused`, `timeout`,
   * `SOCKS error`, `handshake rejected`, `bad address`, or the error code), by configured
   * address; an entry goes when that directory connects.
   */
  failures(): ReadonlyMap<string, DirectoryFailure> {
    return this.#failures;
  }

  #failed(server: string, reason: string, err: unknown): void {
    const e = err as { code?: unknown; message?: unknown };
    this.#failures.set(server, {
      reason,
      code: typeof e?.code === 'string' ? e.code : 'unknown',
      message: typeof e?.message === 'string' ? e.message : String(err),
    });
  }

  /** Stores a connected client, watches for its loss and fires the hook. */
  protected async adopt(nodeId: string, client: DirectoryClient): Promise<void> {
    if (this.closed) {
      await client.close();
      return;
    }
    this.clients.set(nodeId, client);
    client.once('close', () => {
      if (this.clients.get(nodeId) !== client) return;
      this.clients.delete(nodeId);
      this.logger.info({ server: nodeId }, 'directory disconnected');
      void this.runHook(() => this.onDirectoryDisconnected(nodeId, client));
    });
    this.logger.info({ server: nodeId }, 'directory connected');
    await this.runHook(() => this.onDirectoryConnected(nodeId, client));
  }

  private async runHook(hook: () => void | Promise<void>): Promise<void> {
    try {
      await hook();
    } catch (err) {
      this.logger.warn({ err }, 'directory pool hook failed');
    }
  }

  /** One pass over every configured server that is not connected, all at once; returns how many connected. */
  async connectAllParallel(options: AbortOptions = {}): Promise<number> {
    const targets = this.listDisconnected();
    const results = await Promise.all(targets.map(([server]) => this.connectToDirectory(server, options)));
    let n = 0;
    for (const result of results) {
      if (result === undefined) continue;
      await this.adopt(...result);
      n++;
    }
    return n;
  }

  /**
   * Passes over the not-yet-connected servers until at least one client exists or `timeout`
   * passes, sleeping `initialDelay` x `backoff`^n (capped at `maxDelay`) between passes. Returns
   * the number of connected clients (0 on deadline: rely on {@link reconnectDisconnected} later).
   */
  async connectAllWithRetry(options: RetryOptions): Promise<number> {
    const end = Date.now() + options.timeout;
    const backoff = new Backoff({
      initialDelay: options.initialDelay ?? RETRY_INITIAL_DELAY_MS,
      maxDelay: options.maxDelay ?? RETRY_MAX_DELAY_MS,
      factor: options.backoff ?? RETRY_BACKOFF_FACTOR,
      jitter: 0,
    });
    for (;;) {
      for (const [server] of this.listDisconnected()) {
        if (this.closed || options.signal?.aborted === true) return this.clients.size;
        const left = end - Date.now();
        if (left <= 0) break;
        const result = await this.connectToDirectory(server, { signal: deadline(options.signal, left) });
        if (result !== undefined) await this.adopt(...result);
      }
      if (this.clients.size > 0 || this.closed) return this.clients.size;
      const left = end - Date.now();
      if (left <= 0) return 0;
      try {
        await sleep(Math.min(backoff.next(), left), { signal: options.signal });
      } catch {
        return this.clients.size;
      }
    }
  }

  /** `[configured, nodeId]` for configured servers not connected; unparseable ones are skipped (debug log). */
  listDisconnected(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const server of this.directoryServers) {
      let nodeId: string;
      try {
        nodeId = parseDirectoryAddress(server).nodeId;
      } catch {
        this.logger.debug({ server }, 'skipping unparseable directory address');
        continue;
      }
      if (!this.clients.has(nodeId)) out.push([server, nodeId]);
    }
    return out;
  }

  /** Reconnects every configured-but-disconnected server; returns the new `[nodeId, client]` pairs. */
  async reconnectDisconnected(options: AbortOptions = {}): Promise<Array<[string, DirectoryClient]>> {
    const results = await Promise.all(
      this.listDisconnected().map(([s]) => this.connectToDirectory(s, options)),
    );
    const out: Array<[string, DirectoryClient]> = [];
    for (const result of results) {
      if (result === undefined) continue;
      await this.adopt(...result);
      out.push(result);
    }
    return out;
  }

  /**
   * Calls {@link reconnectDisconnected} every `interval` ms (one pass at a time) until stop().
   * @param interval - ms between passes. @default 60000
   */
  startPeriodicReconnect(interval = RECONNECT_INTERVAL_MS): void {
    if (this.#reconnectTimer !== undefined || this.closed) return;
    this.#reconnectTimer = setInterval(() => {
      if (this.#reconnecting || this.listDisconnected().length === 0) return;
      this.#reconnecting = true;
      void this.reconnectDisconnected().finally(() => {
        this.#reconnecting = false;
      });
    }, interval);
    this.#reconnectTimer.unref();
  }

  /** Closes every client and fires the disconnected hook for each; errors are logged, never thrown. */
  async #closeEverything(): Promise<void> {
    clearInterval(this.#reconnectTimer);
    const entries = [...this.clients];
    this.clients.clear();
    for (const [nodeId, client] of entries) {
      try {
        await client.close();
      } catch (err) {
        this.logger.warn({ server: nodeId, err }, 'closing directory client failed');
      }
      await this.runHook(() => this.onDirectoryDisconnected(nodeId, client));
    }
    await this.onStop();
  }

  /** Hook: more stop work after the clients closed (links, listeners of a subclass). */
  protected async onStop(): Promise<void> {}
}
