/**
 * The taker's routing logic, without sockets: what `MultiDirectoryClient` does once its
 * connections exist. The directory layer hands it every verified message and peerlist
 * and gives it {@link DirectoryPort}s (and optionally a {@link DirectPort}) to send through; this
 * class decides nick presence, collects the orderbook, routes and pins private messages, and
 * gathers responses.
 *
 * @module
 */
import {
  ErrorCodes,
  isPeerwayError,
  PeerwayError,
  silentLogger,
  throwIfAborted,
  type Logger,
  type TypedEmitter,
} from '../../core/index.js';
import { ChannelPolicy, directoryChannel, type Channel, type RouteView } from './channel-policy.js';
import { systemClock, type Clock } from './clock.js';
import { parseOfferMessage, privmsgToBody, type OfferMessage } from './command-chain.js';
import { DIRECT_CHANNEL, DIRECTORY_CHANNEL_PREFIX, MAX_TRACKED_NICKS } from './constants.js';
import { parseBondProof } from './fidelity-bond.js';
import type {
  FetchOrderbookOptions,
  MultiDirectoryClientEvents,
  SendPrivmsgOptions,
  TakerRouterInit,
  TakerStats,
  WaitForResponsesOptions,
} from './taker-options.js';
import type { DirectoryPort, DirectPort, PeerlistChange, SendResult } from './ports.js';
import { ResponseInbox } from './response-inbox.js';
import { isOfferType } from './offer.js';
import { NickTracker } from './nick-tracker.js';
import { OrderbookCollector, type OrderbookResult } from './orderbook-collector.js';
import { ResponseCollector, type IncomingPrivmsg, type MakerResponse } from './response-collector.js';

/**
 * Taker-side multi-directory logic without sockets; `MultiDirectoryClient` owns one and feeds it.
 * Its events go out on the emitter it is given (the taker itself).
 *
 * @example
 * ```ts
 * const router = new TakerRouter({ nick: ourNick, events: taker });
 * router.addDirectory(port);                                  // a DirectoryPort per connection
 * router.handlePrivmsg(msg);                                  // after signature checks
 * const book = await router.fetchOrderbook({ minWait: 30_000 });
 * ```
 */
export class TakerRouter {
  /** Counters; read at any time. */
  readonly stats: TakerStats = {
    unverified: 0,
    badOffers: 0,
    badBonds: 0,
    sendFailures: 0,
    orderbookRequestFailures: 0,
  };
  /** Nick presence across directories. */
  readonly nicks: NickTracker;
  /** Per-session channel pinning. */
  readonly channels: ChannelPolicy;
  readonly #nick: string;
  readonly #events: TypedEmitter<MultiDirectoryClientEvents>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #directories = new Map<string, DirectoryPort>();
  readonly #listed = new Map<string, Set<string>>();
  // Directories that relayed a pubmsg from a nick: pubmsgs prove no presence (they are unsigned),
  // but they are where a maker known only from its offers can be reached.
  readonly #seenVia = new Map<string, Set<string>>();
  readonly #waits = new Set<ResponseCollector>();
  readonly #inbox: ResponseInbox;
  #direct: DirectPort | undefined;
  #collection: OrderbookCollector | undefined;
  // Bond proofs already checked in this collection (maker -> proof): the copies that come
  // through the other directories need no second pair of ECDSA checks.
  readonly #checkedBonds = new Map<string, string>();
  // The last offer body parsed per maker in this collection: the copies of an answer that come
  // through the other directories are byte-identical, and parsing is a function of the text alone.
  readonly #parsed = new Map<string, { body: string; parsed: OfferMessage }>();

  constructor(init: TakerRouterInit) {
    this.#nick = init.nick;
    this.#events = init.events;
    this.#clock = init.clock ?? systemClock;
    this.#logger = init.logger ?? silentLogger;
    this.#inbox = new ResponseInbox({ clock: this.#clock });
    this.nicks = new NickTracker();
    this.channels = new ChannelPolicy({
      preferDirect: init.preferDirectConnections ?? true,
      ...(init.pick === undefined ? {} : { pick: init.pick }),
    });
    this.nicks.on('nickLeave', (nick) => {
      this.#seenVia.delete(nick);
      this.#collection?.removeCounterparty(nick);
      this.#events.emit('nickLeave', nick);
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
    for (const [nick, servers] of this.#seenVia) {
      if (servers.delete(id) && servers.size === 0) this.#seenVia.delete(nick);
    }
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
    const listed = new Set<string>();
    for (const nick of nicks) if (listed.size < MAX_TRACKED_NICKS) listed.add(nick);
    this.#listed.set(server, listed);
    this.nicks.syncNicksWithPeerlist(server, listed);
  }

  /** Applies incremental peerlist entries: a join marks the nick present there, `;D` gone. */
  handlePeerlist(server: string, entries: readonly PeerlistChange[]): void {
    let listed = this.#listed.get(server);
    if (listed === undefined) this.#listed.set(server, (listed = new Set()));
    for (const { nick, disconnected } of entries) {
      if (disconnected) {
        listed.delete(nick);
        this.#seenVia.get(nick)?.delete(server);
        this.nicks.markGone(nick, server);
      } else if (listed.size < MAX_TRACKED_NICKS) {
        listed.add(nick);
        this.nicks.markPresent(nick, server);
      }
    }
  }

  /** A public message relayed by `server` (unsigned: offers count, presence does not). */
  handlePubmsg(server: string, from: string, body: string): void {
    let seen = this.#seenVia.get(from);
    if (seen === undefined && this.#seenVia.size < MAX_TRACKED_NICKS)
      this.#seenVia.set(from, (seen = new Set()));
    seen?.add(server);
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
    // The body is rebuilt only while a collection runs (it is what offers are parsed from).
    const collection = this.#collection;
    if (collection !== undefined && !collection.finished) {
      this.#takeOffers(message.from, privmsgToBody(message.command, message.data), message.channel, true);
    }
    let taken = false;
    for (const wait of this.#waits) taken = ResponseInbox.consumed(wait.push(message)) || taken;
    // Offer answers belong to the orderbook, never to a wait: no need to keep them.
    if (!taken && !isOfferType(withoutPrefix(message.command))) this.#inbox.keep(message);
  }

  /**
   * Collects the orderbook: sends `!orderbook` through every connected directory at once and
   * returns when the collection ends (early exit, timeout, or abort: `signal` ends it early with
   * what arrived, reason `aborted`).
   */
  fetchOrderbook(options: FetchOrderbookOptions = {}): Promise<OrderbookResult> {
    // Set up synchronously, so an answer arriving right after this call is never missed. A
    // collection still running ends now; its caller gets what it had.
    void this.#collection?.stop();
    const collection = new OrderbookCollector({
      clock: this.#clock,
      ...pick(options, ['timeout', 'minWait', 'quietPeriod', 'signal']),
    });
    this.#collection = collection;
    this.#checkedBonds.clear();
    this.#parsed.clear();
    collection.on('progress', (progress) => this.#events.emit('orderbookProgress', progress));
    const done = collection.start();
    return this.#requestOrderbook(collection, done);
  }

  async #requestOrderbook(
    collection: OrderbookCollector,
    done: Promise<OrderbookResult>,
  ): Promise<OrderbookResult> {
    const sends = [...this.#directories.values()]
      .filter((d) => d.connected)
      .map((d) => sent(() => d.sendPubmsg('orderbook')));
    for (const ok of await Promise.all(sends)) {
      if (!ok) this.stats.orderbookRequestFailures += 1;
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
   * @throws PeerwayError ERR_ORDERBOOK_CHANNEL_* / ERR_ORDERBOOK_NO_ROUTE (see ChannelPolicy),
   *   ERR_ORDERBOOK_SEND_FAILED (cause: the port's error) when the retry fails too, ERR_ABORTED.
   */
  async sendPrivmsg(
    recipient: string,
    command: string,
    data: string,
    options: SendPrivmsgOptions = {},
  ): Promise<Channel> {
    // A !fill opens a new session with the maker: replies kept from an earlier one are void.
    if (command === 'fill') this.#inbox.startSession(recipient);
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
      throwIfAborted(options.signal, 'sendPrivmsg');
      const channel = this.channels.choose(recipient, routes, options.forceChannel);
      let cause: unknown;
      const ok = await sent(
        () => this.#send(channel, recipient, command, data),
        (err) => (cause = err),
      );
      if (ok) return channel;
      this.stats.sendFailures += 1;
      this.channels.channelFailed(recipient, channel);
      failed.add(channel);
      if (attempt >= attempts) {
        throw new PeerwayError(
          ErrorCodes.ORDERBOOK_SEND_FAILED,
          `could not send to ${recipient} via ${channel}`,
          {
            cause,
            details: { recipient, channel },
          },
        );
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
    this.#inbox.drainInto(wait);
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

  /** Counters of the inbox of replies no wait has taken yet. */
  get inboxStats(): Readonly<Record<string, number>> {
    return this.#inbox.stats;
  }

  /** Ends any collection and wait in progress. Idempotent. */
  async close(): Promise<void> {
    for (const wait of this.#waits) void wait.stop().catch(() => undefined);
    await this.#collection?.stop();
  }

  readonly #routes: RouteView = {
    hasDirect: (nick) => this.#direct?.isConnected(nick) === true,
    activeDirectories: (nick) => this.nicks.serversOf(nick),
    listedDirectories: (nick) => [...this.#listed].filter(([, set]) => set.has(nick)).map(([id]) => id),
    isDirectoryConnected: (id) => this.#directories.get(id)?.connected === true,
    seenDirectories: (nick) => [...(this.#seenVia.get(nick) ?? [])],
    connectedDirectories: () => [...this.#directories.values()].filter((d) => d.connected).map((d) => d.id),
  };

  #send(channel: Channel, to: string, command: string, data: string): SendResult {
    if (channel === DIRECT_CHANNEL) return this.#direct!.sendPrivmsg(to, command, data);
    const port = this.#directories.get(channel.slice(DIRECTORY_CHANNEL_PREFIX.length))!;
    return port.sendPrivmsg(to, command, data);
  }

  #takeOffers(from: string, body: string, source: string, signed: boolean): void {
    const collection = this.#collection;
    if (collection === undefined || collection.finished) return;
    let parsed: OfferMessage;
    const known = this.#parsed.get(from);
    if (known !== undefined && known.body === body) parsed = known.parsed;
    else {
      try {
        parsed = parseOfferMessage(body);
      } catch {
        this.stats.badOffers += 1;
        return;
      }
      if (body.length <= MAX_REMEMBERED_BODY) {
        if (this.#parsed.size >= MAX_REMEMBERED_BODIES && known === undefined) {
          this.#parsed.delete(this.#parsed.keys().next().value!);
        }
        this.#parsed.set(from, { body, parsed });
      }
    }
    this.stats.badOffers += parsed.rejected.length;
    for (const offer of parsed.offers) collection.addOffer(from, offer, source);
    for (const oid of parsed.cancels) collection.cancel(from, oid);
    // A bond proof is only meaningful in a signed privmsg addressed to us.
    if (signed && parsed.bondProof !== undefined && this.#checkedBonds.get(from) !== parsed.bondProof) {
      this.#checkedBonds.set(from, parsed.bondProof);
      try {
        collection.addBond(
          from,
          parseBondProof(parsed.bondProof, { takerNick: this.#nick, makerNick: from }),
        );
      } catch (err) {
        this.stats.badBonds += 1;
        this.#logger.info(
          { maker: from, reason: isPeerwayError(err) ? err.code : 'invalid' },
          `dropped the bond proof of ${from}: ${err instanceof Error ? err.message : 'invalid'}; its offers are kept`,
        );
      }
    }
  }
}

/** Most offer bodies remembered per collection, and the longest one remembered (characters). */
const MAX_REMEMBERED_BODIES = 2048;
const MAX_REMEMBERED_BODY = 4096;

function withoutPrefix(command: string): string {
  return command.startsWith('!') ? command.slice(1) : command;
}

/** Runs a send; true when it was handed over (a port may answer false, throw or reject). */
async function sent(send: () => SendResult, onError?: (err: unknown) => void): Promise<boolean> {
  try {
    return (await send()) !== false;
  } catch (err) {
    onError?.(err);
    return false;
  }
}

/** Copies the named options that are set (exactOptionalPropertyTypes forbids passing undefined). */
function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
