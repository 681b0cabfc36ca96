/**
 * The taker's multi-directory logic in one socket-free class: what `MultiDirectoryClient` does
 * once its connections exist. The directory layer hands it every verified message and peerlist
 * and gives it {@link DirectoryPort}s (and optionally a {@link DirectPort}) to send through; this
 * class decides nick presence, collects the orderbook, routes and pins private messages, and
 * gathers responses.
 *
 * @module
 */
import { TypedEmitter, type AbortOptions } from '../../core/index.js';
import { ChannelPolicy, directoryChannel, type Channel, type RouteView } from './channel-policy.js';
import { systemClock, type Clock } from './clock.js';
import { parseOfferMessage } from './command-chain.js';
import {
  DIRECT_CHANNEL,
  DIRECTORY_CHANNEL_PREFIX,
  INBOX_MAX_AGE_MS,
  INBOX_MAX_MESSAGES,
} from './constants.js';
import { parseBondProof } from './fidelity-bond.js';
import { isOfferType } from './offer.js';
import { NickTracker } from './nick-tracker.js';
import { OrderbookCollector, type OrderbookResult } from './orderbook-collector.js';
import {
  ResponseCollector,
  type IncomingPrivmsg,
  type MakerResponse,
  type PushOutcome,
} from './response-collector.js';

/** One connected directory, as the directory layer exposes it. */
export interface DirectoryPort {
  /** Canonical `host:port` of the directory. */
  readonly id: string;
  /** True while the connection is handshaked. */
  isConnected(): boolean;
  /** Sends `FROM!PUBLIC<body>`; `body` starts with `!`. */
  sendPubmsg(body: string, options?: AbortOptions): Promise<void>;
  /** Signs and sends `FROM!TO!command data <pub> <sig>`. */
  sendPrivmsg(to: string, command: string, data: string, options?: AbortOptions): Promise<void>;
}

/** Direct peer links, as the direct-link layer exposes them. */
export interface DirectPort {
  /** True while a handshaked direct link to the nick is up. */
  isConnected(nick: string): boolean;
  /** Signs and sends a privmsg over the nick's direct link. */
  sendPrivmsg(to: string, command: string, data: string, options?: AbortOptions): Promise<void>;
}

/** One peerlist entry (the directory layer parses the `nick;location[;D]` text). */
export interface PeerlistEntry {
  nick: string;
  /** True for a `;D` (departed) entry. */
  gone: boolean;
}

/** Events of {@link MultiDirectoryCore}. */
export type MultiDirectoryCoreEvents = {
  /** A nick left every directory. */
  nickLeave: [nick: string];
};

/** Options for {@link MultiDirectoryCore}. */
export interface MultiDirectoryCoreInit {
  /** Our own nick: fidelity-bond proofs must be bound to it. */
  nick: string;
  /** Use direct links when up, and upgrade sessions to them. @default true */
  preferDirectConnections?: boolean;
  /** Registered as a `nickLeave` listener. @default undefined */
  onNickLeave?: (nick: string) => void;
  /** Time source for collections and waits. @default systemClock */
  clock?: Clock;
  /** Picks among equal directories (tests pass a fixed one). @default random */
  pick?: (candidates: readonly string[]) => number;
}

/** Options of {@link MultiDirectoryCore.fetchOrderbook}. */
export interface FetchOrderbookOptions extends AbortOptions {
  /** @default 120000 */
  timeout?: number;
  /** @default 30000 */
  minWait?: number;
  /** @default 15000 */
  quietPeriod?: number;
}

/** Options of {@link MultiDirectoryCore.sendPrivmsg}. */
export interface SendPrivmsgOptions extends AbortOptions {
  /** `direct` or `directory:<host:port>`. @default undefined (choose and pin) */
  forceChannel?: string;
}

/** Options of {@link MultiDirectoryCore.waitForResponses}. */
export interface WaitForResponsesOptions extends AbortOptions {
  /** @default 60000 */
  timeout?: number;
  /** Messages per maker (for `!sig`). @default 1 each */
  expectedCounts?: Readonly<Record<string, number>>;
  /** Payload decoder, for example decryption. @default identity */
  decode?: (nick: string, data: string) => string;
}

/** Counters of {@link MultiDirectoryCore}. */
export interface MultiDirectoryCoreStats {
  unverified: number;
  badOffers: number;
  badBonds: number;
  sendFailures: number;
  orderbookRequestFailures: number;
  inboxDropped: number;
  [key: string]: number;
}

/**
 * Taker-side multi-directory logic without sockets.
 *
 * @example
 * ```ts
 * const core = new MultiDirectoryCore({ nick: ourNick });
 * for (const client of pool.clients()) core.addDirectory(client);      // DirectoryPort each
 * pool.on('privmsg', (dir, msg) => core.handlePrivmsg(dir, msg));       // after signature checks
 * const book = await core.fetchOrderbook({ minWait: 30_000 });
 * const channel = await core.sendPrivmsg(maker, 'fill', fillArgs);
 * const answers = await core.waitForResponses([maker], '!pubkey');
 * ```
 */
export class MultiDirectoryCore extends TypedEmitter<MultiDirectoryCoreEvents> {
  /** Counters; read at any time. */
  readonly stats: MultiDirectoryCoreStats = {
    unverified: 0,
    badOffers: 0,
    badBonds: 0,
    sendFailures: 0,
    orderbookRequestFailures: 0,
    inboxDropped: 0,
  };
  /** Nick presence across directories. */
  readonly nicks: NickTracker;
  /** Per-session channel pinning. */
  readonly channels: ChannelPolicy;
  readonly #nick: string;
  readonly #clock: Clock;
  readonly #directories = new Map<string, DirectoryPort>();
  readonly #listed = new Map<string, Set<string>>();
  readonly #waits = new Set<ResponseCollector>();
  // Verified privmsgs no wait has taken yet: a reply may beat the waitForResponses call that
  // follows the send. Bounded in count and age.
  #inbox: Array<{ at: number; message: IncomingPrivmsg }> = [];
  #direct: DirectPort | undefined;
  #collection: OrderbookCollector | undefined;

  constructor(init: MultiDirectoryCoreInit) {
    super();
    this.#nick = init.nick;
    this.#clock = init.clock ?? systemClock;
    this.nicks = new NickTracker();
    this.channels = new ChannelPolicy({
      preferDirect: init.preferDirectConnections ?? true,
      ...(init.pick === undefined ? {} : { pick: init.pick }),
    });
    if (init.onNickLeave !== undefined) this.on('nickLeave', init.onNickLeave);
    this.nicks.on('nickLeave', (nick) => {
      this.#collection?.removeCounterparty(nick);
      this.emit('nickLeave', nick);
    });
  }

  /** Registers a connected directory. */
  addDirectory(port: DirectoryPort): void {
    this.#directories.set(port.id, port);
  }

  /** A directory connection closed: its nicks are gone from it, sessions on it will rebind. */
  removeDirectory(id: string): void {
    this.#directories.delete(id);
    this.#listed.delete(id);
    this.nicks.forgetServer(id);
  }

  /** Sets the direct-link layer. */
  setDirectPort(port: DirectPort | undefined): void {
    this.#direct = port;
  }

  /** True while at least one directory lists the nick. */
  isNickActive(nick: string): boolean {
    return this.nicks.isNickActive(nick);
  }

  /** Applies a directory's complete peerlist (a GETPEERLIST answer). */
  syncNicksWithPeerlist(server: string, nicks: Iterable<string>): void {
    const listed = new Set(nicks);
    this.#listed.set(server, listed);
    this.nicks.syncNicksWithPeerlist(server, listed);
  }

  /** Applies incremental peerlist entries (joins, and `;D` departures). */
  handlePeerlist(server: string, entries: readonly PeerlistEntry[]): void {
    let listed = this.#listed.get(server);
    if (listed === undefined) this.#listed.set(server, (listed = new Set()));
    for (const { nick, gone } of entries) {
      if (gone) {
        listed.delete(nick);
        this.nicks.markGone(nick, server);
      } else {
        listed.add(nick);
      }
    }
  }

  /** A public message relayed by `server` (unsigned: offers count, presence does not). */
  handlePubmsg(server: string, from: string, body: string): void {
    this.#takeOffers(from, body, directoryChannel(server), false);
  }

  /**
   * A private message from a directory or a direct link, after the directory layer checked its
   * signature and nick (`verified`). Unverified messages are counted and dropped.
   */
  handlePrivmsg(message: IncomingPrivmsg): void {
    if (!message.verified) {
      this.stats.unverified += 1;
      return;
    }
    if (message.channel.startsWith(DIRECTORY_CHANNEL_PREFIX)) {
      this.nicks.markPresent(message.from, message.channel.slice(DIRECTORY_CHANNEL_PREFIX.length));
    }
    this.#takeOffers(message.from, `!${message.command} ${message.data}`, message.channel, true);
    let taken = false;
    for (const wait of this.#waits) taken = consumed(wait.push(message)) || taken;
    // Offer answers belong to the orderbook, never to a wait: no need to keep them.
    if (!taken && !isOfferType(message.command.replace(/^!/, ''))) this.#keep(message);
  }

  /**
   * Collects the orderbook: sends `!orderbook` through every connected directory at once and
   * returns when the collection ends (early exit, timeout, or abort).
   */
  async fetchOrderbook(options: FetchOrderbookOptions = {}): Promise<OrderbookResult> {
    await this.#collection?.stop();
    const collection = new OrderbookCollector({
      clock: this.#clock,
      ...pick(options, ['timeout', 'minWait', 'quietPeriod', 'signal']),
    });
    this.#collection = collection;
    const done = collection.start();
    const sends = [...this.#directories.values()]
      .filter((d) => d.isConnected())
      .map((d) => d.sendPubmsg('!orderbook', pick(options, ['signal'])));
    for (const r of await Promise.allSettled(sends)) {
      if (r.status === 'rejected') this.stats.orderbookRequestFailures += 1;
    }
    try {
      return await done;
    } finally {
      if (this.#collection === collection) this.#collection = undefined;
    }
  }

  /**
   * Sends a private message on the session's channel and returns it (`direct` or
   * `directory:<host:port>`). An unforced send that fails is retried once on a fresh channel.
   *
   * @throws PeerwayError ERR_ORDERBOOK_CHANNEL_* / ERR_ORDERBOOK_NO_ROUTE (see ChannelPolicy), or
   *   the port's error when the retry fails too.
   */
  async sendPrivmsg(
    recipient: string,
    command: string,
    data: string,
    options: SendPrivmsgOptions = {},
  ): Promise<Channel> {
    const attempts = options.forceChannel === undefined ? 2 : 1;
    const failed = new Set<Channel>();
    // The retry must not pick the channel that just failed, even if its owner still calls it up.
    const routes: RouteView = {
      ...this.#routes,
      hasDirect: (nick) => !failed.has(DIRECT_CHANNEL) && this.#routes.hasDirect(nick),
      isDirectoryConnected: (id) =>
        !failed.has(directoryChannel(id)) && this.#routes.isDirectoryConnected(id),
    };
    for (let attempt = 1; ; attempt++) {
      const channel = this.channels.choose(recipient, routes, options.forceChannel);
      try {
        await this.#send(channel, recipient, command, data, options);
        return channel;
      } catch (err) {
        this.stats.sendFailures += 1;
        this.channels.channelFailed(recipient, channel);
        failed.add(channel);
        if (attempt >= attempts) throw err;
      }
    }
  }

  /** Waits for `command` from every nick (see ResponseCollector for the rules). */
  async waitForResponses(
    nicks: Iterable<string>,
    command: string,
    options: WaitForResponsesOptions = {},
  ): Promise<Map<string, MakerResponse>> {
    const wait = new ResponseCollector({
      nicks,
      command,
      clock: this.#clock,
      ...pick(options, ['timeout', 'expectedCounts', 'decode', 'signal']),
    });
    this.#waits.add(wait);
    this.#pruneInbox();
    this.#inbox = this.#inbox.filter(({ message }) => !consumed(wait.push(message)));
    try {
      return await wait.wait();
    } finally {
      this.#waits.delete(wait);
    }
  }

  /** Waits for one maker's response; undefined when it did not answer in time. */
  async waitForResponse(
    nick: string,
    command: string,
    options: WaitForResponsesOptions = {},
  ): Promise<MakerResponse | undefined> {
    return (await this.waitForResponses([nick], command, options)).get(nick);
  }

  /** Ends any collection and wait in progress. Idempotent. */
  async close(): Promise<void> {
    for (const wait of this.#waits) void wait.stop().catch(() => undefined);
    await this.#collection?.stop();
  }

  #keep(message: IncomingPrivmsg): void {
    this.#pruneInbox();
    if (this.#inbox.length >= INBOX_MAX_MESSAGES) {
      this.#inbox.shift();
      this.stats.inboxDropped += 1;
    }
    this.#inbox.push({ at: this.#clock.now(), message });
  }

  #pruneInbox(): void {
    const cutoff = this.#clock.now() - INBOX_MAX_AGE_MS;
    let stale = 0;
    while (stale < this.#inbox.length && this.#inbox[stale]!.at < cutoff) stale += 1;
    if (stale > 0) this.#inbox.splice(0, stale);
  }

  readonly #routes: RouteView = {
    hasDirect: (nick) => this.#direct?.isConnected(nick) === true,
    activeDirectories: (nick) => this.nicks.serversOf(nick),
    listedDirectories: (nick) => [...this.#listed].filter(([, set]) => set.has(nick)).map(([id]) => id),
    isDirectoryConnected: (id) => this.#directories.get(id)?.isConnected() === true,
  };

  async #send(
    channel: Channel,
    to: string,
    command: string,
    data: string,
    options: AbortOptions,
  ): Promise<void> {
    const opts = pick(options, ['signal']);
    if (channel === DIRECT_CHANNEL) return this.#direct!.sendPrivmsg(to, command, data, opts);
    const port = this.#directories.get(channel.slice(DIRECTORY_CHANNEL_PREFIX.length))!;
    return port.sendPrivmsg(to, command, data, opts);
  }

  #takeOffers(from: string, body: string, source: string, signed: boolean): void {
    const collection = this.#collection;
    if (collection === undefined || collection.finished) return;
    let parsed;
    try {
      parsed = parseOfferMessage(body);
    } catch {
      this.stats.badOffers += 1;
      return;
    }
    this.stats.badOffers += parsed.rejected.length;
    for (const offer of parsed.offers) collection.addOffer(from, offer, source);
    for (const oid of parsed.cancels) collection.cancel(from, oid);
    // A bond proof is only meaningful in a signed privmsg addressed to us.
    if (signed && parsed.bondProof !== undefined) {
      try {
        collection.addBond(
          from,
          parseBondProof(parsed.bondProof, { takerNick: this.#nick, makerNick: from }),
        );
      } catch {
        this.stats.badBonds += 1;
      }
    }
  }
}

/** A message a wait accepted, or recognised as a copy of one it has, is used up. */
function consumed(outcome: PushOutcome): boolean {
  return outcome === 'accepted' || outcome === 'duplicate';
}

/** Copies the named options that are set (exactOptionalPropertyTypes forbids passing undefined). */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
