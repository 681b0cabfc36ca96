/**
 * The directory server: accepts connections, handshakes them, keeps nicks unique, relays
 * pubmsgs to everyone and privmsgs to one, answers getpeerlist, broadcasts departures and
 * evicts silent peers.
 *
 * @module
 */
import type { Socket } from 'node:net';
import {
  ErrorCodes,
  PeerwayError,
  silentLogger,
  TokenBucket,
  TypedEmitter,
  type Logger,
} from '../core/index.js';
import { listenTcp, type TcpListener } from '../transport/index.js';
import { COMMAND_PREFIX, MessageType, PUBLIC_TARGET } from './constants.js';
import { encodeEnvelope, type Envelope } from './envelope.js';
import { LineChannel } from './line-channel.js';
import { NickIdentity } from './nick.js';
import type { PublishedOnion } from './onion-publisher.js';
import { ServerHandshaker } from './server-handshake.js';
import {
  resolveServerOptions,
  type DirectoryServerInit,
  type ResolvedServerOptions,
} from './server-options.js';
import { ServerPeer } from './server-peer.js';
import { ServerRelay } from './server-relay.js';
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
export class DirectoryServer extends TypedEmitter<DirectoryServerEvents> {
  /** Live counters. */
  readonly stats: DirectoryServerStats = createServerStats();
  /** The directory's nick identity. */
  readonly identity: NickIdentity;
  /** Resolved options. */
  readonly options: ResolvedServerOptions;
  /** Registered peers by nick. */
  readonly peers = new Map<string, ServerPeer>();
  /** Every open connection. */
  readonly connections = new Set<ServerPeer>();
  readonly logger: Logger;
  private readonly init: DirectoryServerInit;
  /** Handshake and nick-auth logic (internal). */
  readonly handshaker: ServerHandshaker;
  private readonly relay: ServerRelay;
  private listener: TcpListener | undefined;
  private onion: PublishedOnion | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private advertised = '';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(init: DirectoryServerInit = {}) {
    super();
    this.init = init;
    this.options = resolveServerOptions(init);
    this.identity = init.identity ?? NickIdentity.generate();
    this.logger = init.logger ?? silentLogger;
    this.handshaker = new ServerHandshaker(this, init.nickAuthId);
    this.relay = new ServerRelay(this);
  }

  /** The directory's nick. */
  get nick(): string {
    return this.identity.nick;
  }

  /** The location the directory advertises (onion or `host:port`); empty before start. */
  get location(): string {
    return this.advertised;
  }

  /** The bound TCP address; throws before start. */
  get address(): { host: string; port: number } {
    if (this.listener === undefined)
      throw new PeerwayError(ErrorCodes.CLOSED, 'directory server not started');
    return { host: this.listener.host, port: this.listener.port };
  }

  /** The published onion service, if any. */
  get onionService(): PublishedOnion | undefined {
    return this.onion;
  }

  /** Starts listening (and publishing the onion, when configured). Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    this.listener = await listenTcp((socket) => this.accept(socket), {
      host: this.options.host,
      port: this.options.port,
    });
    this.advertised = this.init.location ?? `${this.listener.host}:${this.listener.port}`;
    if (this.init.onion !== undefined) {
      try {
        this.onion = await this.init.onion.publish(this.listener.host, this.listener.port);
        this.advertised = this.init.location ?? `${this.onion.hostname}:${this.onion.port}`;
      } catch (err) {
        await this.listener.close();
        throw err;
      }
    }
    // Kept referenced like the listener itself, so a missed stop() shows up as a live handle.
    this.sweepTimer = setInterval(() => this.sweep(Date.now()), this.options.sweepInterval);
    this.logger.info(
      { nick: this.nick, location: this.advertised, network: this.options.network },
      'directory listening',
    );
  }

  /** Closes every connection and the listener, withdraws the onion. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    await this.starting?.catch(() => {});
    clearInterval(this.sweepTimer);
    for (const peer of this.connections) {
      this.relay.cancelPeerlist(peer);
      peer.channel.destroy();
    }
    await this.onion?.close().catch((err: unknown) => this.logger.warn({ err }, 'onion close failed'));
    await this.listener?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  /** Records a drop. */
  drop(reason: string): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
  }

  /** Sends an envelope to one peer, counting bytes (and a drop if its buffer is full). */
  sendTo(peer: ServerPeer, type: number, line: string): void {
    this.sendTextTo(peer, encodeEnvelope(type, line));
  }

  /** Sends an encoded envelope to one peer. */
  sendTextTo(peer: ServerPeer, text: string): boolean {
    if (peer.channel.sendText(text)) return true;
    if (!peer.channel.closed) this.drop('slow_reader');
    return false;
  }

  private accept(socket: Socket): void {
    const now = Date.now();
    if (this.connections.size >= this.options.maxConnections || this.stopping !== undefined) {
      this.drop('max_connections');
      socket.destroy();
      return;
    }
    let peer: ServerPeer | undefined = undefined;
    const channel = new LineChannel(
      socket,
      {
        onEnvelope: (env, canonical) => this.onEnvelope(peer!, env, canonical),
        onProtocolError: (err) => {
          const reason = (err.details?.['reason'] as string | undefined) ?? err.code;
          this.drop(
            err.code === 'ERR_FRAME_TOO_LONG' ? 'oversize' : reason === 'oversize' ? 'oversize' : 'garbage',
          );
        },
        onClose: () => this.onClose(peer!),
      },
      {
        maxLineLength: this.options.maxLineLength,
        maxWriteBuffer: this.options.maxWriteBuffer,
        counters: this.stats,
      },
    );
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    peer = new ServerPeer(
      channel,
      new TokenBucket(this.options.rateLimit, this.options.rateBurst, now),
      now,
      remote,
    );
    this.connections.add(peer);
    this.stats.connections = this.connections.size;
    this.stats.connectionsTotal++;
  }

  private onEnvelope(peer: ServerPeer, env: Envelope, canonical: string | undefined): void {
    const now = Date.now();
    if (!peer.bucket.take(now)) {
      this.drop('rate_limited');
      return;
    }
    peer.lastSeen = now;
    peer.pingSentAt = 0;
    peer.probeSentAt = 0;
    if (peer.state !== 'registered') {
      this.handshaker.onUnregistered(peer, env, now);
      return;
    }
    this.relay.onMessage(peer, env, canonical);
  }

  private onClose(peer: ServerPeer): void {
    this.relay.cancelPeerlist(peer);
    if (!this.connections.delete(peer)) return;
    this.stats.connections = this.connections.size;
    if (peer.state !== 'registered' || this.peers.get(peer.nick) !== peer) return;
    this.peers.delete(peer.nick);
    this.stats.peers = this.peers.size;
    this.logger.info({ nick: peer.nick }, 'peer left');
    this.emit('leave', peer.nick, peer.location);
    if (this.stopping === undefined) this.relay.broadcastDeparture(peer);
  }

  /** Registers a handshaked peer under its nick (called by the handshaker). */
  register(peer: ServerPeer): void {
    peer.state = 'registered';
    this.peers.set(peer.nick, peer);
    this.stats.peers = this.peers.size;
    this.logger.info({ nick: peer.nick, location: peer.location }, 'peer joined');
    this.emit('join', peer.nick, peer.location);
  }

  /** Evicts a peer, counting the reason; `flush` lets a last reply go out first. */
  evict(peer: ServerPeer, reason: string, flush = false): void {
    this.stats.evicted[reason] = (this.stats.evicted[reason] ?? 0) + 1;
    this.logger.debug({ nick: peer.nick, reason }, 'evicting peer');
    if (flush) peer.channel.end();
    else peer.channel.destroy();
  }

  /** Timeouts: handshake deadline, nick-auth deadline, ping, pong and idle eviction. */
  sweep(now: number): void {
    const o = this.options;
    for (const peer of this.connections) {
      if (peer.state === 'new') {
        if (now - peer.connectedAt > o.handshakeTimeout) this.evict(peer, 'handshake_timeout');
        continue;
      }
      if (peer.challenge !== undefined) this.handshaker.checkExpiry(peer, now);
      if (peer.state !== 'registered') continue;
      const idle = now - peer.lastSeen;
      if (idle > o.evictAfterIdle) this.evict(peer, 'idle');
      else if (peer.pingSentAt !== 0 && now - peer.pingSentAt > o.pongTimeout) this.evict(peer, 'no_pong');
      else if (peer.pingSentAt === 0 && idle > o.pingAfterIdle) this.probe(peer, now);
    }
  }

  /**
   * Probes an idle peer as ng's heartbeat does: 798 when it speaks `ping`; otherwise, if it is a
   * maker, a unicast `!orderbook` (a pubmsg, so reference makers handle it unsigned) whose offer
   * answer refreshes its liveness; takers without `ping` are left to the idle eviction.
   */
  private probe(peer: ServerPeer, now: number): void {
    if (peer.has('ping')) {
      peer.pingSentAt = now;
      this.sendTo(peer, MessageType.PING, '');
      return;
    }
    const every = this.options.orderbookProbeInterval;
    if (every <= 0 || !peer.serving || (peer.probeSentAt !== 0 && now - peer.probeSentAt < every)) return;
    peer.probeSentAt = now;
    this.stats.orderbookProbes++;
    this.sendTo(
      peer,
      MessageType.PUBMSG,
      `${this.nick}${COMMAND_PREFIX}${PUBLIC_TARGET}${COMMAND_PREFIX}orderbook`,
    );
  }

  /** Current peers (for status pages). */
  listPeers(): Array<{ nick: string; location: string; verified: boolean }> {
    return [...this.peers.values()].map((p) => ({
      nick: p.nick,
      location: p.location,
      verified: p.verified,
    }));
  }
}
