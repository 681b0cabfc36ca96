import {
  bump,
  ErrorCodes,
  isPeerwayError,
  Lifecycle,
  PeerwayError,
  silentLogger,
  TypedEmitter,
  type Logger,
  type Startable,
  RateLimiter,
} from '../core/index.js';
import { addressKey, isIPv4Address, type UdpAddress } from './address.js';
import type { AddressBook } from './address-book.js';
import { AddressEstimates } from './address-estimates.js';
import type { Bootstrapper } from './bootstrapper.js';
import type {
  CommunityEvents,
  CommunityInit,
  CommunityStats,
  MessageHandler,
  SignedHandler,
  UnsignedHandler,
  WhenFull,
} from './community-init.js';
import {
  COMMUNITY_ID_LENGTH,
  DEFAULT_MAX_PEERS,
  DEFAULT_TICK_MS,
  DEFAULT_WALK_TARGET,
  DEFAULT_WHEN_FULL,
  DEFAULT_CHURN,
  KEEP_ALIVE_CHANCE,
  MSG_ID_OFFSET,
  RATE_PER_SOURCE,
  RATE_PER_TARGET,
  VERIFY_BUDGET,
} from './constants.js';
import * as P from './discovery-payloads.js';
import { IntroductionBuilder } from './introduction-builder.js';
import {
  IntroductionExchange,
  type IntroductionHost,
  type IntroRequest,
  type IntroResponse,
  type Puncture,
  type PunctureRequest,
} from './introduction-exchange.js';
import type { Endpoint } from './endpoint.js';
import { ed25519KeyOf, type PrivateKey, type PublicKey } from './keys.js';
import { MessageDispatcher } from './message-dispatcher.js';
import { decodeMessage, decodeOpened, encodeMessage, type DecodeMessageOptions } from './messages.js';
import { Network } from './network.js';
import { acceptSigned, communityPrefix, openSigned, splitSigned, type SplitPacket } from './packet.js';
import type { PayloadClass } from './payload.js';
import { Peer } from './peer.js';
import { PendingRequests } from './pending-requests.js';
import { RandomChurn, RandomWalk, type DiscoveryStrategy } from './strategies.js';
import { VerifyBudget } from './verify-budget.js';
import { VerifyPool } from './verify-pool.js';

const EMPTY = new Uint8Array(0);
/** The most one Ed25519 check on the verification thread is charged to its sender (ms). */
const MAX_ED25519_CHARGE_MS = 1;

/** A decoded signed message and the peer that sent it. */
export interface SignedMessage<V> {
  peer: Peer;
  payload: V;
  globalTime: bigint | undefined;
}

/** A verified peer's "last seen" in the address book is refreshed at most this often (ms). */
const ADDRESS_SEEN_SAVE_MS = 60_000;

/**
 * An IPv8 community (py-ipv8 3.2's `Community`, wire-compatible): walks the overlay with signed
 * introduction requests, answers with introductions and puncture requests, keeps verified peers,
 * and dispatches application messages by id. The `on*` handlers and `create*` builders may be
 * overridden by a subclass, as in py-ipv8; the discovery logic itself lives in an
 * {@link IntroductionExchange} that reaches the community only through {@link IntroductionHost}.
 *
 * @example
 * ```ts
 * await using endpoint = new Endpoint({ host: '127.0.0.1' });
 * await endpoint.start();
 * const community = new Community({ communityId, endpoint, key: PrivateKey.generate(),
 *   bootstrappers: [new AddressBootstrapper({ addresses: [seed] })] });
 * community.on('peer', (peer) => console.log('found', peer.toString()));
 * await community.start();
 * ```
 */
export class Community extends TypedEmitter<CommunityEvents> implements IntroductionHost, Startable {
  /** The community id (20 bytes). */
  readonly communityId: Uint8Array;
  /** The community id in hex, as used for services in the {@link Network}. */
  readonly serviceId: string;
  readonly endpoint: Endpoint;
  readonly network: Network;
  readonly key: PrivateKey;
  /** Our own peer (key and the address others see for us). */
  readonly myPeer: Peer;
  readonly stats: CommunityStats = { received: {}, sent: 0, ticks: 0, peersRemoved: 0, dropped: {} };
  readonly settings: { readonly maxPeers: number; readonly anonymize: boolean; readonly whenFull: WhenFull };
  protected readonly logger: Logger;
  protected readonly prefix: Uint8Array;
  private readonly dispatcher: MessageDispatcher;
  private readonly estimates: AddressEstimates;
  private readonly builder: IntroductionBuilder;
  private readonly exchange: IntroductionExchange;
  private readonly pending = new PendingRequests();
  private readonly budget: VerifyBudget;
  private readonly verifyThread: boolean;
  /** The verification thread, while the community runs (when `verifyThread` asked for one). */
  private verifyPool: VerifyPool | undefined;
  /** Senders with packets waiting for the verification thread, and how many (at most its queue). */
  private readonly verifyWaiting = new Map<string, number>();
  private readonly walkers: Array<{ strategy: DiscoveryStrategy; targetPeers: number }>;
  private readonly bootstrappers: readonly Bootstrapper[];
  private readonly initialized = new Set<Bootstrapper>();
  private readonly addressBook: AddressBook | undefined;
  private readonly tickMs: number;
  private readonly seenSaveMs: number;
  private readonly life = new Lifecycle(
    () => this.join(),
    () => this.leave(),
  );
  private timer: NodeJS.Timeout | undefined;
  private registered = false;
  private globalTime = 0n;
  /** When each verified peer's address was last written to the address book. */
  private readonly lastSaved = new WeakMap<Peer, number>();

  constructor(init: CommunityInit) {
    super();
    if (init.communityId.length !== COMMUNITY_ID_LENGTH) throw new TypeError('a community id is 20 bytes');
    this.communityId = init.communityId.slice();
    this.serviceId = Buffer.from(this.communityId).toString('hex');
    this.endpoint = init.endpoint;
    this.network = init.network ?? new Network();
    this.key = init.key;
    this.logger = init.logger ?? silentLogger;
    this.prefix = communityPrefix(this.communityId);
    this.myPeer = new Peer(init.key.publicKey, { host: '0.0.0.0', port: 0 });
    this.network.blacklistMids.add(this.myPeer.id);
    this.settings = {
      maxPeers: init.maxPeers ?? DEFAULT_MAX_PEERS,
      anonymize: init.anonymize ?? false,
      whenFull: init.whenFull ?? DEFAULT_WHEN_FULL,
    };
    this.bootstrappers = init.bootstrappers ?? [];
    this.addressBook = init.addressBook;
    this.tickMs = init.tickMs ?? DEFAULT_TICK_MS;
    this.seenSaveMs = init.addressBookRefreshMs ?? ADDRESS_SEEN_SAVE_MS;
    this.dispatcher = new MessageDispatcher(this.stats, this.logger);
    this.estimates = new AddressEstimates(this.myPeer);
    if (init.lanAddress !== undefined) this.estimates.lan = init.lanAddress;
    this.builder = new IntroductionBuilder(this, this.estimates, this.pending);
    this.exchange = new IntroductionExchange(
      this,
      this.estimates,
      {
        perSource: new RateLimiter(init.rateLimits?.perSource ?? RATE_PER_SOURCE),
        perTarget: new RateLimiter(init.rateLimits?.perTarget ?? RATE_PER_TARGET),
      },
      this.pending,
    );
    this.budget = new VerifyBudget(init.rateLimits?.verify ?? VERIFY_BUDGET);
    this.verifyThread = init.verifyThread ?? false;
    this.registerDiscoveryHandlers();
    const walkers = init.walkers ?? [
      { strategy: (c: Community) => new RandomWalk(c), targetPeers: DEFAULT_WALK_TARGET },
    ];
    this.walkers = walkers.map((w) => ({ strategy: w.strategy(this), targetPeers: w.targetPeers }));
    const churn = init.churn ?? DEFAULT_CHURN;
    if (churn !== false) {
      // Churn runs whatever the peer count: a full table is exactly when silent peers must go.
      this.walkers.push({ strategy: new RandomChurn(this, churn === true ? {} : churn), targetPeers: -1 });
    }
  }

  private registerDiscoveryHandlers(): void {
    const x = this.exchange;
    const d = this.dispatcher;
    d.add(P.IntroductionRequestPayload, (s, data) => x.receiveRequest(s, data, false));
    d.add(P.NewIntroductionRequestPayload, (s, data) => x.receiveRequest(s, data, true));
    d.add(P.IntroductionResponsePayload, (s, data) => x.receiveResponse(s, data, false));
    d.add(P.NewIntroductionResponsePayload, (s, data) => x.receiveResponse(s, data, true));
    d.add(P.PunctureRequestPayload, (s, data) => x.receivePunctureRequest(s, data, false));
    d.add(P.NewPunctureRequestPayload, (s, data) => x.receivePunctureRequest(s, data, true));
    d.add(P.PuncturePayload, (s, data) => x.receivePuncture(s, data, false));
    d.add(P.NewPuncturePayload, (s, data) => x.receivePuncture(s, data, true));
  }

  // --- lifecycle --------------------------------------------------------------------------

  /**
   * Joins the endpoint (which must be started), loads saved addresses, and starts the tick loop.
   * Rejects with ERR_OVERLAY_PREFIX_IN_USE when another community holds the prefix.
   */
  start(): Promise<void> {
    return this.life.start();
  }

  private join(): void {
    this.estimates.bound(this.endpoint.address);
    this.endpoint.addPrefixListener(this.prefix, (data, source) => this.onPacket(data, source));
    this.registered = true;
    if (this.verifyThread) this.verifyPool = VerifyPool.acquire();
    for (const address of this.addressBook?.load(this.serviceId) ?? []) {
      this.network.addAddress(address, this.serviceId);
    }
    if (this.tickMs > 0) this.timer = setInterval(() => this.tick(), this.tickMs);
  }

  private async leave(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    for (const b of this.bootstrappers) b.unload();
    if (this.registered) this.endpoint.removePrefixListener(this.prefix);
    this.registered = false;
    this.removeAllListeners();
    const pool = this.verifyPool;
    this.verifyPool = undefined;
    this.verifyWaiting.clear();
    await pool?.release();
  }

  /**
   * py-ipv8's name for {@link stop}: unloads the bootstrappers, leaves the endpoint and stops the
   * tick loop. Idempotent (every call returns the same promise).
   */
  unload(): Promise<void> {
    return this.life.stop();
  }

  /** Same as {@link unload}. */
  stop(): Promise<void> {
    return this.life.stop();
  }

  /** Same as {@link unload}. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.life.stop();
  }

  // --- packets ----------------------------------------------------------------------------

  /** The 22 bytes every packet of this community starts with. */
  getPrefix(): Uint8Array {
    return this.prefix.slice();
  }

  /** Next value of our Lamport counter (starts at 1, like py-ipv8's `claim_global_time`). */
  claimGlobalTime(): bigint {
    this.globalTime += 1n;
    return this.globalTime;
  }

  /**
   * Routes messages with this id (or the payload's `msgId`) to `handler`. Handlers receive the
   * raw datagram; use {@link decodeSigned} or {@link decodeUnsigned} inside. What they throw is
   * counted and dropped.
   */
  addMessageHandler(id: number | PayloadClass<object>, handler: MessageHandler): void {
    this.dispatcher.add(id, handler);
  }

  /**
   * Handles a signed message of `payload`'s id the way py-ipv8's `lazy_wrapper` does: the packet's
   * signature is checked (within the sender's verification budget), the payload decoded with no
   * trailing bytes allowed, and `handler` called with the sending peer (the verified peer when its
   * key is known, its address refreshed) and the payload. A packet that fails any of this reaches
   * no handler and is counted in `stats.dropped` under its error code; what the handler throws or
   * rejects with is counted too.
   *
   * With `globalTime: true` the message carries a GlobalTime field before the payload (py-ipv8's
   * `lazy_wrapper(GlobalTimeDistributionPayload, P)`), passed to the handler as `globalTime`.
   *
   * @example
   * ```ts
   * const Chat = dataclassPayload('Chat', 1, { text: 'str', n: 'int' });
   * community.addHandler(Chat, (peer, chat) => console.log(peer.toString(), chat.text));
   * ```
   */
  addHandler<V extends object>(
    payload: PayloadClass<V>,
    handler: SignedHandler<V>,
    options: { globalTime?: boolean } = {},
  ): void {
    const globalTime = options.globalTime ?? false;
    this.dispatcher.add(payload, (source, data) => {
      const m = this.decodeSigned(source, data, payload, { globalTime });
      this.runHandler(handler(m.peer, m.payload, { source, globalTime: m.globalTime, data }));
    });
  }

  /**
   * Handles an unsigned message of `payload`'s id (py-ipv8's `lazy_wrapper_unsigned`): `handler`
   * gets the UDP source address and the decoded payload. Anyone can forge these; answer only
   * what is safe to answer to anyone.
   */
  addUnsignedHandler<V extends object>(
    payload: PayloadClass<V>,
    handler: UnsignedHandler<V>,
    options: { globalTime?: boolean } = {},
  ): void {
    const globalTime = options.globalTime ?? false;
    this.dispatcher.add(payload, (source, data) => {
      const m = this.decodeUnsigned(data, payload, { globalTime });
      this.runHandler(handler(source, m.payload, { source, globalTime: m.globalTime, data }));
    });
  }

  /** Counts a rejected async handler instead of leaving it unhandled. */
  private runHandler(result: void | Promise<void>): void {
    if (result instanceof Promise) {
      result.catch((err: unknown) => {
        bump(this.stats.dropped, isPeerwayError(err) ? err.code : 'handlerError');
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'handler rejected');
      });
    }
  }

  /**
   * Encodes and sends a message to a peer (or address), py-ipv8's `ez_send`: signed with our key
   * unless `signed: false`; with `globalTime: true` a freshly claimed global time goes before the
   * payload (pair it with the same option on the receiving handler).
   *
   * @example
   * ```ts
   * community.ezSend(peer, Chat, { text: 'hallo', n: 1n });
   * ```
   */
  ezSend<V extends object>(
    to: Peer | UdpAddress,
    payload: PayloadClass<V>,
    value: V,
    options: { signed?: boolean; globalTime?: boolean } = {},
  ): void {
    const packet = this.ezPack(payload, value, {
      signed: options.signed ?? true,
      globalTime: options.globalTime === true ? this.claimGlobalTime() : undefined,
    });
    this.send(to instanceof Peer ? to.address : to, packet);
  }

  /**
   * The endpoint's entry point for our prefix (it has checked the prefix and the size): refreshes
   * the sender's liveness and hands the datagram to the handler of its message id.
   */
  onPacket(data: Uint8Array, source: UdpAddress): void {
    const known = this.network.getVerifiedByAddress(source);
    if (known !== undefined) {
      known.lastResponse = Date.now();
      if (this.addressBook !== undefined) this.refreshSaved(known);
    }
    this.dispatcher.dispatch(source, data);
  }

  /**
   * A verified peer's signed packet came from `source`: when it moved, the network and the
   * address book follow it (the old address is forgotten, the new one saved).
   */
  private peerSeenAt(peer: Peer, source: UdpAddress): void {
    const before = peer.address;
    if (addressKey(before) === addressKey(source)) return;
    this.network.moveAddress(peer, source);
    if (this.addressBook === undefined || peer.address !== source) return;
    if (!this.network.hasService(peer, this.serviceId)) return;
    this.addressBook.forget?.(this.serviceId, before);
    this.addressBook.save(this.serviceId, source);
    this.lastSaved.set(peer, Date.now());
  }

  /** Records in the address book that a verified peer was seen (at most once a minute by default). */
  private refreshSaved(peer: Peer): void {
    const now = Date.now();
    const last = this.lastSaved.get(peer);
    if (last !== undefined && now - last < this.seenSaveMs) return;
    if (last === undefined) {
      // Saved when it was verified (peerAdded); start the clock from now.
      this.lastSaved.set(peer, now);
      return;
    }
    if (!this.network.hasService(peer, this.serviceId)) return;
    this.lastSaved.set(peer, now);
    this.addressBook!.save(this.serviceId, peer.address);
  }

  /**
   * Verifies and decodes a signed message, returning the (possibly known) peer that sent it.
   * Each source has a verification budget (packets and CPU time per second): past it, this throws
   * ERR_OVERLAY_OVER_BUDGET without importing the key or checking the signature.
   */
  decodeSigned<V extends object>(
    source: UdpAddress,
    data: Uint8Array,
    payload: PayloadClass<V>,
    options: Omit<DecodeMessageOptions, 'signed'> = {},
  ): SignedMessage<V> {
    const from = this.allowVerify(source);
    const started = this.budget.clock();
    let m;
    try {
      m = decodeOpened(openSigned(data), payload, options.globalTime ?? true);
    } finally {
      this.budget.charge(from, this.budget.clock() - started);
    }
    return this.signedBy(source, m.key!, m.payload, m.globalTime);
  }

  /**
   * {@link decodeSigned}, then `use` with the result: at once, or, when the community checks
   * signatures on its own thread (`verifyThread`), once that thread has checked this one. What
   * fails before the signature is checked (over budget, a bad key, a truncated packet) is thrown
   * here; what fails later (a bad signature, a bad payload, or `use` throwing) is counted in
   * `stats.dropped` as a handler's failure is. Messages from one sender reach `use` in the order
   * they came. When the thread's queue is full a message is checked here instead, or, when an
   * earlier one of its sender still waits for the thread, dropped (`dropped.verifyQueueFull`).
   */
  decodeSignedThen<V extends object>(
    source: UdpAddress,
    data: Uint8Array,
    payload: PayloadClass<V>,
    use: (m: SignedMessage<V>) => void,
  ): void {
    const pool = this.verifyPool;
    if (pool === undefined || !pool.alive) {
      use(this.decodeSigned(source, data, payload));
      return;
    }
    const from = this.allowVerify(source);
    const started = this.budget.clock();
    let packet: SplitPacket;
    try {
      packet = splitSigned(data);
    } finally {
      this.budget.charge(from, this.budget.clock() - started);
    }
    const key = ed25519KeyOf(packet.key);
    const waiting = this.verifyWaiting;
    if (
      key !== undefined &&
      pool.submit(key, packet.signature, packet.signed, (valid, ms) => {
        const left = waiting.get(from)! - 1;
        if (left === 0) waiting.delete(from);
        else waiting.set(from, left);
        // The thread's clock also counts time it was preempted; one Ed25519 check of a datagram
        // costs well under this, so more is the machine's load, not the sender's doing.
        this.budget.charge(from, Math.min(ms, MAX_ED25519_CHARGE_MS));
        try {
          use(this.finishSigned(source, packet, valid, payload));
        } catch (err) {
          this.dispatcher.fail(err, source, data[MSG_ID_OFFSET]!);
        }
      })
    ) {
      waiting.set(from, (waiting.get(from) ?? 0) + 1);
      return;
    }
    // Not an Ed25519 key (the curves of M2Crypto keys), or the thread's queue is full: checked
    // here, unless an earlier packet of this sender still waits for the thread (handling this
    // one first would change their order).
    if (waiting.has(from)) {
      bump(this.stats.dropped, 'verifyQueueFull');
      return;
    }
    const t = this.budget.clock();
    let valid;
    try {
      valid = packet.key.verify(packet.signature, packet.signed);
    } finally {
      this.budget.charge(from, this.budget.clock() - t);
    }
    use(this.finishSigned(source, packet, valid, payload));
  }

  /** Takes one packet from `source`'s verification budget; throws ERR_OVERLAY_OVER_BUDGET past it. */
  private allowVerify(source: UdpAddress): string {
    const from = addressKey(source);
    if (!this.budget.allow(from)) {
      throw new PeerwayError(ErrorCodes.OVERLAY_OVER_BUDGET, 'verification budget used up', {
        details: { from },
      });
    }
    return from;
  }

  /** A split packet's verdict is in: decode its body and find its sender. */
  private finishSigned<V extends object>(
    source: UdpAddress,
    packet: SplitPacket,
    valid: boolean,
    payload: PayloadClass<V>,
  ): SignedMessage<V> {
    const m = decodeOpened(acceptSigned(packet, valid), payload, true);
    return this.signedBy(source, m.key!, m.payload, m.globalTime);
  }

  /** The verified peer that signed a message (refreshed when it moved), or a new one. */
  private signedBy<V>(
    source: UdpAddress,
    key: PublicKey,
    payload: V,
    globalTime: bigint | undefined,
  ): SignedMessage<V> {
    let peer = this.network.getVerifiedById(key.id);
    if (peer === undefined) peer = new Peer(key, source);
    else this.peerSeenAt(peer, source);
    return { peer, payload, globalTime };
  }

  /** Decodes an unsigned message. */
  decodeUnsigned<V extends object>(
    data: Uint8Array,
    payload: PayloadClass<V>,
    options: Omit<DecodeMessageOptions, 'signed'> = {},
  ): { payload: V; globalTime: bigint | undefined } {
    const m = decodeMessage(data, payload, { signed: false, globalTime: options.globalTime });
    return { payload: m.payload, globalTime: m.globalTime };
  }

  /** Encodes a message of this community (`signed` uses our key). */
  ezPack<V extends object>(
    payload: PayloadClass<V>,
    value: V,
    options: { signed?: boolean | undefined; globalTime?: bigint | undefined } = {},
  ): Uint8Array {
    return encodeMessage(this.prefix, payload, value, {
      key: (options.signed ?? true) ? this.key : undefined,
      globalTime: options.globalTime,
    });
  }

  /** Sends a datagram through the endpoint. */
  send(to: UdpAddress, data: Uint8Array): void {
    this.stats.sent++;
    this.endpoint.send(to, data);
  }

  // --- discovery messages (py-ipv8 names; override to change what is sent or done) ---------

  /** Builds an introduction request to `socketAddress` (identifier = global time mod 2^16). */
  createIntroductionRequest(
    socketAddress: UdpAddress,
    extraBytes: Uint8Array = EMPTY,
    newStyle = false,
  ): Uint8Array {
    return this.builder.request(socketAddress, extraBytes, newStyle);
  }

  /** Builds an introduction response, introducing `introduction` when given. */
  createIntroductionResponse(
    _lanSocketAddress: UdpAddress,
    socketAddress: UdpAddress,
    identifier: number,
    introduction?: Peer,
    extraBytes: Uint8Array = EMPTY,
    newStyle = false,
    peerLimitReached = false,
  ): Uint8Array {
    return this.builder.response(
      socketAddress,
      identifier,
      introduction,
      extraBytes,
      newStyle,
      peerLimitReached,
    );
  }

  /** Builds an (unsigned) puncture request: "please puncture towards this walker". */
  createPunctureRequest(
    lanWalker: UdpAddress,
    wanWalker: UdpAddress,
    identifier: number,
    newStyle = false,
  ): Uint8Array {
    return this.builder.punctureRequest(lanWalker, wanWalker, identifier, newStyle);
  }

  /** Builds a (signed) puncture. */
  createPuncture(
    lanWalker: UdpAddress,
    wanWalker: UdpAddress,
    identifier: number,
    newStyle = false,
  ): Uint8Array {
    return this.builder.puncture(lanWalker, wanWalker, identifier, newStyle);
  }

  /**
   * A verified introduction request (246, or 234 when `newStyle`): take the requester on, answer
   * with an introduction and a puncture request, then call {@link introductionRequestCallback}.
   */
  onIntroductionRequest(peer: Peer, dist: bigint, payload: IntroRequest, _newStyle = false): void {
    const stored = this.exchange.answerRequest(peer, payload);
    this.introductionRequestCallback(stored, dist, payload);
  }

  /**
   * A verified introduction response (245, or 233 when `newStyle`): take the responder on, make
   * the introduced addresses walkable, then call {@link introductionResponseCallback}.
   */
  onIntroductionResponse(peer: Peer, dist: bigint, payload: IntroResponse, newStyle = false): void {
    const stored = this.exchange.takeResponse(peer, payload, newStyle);
    this.introductionResponseCallback(stored, dist, payload);
  }

  /**
   * A puncture request (250, or 232 when `newStyle`; unsigned): send a puncture towards the
   * walker, within the rate limits and never more than 5x `requestSize` bytes.
   */
  onPunctureRequest(
    source: UdpAddress,
    _dist: bigint,
    payload: PunctureRequest,
    newStyle = false,
    requestSize?: number,
  ): void {
    this.exchange.answerPunctureRequest(source, payload, newStyle, requestSize);
  }

  /** A verified puncture (249/231): decoding already refreshed a known peer's address. */
  onPuncture(_peer: Peer, _dist: bigint, _payload: Puncture): void {}

  /** Called after an introduction request was answered; override to act on `extraBytes`. */
  introductionRequestCallback(_peer: Peer, _dist: bigint, _payload: IntroRequest): void {}

  /** Called after an introduction response was processed. */
  introductionResponseCallback(_peer: Peer, _dist: bigint, _payload: IntroResponse): void {}

  /** A peer just became a verified peer of this community: saves its address, then announces it. */
  peerAdded(peer: Peer): void {
    // Committed before anyone hears of it.
    this.addressBook?.save(this.serviceId, peer.address);
    this.lastSaved.set(peer, Date.now());
    this.emit('peer', peer);
  }

  // --- walking ----------------------------------------------------------------------------

  /** Runs every strategy that is below its target once (one IPv8 tick). */
  tick(): void {
    this.stats.ticks++;
    const count = this.getPeers().length;
    for (const walker of this.walkers) {
      if (walker.targetPeers >= 0 && count >= walker.targetPeers) continue;
      try {
        walker.strategy.takeStep();
      } catch (err) {
        bump(this.stats.dropped, 'strategyError');
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'strategy failed');
      }
    }
  }

  /** Verified peers that run this community. */
  getPeers(): Peer[] {
    return this.network.getPeersForService(this.serviceId);
  }

  /** Addresses known for this community but not yet verified. */
  getWalkableAddresses(): UdpAddress[] {
    return this.network.getWalkableAddresses(this.serviceId);
  }

  /** A random verified peer of this community other than `exclude` (IPv4 only for old-style requesters). */
  getPeerForIntroduction(exclude?: Peer, ipv4Only = false): Peer | undefined {
    const excluded = exclude?.id;
    return this.network.randomPeerForService(
      this.serviceId,
      (p) => p.id !== excluded && (!ipv4Only || isIPv4Address(p.address)),
    );
  }

  /** Sends an introduction request to an address (new style when it was introduced as such). */
  walkTo(address: UdpAddress): void {
    this.send(address, this.createIntroductionRequest(address, EMPTY, this.network.isNewStyle(address)));
  }

  /** Sends an introduction request to a peer, in the style it speaks. */
  sendIntroductionRequest(peer: Peer): void {
    this.send(peer.address, this.createIntroductionRequest(peer.address, EMPTY, peer.newStyleIntro));
  }

  /** Asks `fromPeer`, or a random peer, for an introduction; bootstraps when we know no one. */
  getNewIntroduction(fromPeer?: Peer): void {
    let peer = fromPeer;
    if (peer === undefined) {
      const peers = this.getPeers();
      if (peers.length === 0) {
        this.bootstrap();
        return;
      }
      if (this.bootstrappers.length > 0 && Math.random() < KEEP_ALIVE_CHANCE) {
        const b = this.bootstrappers[Math.floor(Math.random() * this.bootstrappers.length)]!;
        b.keepAlive(this);
        return;
      }
      peer = peers[Math.floor(Math.random() * peers.length)]!;
    }
    this.sendIntroductionRequest(peer);
  }

  /** Contacts the bootstrappers (initialising them first) and walks to what they return. */
  bootstrap(): void {
    for (const b of this.bootstrappers) {
      if (!this.initialized.has(b)) {
        b.initialize(this);
        this.initialized.add(b);
      }
      for (const address of b.getAddresses(this).slice(0, Math.max(this.settings.maxPeers, 0)))
        this.walkTo(address);
    }
  }

  /** Puts an address on the blacklist: it is never taken on as a peer. */
  ensureBlacklisted(address: UdpAddress): void {
    this.network.blacklist.add(addressKey(address));
  }

  /** Forgets a verified peer (and tells listeners). */
  removePeer(peer: Peer): void {
    if (this.network.getVerifiedById(peer.id) !== peer) return;
    this.network.removePeer(peer);
    this.stats.peersRemoved++;
    this.emit('peerRemoved', peer);
  }

  // --- where we are -----------------------------------------------------------------------

  /** Our LAN address as we advertise it (py-ipv8 `my_estimated_lan`). */
  get myEstimatedLan(): UdpAddress {
    return this.estimates.lan;
  }

  set myEstimatedLan(address: UdpAddress) {
    this.estimates.lan = address;
  }

  /** Our WAN address as others report it, or 0.0.0.0:0 (py-ipv8 `my_estimated_wan`). */
  get myEstimatedWan(): UdpAddress {
    return this.estimates.wan;
  }

  set myEstimatedWan(address: UdpAddress) {
    this.estimates.wan = address;
  }

  /** Our best guess of how others reach us, or 0.0.0.0:0. */
  myPreferredAddress(): UdpAddress {
    return this.estimates.preferred();
  }
}
