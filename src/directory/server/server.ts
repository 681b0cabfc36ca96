/**
 * The directory server: accepts connections, handshakes them, keeps nicks unique, relays
 * pubmsgs to everyone and privmsgs to one, answers getpeerlist, broadcasts departures and
 * evicts silent peers.
 *
 * @module
 */
import type { Socket } from 'node:net';
import {
  bump,
  ErrorCodes,
  Lifecycle,
  PeerwayError,
  silentLogger,
  TokenBucket,
  TypedEmitter,
  type Logger,
  type Startable,
  RateLimiter,
} from '../../core/index.js';
import { listenTcp, type TcpListener } from '../../transport/index.js';
import {
  COMMAND_PREFIX,
  MessageType,
  PUBLIC_TARGET,
  encodeEnvelope,
  type Envelope,
  type LineChannelOptions,
  NickIdentity,
} from '../wire/index.js';
import type { ClusterHost, ClusterLink, ClusterView, NickClaim } from './cluster-link.js';
import type { PublishedOnion } from '../onion/index.js';
import type { ServerContext } from './server-context.js';
import { ServerHandshaker } from './server-handshake.js';
import {
  resolveServerOptions,
  type DirectoryServerInit,
  type ResolvedServerOptions,
} from './server-options.js';
import { ServerPeer, type ServerPeerHooks } from './server-peer.js';
import { ServerRelay } from './server-relay.js';
import { MAX_TRACKED_SOURCES } from './constants.js';
import { createServerStats, type DirectoryServerStats } from './server-stats.js';

/** Events of a {@link DirectoryServer}. */
export type DirectoryServerEvents = {
  /** A peer completed its handshake. */
  join: [nick: string, location: string];
  /** A registered peer left. */
  leave: [nick: string, location: string];
  /** A handshake was refused. */
  reject: [reason: string, nick: string];
};

/**
 * A JoinMarket-compatible directory node.
 *
 * @example
 * ```ts
 * await using server = new DirectoryServer({ port: 0, network: 'signet' });
 * await server.start();
 * console.log(server.nick, server.location);
 * ```
 */
export class DirectoryServer extends TypedEmitter<DirectoryServerEvents> implements Startable {
  /** Live counters. */
  readonly stats: DirectoryServerStats = createServerStats();
  /** The directory's nick identity. */
  readonly identity: NickIdentity;
  /** Resolved options. */
  readonly options: ResolvedServerOptions;
  readonly #logger: Logger;
  readonly #init: DirectoryServerInit;
  /** Registered peers by nick. */
  readonly #peers = new Map<string, ServerPeer>();
  /** Every open connection. */
  readonly #connections = new Set<ServerPeer>();
  /** Bytes all connections' partial lines keep in memory (each LineChannel adds its share). */
  readonly #held = { bytes: 0 };
  /** What every connection's channel is given: one object, shared. */
  readonly #channelOptions: LineChannelOptions;
  /** The server's side of every connection's events, shared (a peer passes itself). */
  readonly #peerHooks: ServerPeerHooks = {
    admit: (peer, size) => this.#admit(peer, size),
    onEnvelope: (peer, env, canonical, size) => this.#onEnvelope(peer, env, canonical, size),
    onProtocolError: (err) => {
      const reason = (err.details?.['reason'] as string | undefined) ?? err.code;
      this.#drop(err.code === 'ERR_FRAME_TOO_LONG' || reason === 'oversize' ? 'oversize' : 'garbage');
    },
    onHeld: () => this.#checkHeld(),
    onClose: (peer) => this.#onClose(peer),
  };
  readonly #handshaker: ServerHandshaker;
  readonly #relay: ServerRelay;
  readonly #handshakes: RateLimiter;
  readonly #life = new Lifecycle(
    () => this.#open(),
    () => this.#close(),
  );
  #listener: TcpListener | undefined;
  #onion: PublishedOnion | undefined;
  #sweepTimer: NodeJS.Timeout | undefined;
  #advertised = '';
  readonly #cluster: ClusterLink | undefined;

  constructor(init: DirectoryServerInit = {}) {
    super();
    this.#init = init;
    this.options = resolveServerOptions(init);
    this.identity = init.identity ?? NickIdentity.generate();
    this.#channelOptions = {
      maxLineLength: this.options.maxLineLength,
      maxWriteBuffer: this.options.maxWriteBuffer,
      counters: this.stats,
      held: this.#held,
    };
    this.#logger = init.logger ?? silentLogger;
    this.#cluster = init.cluster;
    this.#handshakes = new RateLimiter({
      perSecond: this.options.handshakeRate,
      burst: this.options.handshakeBurst,
      maxKeys: MAX_TRACKED_SOURCES,
    });
    const context = this.#context();
    this.#handshaker = new ServerHandshaker(context, init.nickAuthId);
    this.#relay = new ServerRelay(context, this.#handshaker);
  }

  /** The directory's nick. */
  get nick(): string {
    return this.identity.nick;
  }

  /** The location the directory advertises (onion or `host:port`); empty before start. */
  get location(): string {
    return this.#advertised;
  }

  /** The bound TCP address; throws before start. */
  get address(): { host: string; port: number } {
    if (this.#listener === undefined)
      throw new PeerwayError(ErrorCodes.CLOSED, 'directory server not started');
    return { host: this.#listener.host, port: this.#listener.port };
  }

  /** The published onion service, if any. */
  get onionService(): PublishedOnion | undefined {
    return this.#onion;
  }

  /** Starts listening (and publishing the onion, when configured). Concurrent calls share one start. */
  start(): Promise<void> {
    return this.#life.start();
  }

  /** Closes every connection and the listener, withdraws the onion. Every call returns the same promise. */
  stop(): Promise<void> {
    return this.#life.stop();
  }

  /** Same as {@link stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** Current peers (for status pages). */
  listPeers(): Array<{ nick: string; location: string; verified: boolean }> {
    return [...this.#peers.values()].map((p) => ({
      nick: p.nick,
      location: p.location,
      verified: p.verified,
    }));
  }

  /**
   * What the directory knows about one registered nick: where it is, whether it proved its nick,
   * when it last spoke and when a liveness probe went out (0: none since it last spoke).
   */
  peerInfo(
    nick: string,
  ):
    { nick: string; location: string; verified: boolean; lastSeen: number; probeSentAt: number } | undefined {
    const p = this.#peers.get(nick);
    if (p === undefined) return undefined;
    return {
      nick: p.nick,
      location: p.location,
      verified: p.verified,
      lastSeen: p.lastSeen,
      probeSentAt: p.probeSentAt,
    };
  }

  /**
   * The cluster as this instance sees it (instances, the nicks on each, cross-instance traffic),
   * or undefined for a single-process directory.
   */
  clusterView(): ClusterView | undefined {
    return this.#cluster?.view();
  }

  /** Runs one pass of the timeouts now (handshake, nick-auth, ping, pong, idle); the timer calls it every `sweepInterval`. */
  sweep(now: number = Date.now()): void {
    const o = this.options;
    this.#handshakes.prune(now);
    for (const peer of this.#connections) {
      const partial = peer.channel.partialSince;
      if (partial !== 0 && now - partial > o.partialLineTimeout) {
        this.#evict(peer, 'partial_line');
        continue;
      }
      if (peer.state === 'new') {
        if (now - peer.connectedAt > o.handshakeTimeout) this.#evict(peer, 'handshake_timeout');
        continue;
      }
      if (peer.challenge !== undefined) this.#handshaker.checkExpiry(peer, now);
      if (peer.state !== 'registered') continue;
      const idle = now - peer.lastSeen;
      if (idle > o.evictAfterIdle) this.#evict(peer, 'idle');
      else if (peer.pingSentAt !== 0 && now - peer.pingSentAt > o.pongTimeout) this.#evict(peer, 'no_pong');
      else if (peer.pingSentAt === 0 && idle > o.pingAfterIdle) this.#probe(peer, now);
    }
  }

  async #open(): Promise<void> {
    this.#listener = await listenTcp((socket) => this.#accept(socket), {
      host: this.options.host,
      port: this.options.port,
    });
    this.#advertised = this.#init.location ?? `${this.#listener.host}:${this.#listener.port}`;
    if (this.#init.onion !== undefined) {
      this.#onion = await this.#init.onion.publish(this.#listener.host, this.#listener.port);
      this.#advertised = this.#init.location ?? `${this.#onion.hostname}:${this.#onion.port}`;
    }
    if (this.#cluster !== undefined) {
      try {
        await this.#cluster.start(this.#clusterHost());
      } catch (err) {
        await this.#onion?.close().catch(() => undefined);
        await this.#listener.close();
        throw err;
      }
    }
    // Kept referenced like the listener itself, so a missed stop() shows up as a live handle.
    this.#sweepTimer = setInterval(() => this.sweep(Date.now()), this.options.sweepInterval);
    this.#logger.info(
      { nick: this.nick, location: this.#advertised, network: this.options.network },
      'directory listening',
    );
  }

  async #close(): Promise<void> {
    clearInterval(this.#sweepTimer);
    this.#relay.cancelDepartures();
    // Each connection's close (and its 'peer left' log and 'leave' event) comes before stop()
    // resolves, so nothing of the server happens after it says it stopped.
    const closed = [...this.#connections].map((peer) => {
      const raw = peer.channel.raw;
      return raw.closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => raw.once('close', () => resolve()));
    });
    for (const peer of this.#connections) {
      this.#relay.cancelPeerlist(peer);
      peer.channel.destroy();
    }
    await Promise.all(closed);
    await this.#cluster?.stop().catch((err: unknown) => this.#logger.warn({ err }, 'cluster stop failed'));
    await this.#onion?.close().catch((err: unknown) => this.#logger.warn({ err }, 'onion close failed'));
    await this.#listener?.close();
  }

  /** What the cluster link may do here: deliver other instances' messages and departures. */
  #clusterHost(): ClusterHost {
    return {
      location: this.#advertised,
      deliverPrivmsg: (to, text, entry) => this.#relay.deliverPrivmsg(to, text, entry),
      deliverPubmsg: (text) => this.#relay.deliverPubmsg(text),
      departed: (nick, location) => {
        if (!this.#stopping && !this.#peers.has(nick)) this.#relay.broadcastDepartureOf(nick, location);
      },
      lost: (nick, reason) => {
        const peer = this.#peers.get(nick);
        if (peer === undefined) return;
        // Displaced: the nick lives on elsewhere, so no departure goes out for it.
        if (reason === 'displaced') {
          this.#peers.delete(nick);
          this.stats.peers = this.#peers.size;
          peer.state = 'new';
        }
        this.#evict(peer, reason);
      },
      localClaims: () => this.#localClaims(),
    };
  }

  *#localClaims(): Iterable<NickClaim> {
    for (const p of this.#peers.values()) {
      const claim: NickClaim = {
        nick: p.nick,
        location: p.location,
        features: p.featureNames(),
        verified: p.verified,
      };
      if (p.verifiedPubkey !== undefined) claim.pubkey = p.verifiedPubkey;
      yield claim;
    }
  }

  get #stopping(): boolean {
    return this.#life.state === 'stopping' || this.#life.state === 'stopped';
  }

  #context(): ServerContext {
    return {
      nick: this.nick,
      options: this.options,
      stats: this.stats,
      logger: this.#logger,
      cluster: this.#cluster,
      peer: (nick) => this.#peers.get(nick),
      registered: () => this.#peers.values(),
      send: (peer, type, line) => this.#sendText(peer, encodeEnvelope(type, line)),
      sendText: (peer, text) => this.#sendText(peer, text),
      drop: (reason) => this.#drop(reason),
      register: (peer) => this.#register(peer),
      unregister: (peer) => {
        if (this.#peers.get(peer.nick) === peer) this.#peers.delete(peer.nick);
        this.stats.peers = this.#peers.size;
        peer.state = 'new';
      },
      evict: (peer, reason, flush) => this.#evict(peer, reason, flush),
      rejected: (reason, nick) => this.emit('reject', reason, nick),
      admitHandshake: (peer, now) => this.#handshakes.take(peer.address, now),
    };
  }

  #drop(reason: string): void {
    bump(this.stats.dropped, reason);
  }

  /**
   * Queues text for one peer. A peer whose queue is over its bound is a reader that does not keep
   * up: it is closed (the cost falls on it), and nothing already queued for it is dropped.
   */
  #sendText(peer: ServerPeer, text: string): boolean {
    if (peer.channel.sendText(text)) return true;
    if (!peer.channel.closed) this.#evict(peer, 'slow_reader');
    return false;
  }

  #accept(socket: Socket): void {
    const now = Date.now();
    if (this.#connections.size >= this.options.maxConnections || this.#stopping) {
      this.#drop('max_connections');
      socket.destroy();
      return;
    }
    const address = socket.remoteAddress ?? '?';
    const peer = new ServerPeer(
      socket,
      this.#channelOptions,
      this.#peerHooks,
      new TokenBucket(this.options.rateLimit, this.options.rateBurst, now),
      new TokenBucket(this.options.rateLimitBytes, this.options.rateBurstBytes, now),
      new TokenBucket(this.options.pubmsgRateBytes, this.options.pubmsgBurstBytes, now),
      now,
      address,
      socket.remotePort ?? 0,
    );
    this.#connections.add(peer);
    this.stats.connections = this.#connections.size;
    this.stats.connectionsTotal++;
  }

  #onEnvelope(peer: ServerPeer, env: Envelope, canonical: string | undefined, size: number): void {
    const now = Date.now();
    // Pubmsgs fan out to every peer, so they have a byte budget of their own.
    if (env.type === MessageType.PUBMSG && !peer.pubmsgBytes.take(now, size)) {
      this.#overLimit(peer);
      return;
    }
    peer.lastSeen = now;
    peer.pingSentAt = 0;
    peer.probeSentAt = 0;
    if (peer.state !== 'registered') {
      this.#handshaker.onUnregistered(peer, env, now);
      return;
    }
    this.#relay.onMessage(peer, env, canonical);
  }

  /** The message and byte budgets, checked before a line is decoded. */
  #admit(peer: ServerPeer, size: number): boolean {
    const now = Date.now();
    if (peer.bucket.take(now) && peer.bytes.take(now, size)) return true;
    this.#overLimit(peer);
    return false;
  }

  /** Drops a message over a rate limit; a sender that keeps at it loses its connection (ng: after 200). */
  #overLimit(peer: ServerPeer): void {
    this.#drop('rate_limited');
    if (++peer.violations >= this.options.maxRateViolations) this.#evict(peer, 'rate_limited');
  }

  #onClose(peer: ServerPeer): void {
    this.#relay.cancelPeerlist(peer);
    if (!this.#connections.delete(peer)) return;
    this.stats.connections = this.#connections.size;
    if (peer.state !== 'registered' || this.#peers.get(peer.nick) !== peer) return;
    this.#peers.delete(peer.nick);
    this.stats.peers = this.#peers.size;
    this.#logger.info({ nick: peer.nick }, 'peer left');
    this.emit('leave', peer.nick, peer.location);
    this.#cluster?.release(peer.nick);
    if (!this.#stopping) this.#relay.broadcastDeparture(peer);
  }

  #register(peer: ServerPeer): void {
    peer.state = 'registered';
    this.#peers.set(peer.nick, peer);
    this.stats.peers = this.#peers.size;
    this.#logger.info({ nick: peer.nick, location: peer.location }, 'peer joined');
    this.emit('join', peer.nick, peer.location);
  }

  /**
   * Over the budget for partial lines: close the connections holding the oldest ones until the
   * rest fit. Runs only when a held line grew past the budget, so the scan is rare.
   */
  #checkHeld(): void {
    while (this.#held.bytes > this.options.maxHeldPartialBytes) {
      let oldest: ServerPeer | undefined;
      for (const p of this.#connections) {
        const since = p.channel.partialSince;
        if (since !== 0 && !p.channel.closed && (oldest === undefined || since < oldest.channel.partialSince))
          oldest = p;
      }
      if (oldest === undefined) return;
      this.#evict(oldest, 'partial_budget');
    }
  }

  #evict(peer: ServerPeer, reason: string, flush = false): void {
    bump(this.stats.evicted, reason);
    this.#logger.debug({ nick: peer.nick, reason }, 'evicting peer');
    if (flush) peer.channel.end();
    else peer.channel.destroy();
  }

  /**
   * Probes an idle peer as ng's heartbeat does: 798 when it speaks `ping`; otherwise, if it is a
   * maker, a unicast `!orderbook` (a pubmsg, so reference makers handle it unsigned) whose offer
   * answer refreshes its liveness; takers without `ping` are left to the idle eviction.
   */
  #probe(peer: ServerPeer, now: number): void {
    if (peer.has('ping')) {
      peer.pingSentAt = now;
      this.#sendText(peer, encodeEnvelope(MessageType.PING, ''));
      return;
    }
    const every = this.options.orderbookProbeInterval;
    if (every <= 0 || !peer.serving || (peer.probeSentAt !== 0 && now - peer.probeSentAt < every)) return;
    peer.probeSentAt = now;
    this.stats.orderbookProbes++;
    this.#sendText(
      peer,
      encodeEnvelope(
        MessageType.PUBMSG,
        `${this.nick}${COMMAND_PREFIX}${PUBLIC_TARGET}${COMMAND_PREFIX}orderbook`,
      ),
    );
  }
}
