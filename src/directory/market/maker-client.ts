/**
 * The maker side: a {@link DirectoryClientPool} that announces offers on every directory it
 * joins, answers each `!orderbook` with one signed privmsg chaining all offers (plus a `!tbond`
 * proof bound to that taker when it has a bond), withdraws offers with `!cancel`, passes the
 * CoinJoin requests it receives (fill, auth, tx, push...) to its owner once each, and replies to
 * every taker on the channel that taker used. It can also serve a TCP location of its own, so
 * takers open direct links to it, and publish that listener as a tor onion service (the location
 * it advertises is then `<56>.onion:5222`).
 *
 * @module
 */
import { DEFAULT_LISTEN_HOST, NOT_SERVING_ONION } from '../wire/index.js';
import type { DirectoryClient } from '../client/index.js';
import {
  DEFAULT_ORDERBOOK_ANSWER_INTERVAL_MS,
  MAX_TAKER_CHANNELS,
  DIRECT_CHANNEL,
  DIRECTORY_CHANNEL_PREFIX,
  MAKER_ISOLATION_PREFIX,
} from './constants.js';
import type { MessageLine, VerifiedPrivmsg } from '../wire/index.js';
import {
  bodyToPrivmsg,
  formatCancelMessage,
  formatOfferMessage,
  parseOfferMessage,
} from './command-chain.js';
import { createBondProof, type BondCertificate } from './fidelity-bond.js';
import type { Offer } from './offer.js';
import { RequestDeduplicator } from './request-deduplicator.js';
import { PeerLinks, DirectoryClientPool, type DirectoryClientPoolInit } from '../client/index.js';
import {
  createTorOnionPublisher,
  type OnionPublisher,
  type PublishedOnion,
  type TorOnionPublisherInit,
} from '../onion/index.js';

/** Options for {@link MakerClient}. */
export interface MakerClientInit extends DirectoryClientPoolInit {
  /** The offers to announce. @default [] */
  offers?: readonly Offer[];
  /** Fidelity-bond certificate; a `!tbond` proof is added to each private offer answer. @default undefined */
  bond?: BondCertificate;
  /**
   * Serve direct links on this TCP address; the location `host:port` goes into our handshakes.
   * With `onion` (an {@link OnionPublisher}, or the control options of
   * {@link createTorOnionPublisher}), the listener is published as an onion service, the
   * location becomes `<56>.onion:5222`, and the service is removed on stop.
   * @default undefined (NOT-SERVING-ONION)
   */
  serve?: { host?: string; port?: number; onion?: OnionPublisher | TorOnionPublisherInit };
  /** Window of the request deduplicator, ms. @default 30000 */
  dedupWindow?: number;
  /**
   * Each taker's `!orderbook` is answered at most once per this many ms (the copies one request
   * makes through several directories, and a flood, get nothing). @default 10000
   */
  orderbookInterval?: number;
}

/** A CoinJoin request from a taker, delivered once however many directories carried it. */
export interface MakerRequest {
  /** The taker's verified nick. */
  from: string;
  /** Command without `!` (`fill`, `auth`, `tx`, `push`...). */
  command: string;
  /** The signed data. */
  data: string;
  /** `direct` or `directory:host:port`: where it came in (replies go back the same way). */
  channel: string;
}

/** Events of {@link MakerClient}. */
export type MakerClientEvents = {
  /** A taker's request (not `orderbook`, which the maker answers itself). */
  request: [request: MakerRequest];
  /** We answered a taker's `!orderbook`. */
  orderbookServed: [taker: string, channel: string];
};

/** Counters of {@link MakerClient}. */
export interface MakerClientStats {
  announced: number;
  orderbookAnswers: number;
  /** `!orderbook` requests within a taker's interval, not answered. */
  orderbookRateLimited: number;
  duplicates: number;
  requests: number;
  replies: number;
  replyFallbacks: number;
  replyFailures: number;
  [key: string]: number;
}

/**
 * A maker on several directories.
 *
 * @example
 * ```ts
 * const maker = new MakerClient({ directoryServers: ['127.0.0.1:5222'], identity, network: 'signet', offers: [parseOffer('sw0reloffer 0 27300 1000000 0 0.00002')] });
 * await maker.start();
 * maker.on('request', (r) => { if (r.command === 'fill') maker.reply(r.from, 'pubkey', naclPubHex); });
 * await maker.stop();
 * ```
 */
export class MakerClient extends DirectoryClientPool<MakerClientEvents> {
  readonly stats: MakerClientStats = {
    announced: 0,
    orderbookAnswers: 0,
    orderbookRateLimited: 0,
    duplicates: 0,
    requests: 0,
    replies: 0,
    replyFallbacks: 0,
    replyFailures: 0,
  };
  /** Direct links (accepted when serving). */
  readonly links: PeerLinks;
  readonly #dedup: RequestDeduplicator;
  readonly #orderbookLimit: RequestDeduplicator;
  readonly #serve: MakerClientInit['serve'];
  readonly #bond: BondCertificate | undefined;
  readonly #channels = new Map<string, string>();
  readonly #detach = new Map<string, () => void>();
  #offers: Offer[];
  #location: string = NOT_SERVING_ONION;
  #published: PublishedOnion | undefined;
  readonly #onion: OnionPublisher | undefined;

  constructor(init: MakerClientInit) {
    // Behind a dialer (SOCKS for .onion directories), directory and peer dials are isolated.
    super({ ...init, streamIsolation: init.streamIsolation ?? init.dialer !== undefined });
    this.#offers = [...(init.offers ?? [])];
    this.#bond = init.bond;
    this.#serve = init.serve;
    const onion = init.serve?.onion;
    this.#onion =
      onion === undefined ? undefined : 'publish' in onion ? onion : createTorOnionPublisher(onion);
    this.#dedup = new RequestDeduplicator(
      init.dedupWindow === undefined ? {} : { windowMs: init.dedupWindow },
    );
    this.#orderbookLimit = new RequestDeduplicator({
      windowMs: init.orderbookInterval ?? DEFAULT_ORDERBOOK_ANSWER_INTERVAL_MS,
    });
    this.links = new PeerLinks({
      identity: init.identity,
      network: this.network,
      logger: this.logger,
      location: NOT_SERVING_ONION,
      isolationCategory: this.isolationCategory('peer'),
      ...(init.dialer === undefined ? {} : { dialer: init.dialer }),
      // Direct links advertise what our directory handshakes advertise.
      features: init.clientOptions?.features ?? { peerlist_features: true, ping: true },
    });
    this.links.on('privmsg', (m) => this.#onPrivmsg(m, DIRECT_CHANNEL));
  }

  /**
   * The maker's isolation categories are its own (`maker-directory`, `maker-peer`), so that a
   * taker in the same process, dialling through the same SOCKS dialer, never shares a circuit
   * with it.
   */
  override isolationCategory(category: string): string {
    return this.streamIsolation ? `${MAKER_ISOLATION_PREFIX}${category}` : super.isolationCategory(category);
  }

  /** Our nick. */
  get nick(): string {
    return this.identity.nick;
  }

  /** Our location (`host:port` or `<56>.onion:5222` once serving, else NOT-SERVING-ONION). */
  get location(): string {
    return this.#location;
  }

  /** The offers currently announced. */
  get offers(): readonly Offer[] {
    return this.#offers;
  }

  /** Start work: serves direct links (when configured), then connects every directory. */
  protected override async onStart(): Promise<void> {
    if (this.#serve !== undefined && this.#location === NOT_SERVING_ONION) {
      const host = this.#serve.host ?? DEFAULT_LISTEN_HOST;
      const port = await this.links.listen({ host, port: this.#serve.port ?? 0 });
      if (this.#onion !== undefined) {
        try {
          this.#published = await this.#onion.publish(host, port);
        } catch (err) {
          await this.links.stop();
          throw err;
        }
        this.#location = `${this.#published.hostname}:${this.#published.port}`;
      } else {
        this.#location = `${host}:${port}`;
      }
      this.links.setLocation(this.#location);
    }
    await this.connectAllParallel();
  }

  /** Withdraws offers by order id (`!cancel` pubmsg on every directory). */
  cancel(oids: readonly number[]): void {
    const gone = new Set(oids);
    this.#offers = this.#offers.filter((o) => !gone.has(o.oid));
    for (const client of this.clients.values())
      void sendSafely(() => client.sendPubmsg(formatCancelMessage(oids)));
  }

  /** Announces a new or changed offer set on every directory. */
  announce(offers: readonly Offer[] = this.#offers): void {
    this.#offers = [...offers];
    for (const client of this.clients.values()) this.#announceOn(client);
  }

  /**
   * Sends a signed privmsg to a taker on the channel its last request came through; when that
   * channel is gone, through any connected directory. Returns the channel used, or undefined.
   */
  reply(taker: string, command: string, data: string): string | undefined {
    const name = command.replace(/^!/, '');
    const preferred = this.#channels.get(taker);
    if (preferred !== undefined && this.#sendOn(preferred, taker, name, data)) {
      this.stats.replies += 1;
      return preferred;
    }
    for (const nodeId of this.clients.keys()) {
      const channel = DIRECTORY_CHANNEL_PREFIX + nodeId;
      if (channel !== preferred && this.#sendOn(channel, taker, name, data)) {
        this.stats.replies += 1;
        this.stats.replyFallbacks += 1;
        this.#remember(taker, channel);
        return channel;
      }
    }
    this.stats.replyFailures += 1;
    return undefined;
  }

  /** Stop work after the directories closed: the onion service, direct links and their listener. */
  protected override async onStop(): Promise<void> {
    const published = this.#published;
    this.#published = undefined;
    if (published !== undefined) {
      await published.close();
      this.#location = NOT_SERVING_ONION;
    }
    await this.links.stop();
  }

  protected override onDirectoryConnected(nodeId: string, client: DirectoryClient): void {
    const channel = DIRECTORY_CHANNEL_PREFIX + nodeId;
    const onPubmsg = (m: MessageLine): void => this.#onPubmsg(m, channel);
    const onPrivmsg = (m: VerifiedPrivmsg): void => this.#onPrivmsg(m, channel);
    client.on('pubmsg', onPubmsg);
    client.on('privmsg', onPrivmsg);
    this.#detach.set(nodeId, () => {
      client.off('pubmsg', onPubmsg);
      client.off('privmsg', onPrivmsg);
    });
    this.#announceOn(client);
  }

  protected override onDirectoryDisconnected(nodeId: string): void {
    this.#detach.get(nodeId)?.();
    this.#detach.delete(nodeId);
  }

  protected override buildClientOptions(
    address: Parameters<DirectoryClientPool['buildClientOptions']>[0],
  ): ReturnType<DirectoryClientPool['buildClientOptions']> {
    return { ...super.buildClientOptions(address), location: this.#location };
  }

  #announceOn(client: DirectoryClient): void {
    if (this.#offers.length === 0) return;
    if (sendSafely(() => client.sendPubmsg(formatOfferMessage(this.#offers)))) this.stats.announced += 1;
  }

  #onPubmsg(m: MessageLine, channel: string): void {
    if (m.from === this.nick) return;
    let request: boolean;
    try {
      request = parseOfferMessage(m.body).orderbookRequest;
    } catch {
      return;
    }
    if (!request || this.#offers.length === 0) return;
    if (this.#orderbookLimit.isDuplicate(m.from, 'orderbook')) {
      this.stats.orderbookRateLimited += 1;
      return;
    }
    this.#remember(m.from, channel);
    const proof =
      this.#bond === undefined
        ? undefined
        : createBondProof(this.#bond, { takerNick: m.from, makerNick: this.nick });
    const { command, data } = bodyToPrivmsg(formatOfferMessage(this.#offers, proof));
    if (this.#sendOn(channel, m.from, command, data)) {
      this.stats.orderbookAnswers += 1;
      this.emit('orderbookServed', m.from, channel);
    }
  }

  #onPrivmsg(m: VerifiedPrivmsg, channel: string): void {
    const command = m.command.replace(/^!/, '');
    if (this.#dedup.isDuplicate(m.from, command, m.data.split(' ', 1)[0])) {
      this.stats.duplicates += 1;
      return;
    }
    // The taker moved (an upgrade to a direct link, or a directory it lost): answer it there now.
    this.#remember(m.from, channel);
    this.stats.requests += 1;
    this.emit('request', { from: m.from, command, data: m.data, channel });
  }

  #remember(taker: string, channel: string): void {
    this.#channels.delete(taker);
    if (this.#channels.size >= MAX_TAKER_CHANNELS) this.#channels.delete(this.#channels.keys().next().value!);
    this.#channels.set(taker, channel);
  }

  #sendOn(channel: string, to: string, command: string, data: string): boolean {
    if (channel === DIRECT_CHANNEL) return this.links.sendPrivmsg(to, command, data);
    const client = this.clients.get(channel.slice(DIRECTORY_CHANNEL_PREFIX.length));
    return client !== undefined && sendSafely(() => client.sendPrivmsg(to, command, data));
  }
}

function sendSafely(send: () => boolean): boolean {
  try {
    return send();
  } catch {
    return false;
  }
}
