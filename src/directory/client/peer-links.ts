/**
 * Direct peer links, by nick: outbound links a taker opens in the background to makers that serve
 * a location, and (for a maker) a TCP listener that accepts them. Implements the orderbook
 * layer's `DirectPort`, so the multi-directory logic can route over it.
 *
 * @module
 */
import { PEER_ISOLATION, CONNECT_TIMEOUT_MS, MAX_PEER_LINKS, UNPROVEN_LINK_TIMEOUT_MS } from './constants.js';
import {
  DEFAULT_LISTEN_HOST,
  DEFAULT_NETWORK,
  HANDSHAKE_TIMEOUT_MS,
  NOT_SERVING_ONION,
  parseLocation,
} from '../wire/index.js';
import type { Socket } from 'node:net';
import { deadline, silentLogger, TypedEmitter, type Logger, type Startable } from '../../core/index.js';
import { listenTcp, type TcpListener } from '../../transport/index.js';
import { tcpDialer, type Dialer } from './dialer.js';
import type { BitcoinNetwork, Features, VerifiedPrivmsg, NickIdentity } from '../wire/index.js';
import { OnDemandLifecycle } from './on-demand-lifecycle.js';
import { PeerLink } from './peer-link.js';
import { checkOnion } from '../wire/index.js';

function validOnion(host: string): boolean {
  try {
    checkOnion(host, host.toLowerCase());
    return true;
  } catch {
    return false;
  }
}

/** Options for {@link PeerLinks}. */
export interface PeerLinksInit {
  /** Our nick identity. */
  identity: NickIdentity;
  /** Network named in handshakes. @default 'mainnet' */
  network?: BitcoinNetwork;
  /** Our location in peer handshakes. @default 'NOT-SERVING-ONION' */
  location?: string;
  /** Features our peer handshakes advertise. @default {} */
  features?: Features;
  /** How to dial a peer. @default plain TCP */
  dialer?: Dialer;
  /** Isolation category of peer dials (a SOCKS dialer maps it to credentials). @default 'peer' */
  isolationCategory?: string;
  /** Dial + handshake deadline, ms. @default 120000 */
  timeout?: number;
  /** Most links. @default 1000 */
  maxLinks?: number;
  /** Inbound links without a privmsg signed by their nick are closed after this, ms. @default 60000 */
  unprovenTimeout?: number;
  /** Logger. @default silent */
  logger?: Logger;
}

/** Events of {@link PeerLinks}. */
export type PeerLinksEvents = {
  /** A verified privmsg arrived over a link. */
  privmsg: [message: VerifiedPrivmsg];
  /** A link to `nick` completed its handshake; `features` are the ones its handshake advertised. */
  up: [nick: string, features: Features];
  /** The link to `nick` closed. */
  down: [nick: string];
};

/** Counters of {@link PeerLinks}. */
export interface PeerLinksStats {
  dials: number;
  dialFailures: number;
  accepted: number;
  refused: number;
  /** Inbound links closed because no privmsg signed by their nick came in time. */
  unproven: number;
  /** Links refused because they would have displaced a proven link to the same nick. */
  displacementsRefused: number;
  [key: string]: number;
}

/**
 * The set of direct links.
 *
 * @example
 * ```ts
 * const links = new PeerLinks({ identity, network: 'signet' });
 * links.connectInBackground('J5maker', '127.0.0.1:5300');
 * links.on('privmsg', (m) => console.log(m.from, m.command));
 * await links.stop();
 * ```
 *
 * Dialling needs no start; `listen()` (or `start()` after it) opens the listener for inbound
 * links. `stop()` closes everything, started or not.
 */
export class PeerLinks extends TypedEmitter<PeerLinksEvents> implements Startable {
  readonly stats: PeerLinksStats = {
    dials: 0,
    dialFailures: 0,
    accepted: 0,
    refused: 0,
    unproven: 0,
    displacementsRefused: 0,
  };
  readonly #init: PeerLinksInit;
  readonly #links = new Map<string, PeerLink>();
  readonly #pending = new Map<string, Promise<boolean>>();
  readonly #all = new Set<PeerLink>();
  /** Links that delivered a privmsg signed by their nick's key. */
  readonly #proven = new WeakSet<PeerLink>();
  readonly #logger: Logger;
  #listener: TcpListener | undefined;
  #location: string;
  #listenOn: { host?: string; port?: number } | undefined;
  readonly #life = new OnDemandLifecycle(
    () => this.#open(),
    () => this.#close(),
  );

  constructor(init: PeerLinksInit) {
    super();
    this.#init = init;
    this.#logger = init.logger ?? silentLogger;
    this.#location = init.location ?? NOT_SERVING_ONION;
  }

  /** Changes the location sent in later handshakes (a maker learns its port after listen()). */
  setLocation(location: string): void {
    this.#location = location;
  }

  /** The listener's port, when {@link listen} was called. */
  get port(): number | undefined {
    return this.#listener?.port;
  }

  isConnected(nick: string): boolean {
    return this.#links.get(nick)?.connected === true;
  }

  sendPrivmsg(to: string, command: string, data: string): boolean {
    return this.#links.get(to)?.sendPrivmsg(to, command, data) ?? false;
  }

  /** Nicks with a link up. */
  nicks(): string[] {
    return [...this.#links].filter(([, l]) => l.connected).map(([n]) => n);
  }

  /** Closes the link to `nick`, if any (the peer sees the socket close). */
  drop(nick: string): void {
    this.#links.get(nick)?.close();
  }

  /**
   * Opens a link to `nick` at `location` unless one is up or being opened; resolves true once it
   * is handshaked, false when the location is not reachable or the dial/handshake failed.
   */
  connect(nick: string, location: string): Promise<boolean> {
    if (this.isConnected(nick)) return Promise.resolve(true);
    const pending = this.#pending.get(nick);
    if (pending !== undefined) return pending;
    const target = location === NOT_SERVING_ONION ? undefined : parseLocation(location);
    if (target === undefined || target === NOT_SERVING_ONION || this.#life.stopping) {
      return Promise.resolve(false);
    }
    // A peer-announced onion must pass its v3 checksum before we spend a Tor dial on it.
    if (target.host.toLowerCase().endsWith('.onion') && !validOnion(target.host)) {
      this.stats.badLocations = (this.stats.badLocations ?? 0) + 1;
      this.#logger.debug({ nick, location }, 'invalid onion location');
      return Promise.resolve(false);
    }
    if (this.#all.size >= (this.#init.maxLinks ?? MAX_PEER_LINKS)) return Promise.resolve(false);
    const attempt = this.#dial(nick, target.host, target.port).finally(() => this.#pending.delete(nick));
    this.#pending.set(nick, attempt);
    return attempt;
  }

  /** {@link connect} without waiting; failures are counted and logged. */
  connectInBackground(nick: string, location: string): void {
    void this.connect(nick, location);
  }

  /** Accepts links on `host:port` (a maker's own location) from now on. Returns the bound port. */
  async listen(options: { host?: string; port?: number } = {}): Promise<number> {
    this.#listenOn = options;
    await this.#life.start();
    return this.#listener?.port ?? 0;
  }

  /** Opens the listener when {@link listen} named an address; otherwise nothing to open. */
  start(): Promise<void> {
    return this.#life.start();
  }

  /** Closes every link, pending dial and the listener. Every call returns the same promise. */
  stop(): Promise<void> {
    return this.#life.stop();
  }

  /** Same as {@link stop}. */
  close(): Promise<void> {
    return this.stop();
  }

  /** Same as {@link stop}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #open(): Promise<void> {
    if (this.#listenOn === undefined || this.#life.stopping) return;
    this.#listener = await listenTcp((socket) => this.#accept(socket), {
      host: this.#listenOn.host ?? DEFAULT_LISTEN_HOST,
      port: this.#listenOn.port ?? 0,
    });
  }

  async #close(): Promise<void> {
    for (const link of this.#all) link.close();
    await Promise.allSettled([...this.#pending.values()]);
    await this.#listener?.close();
  }

  async #dial(nick: string, host: string, port: number): Promise<boolean> {
    this.stats.dials += 1;
    const timeout = this.#init.timeout ?? CONNECT_TIMEOUT_MS;
    const signal = deadline(this.#life.signal, timeout);
    try {
      const stream = await (this.#init.dialer ?? tcpDialer)(host, port, {
        signal,
        timeout,
        category: this.#init.isolationCategory ?? PEER_ISOLATION,
      });
      const link = this.#track(
        new PeerLink({ ...this.#linkInit(), stream, outbound: true, expectedNick: nick }),
      );
      await link.handshake(signal);
      this.#watch(link);
      // We dialled the location the network gave for `nick`, and the handshake named it: route
      // over the link now (it never displaces a proven one; see #route).
      this.#route(nick, link);
      return this.#links.get(nick) === link;
    } catch (err) {
      this.stats.dialFailures += 1;
      this.#logger.debug({ nick, code: (err as { code?: string }).code }, 'direct link failed');
      return false;
    }
  }

  #accept(socket: Socket): void {
    if (this.#life.stopping || this.#all.size >= (this.#init.maxLinks ?? MAX_PEER_LINKS)) {
      this.stats.refused += 1;
      socket.destroy();
      return;
    }
    this.stats.accepted += 1;
    const link = this.#track(new PeerLink({ ...this.#linkInit(), stream: socket, outbound: false }));
    // An accepted socket has only the handshake left to do: the directory's handshake deadline.
    const signal = AbortSignal.timeout(
      Math.min(this.#init.timeout ?? CONNECT_TIMEOUT_MS, HANDSHAKE_TIMEOUT_MS),
    );
    link.handshake(signal).then(
      (hs) => this.#awaitProof(hs.nick, link),
      () => (this.stats.refused += 1),
    );
  }

  #linkInit(): { identity: NickIdentity; network: string; location: string; features: Features } {
    return {
      identity: this.#init.identity,
      network: this.#init.network ?? DEFAULT_NETWORK,
      location: this.#location,
      features: this.#init.features ?? {},
    };
  }

  #track(link: PeerLink): PeerLink {
    this.#all.add(link);
    link.once('close', () => this.#all.delete(link));
    return link;
  }

  /** Forwards the link's verified privmsgs; the first one proves the link speaks for its nick. */
  #watch(link: PeerLink): void {
    link.once('privmsg', () => this.#proven.add(link));
    link.on('privmsg', (m) => this.emit('privmsg', m));
  }

  /**
   * An inbound link claims a nick in an unsigned 793, which anyone can send (a taker's nick is
   * public). As joinmarket-ng does, routing switches to it only after a privmsg signed by that
   * nick's key arrived on it; until then it displaces nothing, and it is closed if the proof does
   * not come in time.
   */
  #awaitProof(nick: string, link: PeerLink): void {
    const timer = setTimeout(() => {
      this.stats.unproven += 1;
      link.close();
    }, this.#init.unprovenTimeout ?? UNPROVEN_LINK_TIMEOUT_MS);
    timer.unref();
    link.once('close', () => clearTimeout(timer));
    link.once('privmsg', () => {
      clearTimeout(timer);
      this.#route(nick, link);
    });
    this.#watch(link);
  }

  /** Routes `nick` over `link`, closing the link it replaces; an unproven link never displaces a proven one. */
  #route(nick: string, link: PeerLink): void {
    const old = this.#links.get(nick);
    if (old === link) return;
    if (old !== undefined && old.connected && this.#proven.has(old) && !this.#proven.has(link)) {
      this.stats.displacementsRefused += 1;
      link.close();
      return;
    }
    this.#links.set(nick, link);
    if (old !== undefined) old.close();
    link.once('close', () => {
      if (this.#links.get(nick) === link) {
        this.#links.delete(nick);
        this.emit('down', nick);
      }
    });
    this.emit('up', nick, link.remote?.features ?? {});
  }
}
