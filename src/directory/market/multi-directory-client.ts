/**
 * The taker's client for several directories at once: a {@link DirectoryClientPool} whose
 * connections feed its routing logic (`TakerRouter`: nick tracking, orderbook, channel pinning,
 * response collection), plus direct peer links to makers that serve a location. One public
 * class: it is the pool, and it emits the taker's events itself.
 *
 * @module
 */
import type { AbortOptions } from '../../core/index.js';
import { createSocksDialer } from '../../transport/index.js';
import type { DirectoryClient } from '../client/index.js';
import {
  MAX_KNOWN_LOCATIONS,
  DIRECT_CHANNEL,
  DIRECTORY_CHANNEL_PREFIX,
  NEUTRINO_COMPAT_FEATURE,
} from './constants.js';
import {
  formatAuthRevelation,
  parseIoauth,
  parsePubkeyMessage,
  type AuthRevelation,
  type ParsedIoauth,
} from './ioauth.js';
import type { UtxoForm } from './utxo.js';
import { NOT_SERVING_ONION } from '../wire/index.js';
import {
  socksDialer,
  PeerLinks,
  DirectoryClientPool,
  type DirectoryClientPoolInit,
  VerifiedLineCache,
} from '../client/index.js';
import type { Features, VerifiedPrivmsg, PeerlistEntry } from '../wire/index.js';
import { TakerRouter } from './taker-router.js';
import type {
  FetchOrderbookOptions,
  MultiDirectoryClientEvents,
  SendPrivmsgOptions,
  WaitForResponsesOptions,
} from './taker-options.js';
import type { NickTracker } from './nick-tracker.js';
import type { OrderbookProgress, OrderbookResult } from './orderbook-collector.js';
import type { MakerResponse } from './response-collector.js';
import type { Channel } from './channel-policy.js';
import type { DirectoryPort } from './ports.js';

/** Options for {@link MultiDirectoryClient}. */
export interface MultiDirectoryClientInit extends DirectoryClientPoolInit {
  /**
   * SOCKS5 proxy host (Tor); with `socksPort`, `.onion` hosts are dialled through it (others
   * directly) and `streamIsolation` defaults to true. @default undefined (direct TCP)
   */
  socksHost?: string;
  /** SOCKS5 proxy port. @default undefined */
  socksPort?: number;
  /** Advertise `neutrino_compat` (extended utxo format in `!ioauth`). @default false */
  neutrinoCompat?: boolean;
  /** Open direct links to makers that serve a location and prefer them. @default true */
  preferDirectConnections?: boolean;
  /** Our location in handshakes. @default 'NOT-SERVING-ONION' */
  ourLocation?: string;
  /** Picks among equal directories for a new session (tests pass a fixed one). @default random */
  pick?: (candidates: readonly string[]) => number;
}

/** Options of {@link MultiDirectoryClient.fetchOrderbook}. */
export interface MultiFetchOptions extends FetchOrderbookOptions {
  /** Called after every change of the book being collected. @default undefined */
  onProgress?: (progress: OrderbookProgress) => void;
}

/** Options of {@link MultiDirectoryClient.sendPrivmsg}. */
export interface MultiSendOptions extends SendPrivmsgOptions {
  /** Log the channel each message takes (info level). @default false */
  logRouting?: boolean;
}

/**
 * Taker side of the directory network.
 *
 * @example
 * ```ts
 * const taker = new MultiDirectoryClient({ directoryServers: ['127.0.0.1:5222', '127.0.0.1:5223'], identity, network: 'signet' });
 * await taker.connectAll();
 * const book = await taker.fetchOrderbook({ minWait: 5_000, quietPeriod: 2_000 });
 * const channel = await taker.sendPrivmsg(maker, 'fill', fillData);   // 'directory:127.0.0.1:5222'
 * const answers = await taker.waitForResponses([maker], '!pubkey');
 * taker.on('nickLeave', (nick) => console.log(nick, 'left every directory'));
 * await taker.stop();
 * ```
 */
export class MultiDirectoryClient extends DirectoryClientPool<MultiDirectoryClientEvents> {
  readonly #router: TakerRouter;
  /** Direct peer links. */
  readonly links: PeerLinks;
  /** Last known location of each nick, from peerlists (bounded by the nick tracker's limits). */
  readonly locations = new Map<string, string>();
  readonly preferDirectConnections: boolean;
  /** Privmsg lines already verified, shared by every directory client of this taker. */
  readonly verifiedLines: VerifiedLineCache;
  readonly #detach = new Map<string, () => void>();
  // Features each maker advertised (peerlist `F:`, its direct-link handshake, `features=` on
  // !pubkey), bounded like the locations.
  readonly #peerFeatures = new Map<string, ReadonlySet<string>>();
  readonly #neutrinoCompat: boolean;
  #ioauthRejected = 0;

  constructor(init: MultiDirectoryClientInit) {
    const dialer =
      init.dialer ??
      (init.socksHost !== undefined && init.socksPort !== undefined
        ? socksDialer(createSocksDialer({ host: init.socksHost, port: init.socksPort }), { onionOnly: true })
        : undefined);
    const verifiedLines = init.clientOptions?.verifiedLines ?? new VerifiedLineCache();
    const features: Features = { peerlist_features: true, ping: true };
    if (init.neutrinoCompat === true) features['neutrino_compat'] = true;
    super({
      ...init,
      // Behind a proxy, directory and peer dials go out under separate isolation categories.
      streamIsolation: init.streamIsolation ?? init.socksHost !== undefined,
      ...(dialer === undefined ? {} : { dialer }),
      clientOptions: {
        features,
        location: init.ourLocation ?? NOT_SERVING_ONION,
        ...init.clientOptions,
        verifiedLines,
      },
    });
    this.verifiedLines = verifiedLines;
    this.#neutrinoCompat = init.neutrinoCompat === true;
    this.preferDirectConnections = init.preferDirectConnections ?? true;
    this.#router = new TakerRouter({
      nick: init.identity.nick,
      events: this,
      preferDirectConnections: this.preferDirectConnections,
      logger: this.logger,
      ...(init.pick === undefined ? {} : { pick: init.pick }),
    });
    this.links = new PeerLinks({
      identity: init.identity,
      network: this.network,
      location: init.ourLocation ?? NOT_SERVING_ONION,
      // Direct links advertise what our directory handshakes advertise.
      features: init.clientOptions?.features ?? features,
      timeout: this.connectionTimeout,
      isolationCategory: this.isolationCategory('peer'),
      logger: this.logger,
      ...(dialer === undefined ? {} : { dialer }),
    });
    this.#router.setDirectPort(this.links);
    this.links.on('privmsg', (m) => this.#onPrivmsg(m, DIRECT_CHANNEL));
    this.links.on('up', (nick, advertised) =>
      this.#learnFeatures(
        nick,
        Object.keys(advertised).filter((k) => advertised[k] === true),
      ),
    );
  }

  /** The features a maker advertised (empty when none are known). */
  featuresOf(nick: string): ReadonlySet<string> {
    return this.#peerFeatures.get(nick) ?? NO_FEATURES;
  }

  /**
   * True when both we and the maker support `neutrino_compat`: then its `!ioauth` carries the
   * extended utxo form `txid:vout:scriptpubkey:height` (joinmarket-ng), which a neutrino taker needs
   * because it cannot look the scripts up itself.
   */
  neutrinoCompatWith(nick: string): boolean {
    return this.#neutrinoCompat && this.featuresOf(nick).has(NEUTRINO_COMPAT_FEATURE);
  }

  /** The utxo form negotiated with a maker: `extended` when {@link neutrinoCompatWith}, else `legacy`. */
  utxoFormWith(nick: string): UtxoForm {
    return this.neutrinoCompatWith(nick) ? 'extended' : 'legacy';
  }

  /**
   * Writes the `!auth` plaintext (the PoDLE revelation `utxo|P|P2|sig|e`) for a maker, its utxo in
   * the form negotiated with that maker: extended (`txid:vout:scriptpubkey:height`) when both
   * support `neutrino_compat`, which is how a joinmarket-ng maker learns to answer in that form.
   * Encrypt the result and send it as `!auth`.
   *
   * @throws PeerwayError ERR_INVALID_ARGUMENT when a field is malformed, or the extended form is due
   *   and the utxo has no `scriptPubKey` and `height`.
   */
  formatAuth(nick: string, revelation: AuthRevelation): string {
    return formatAuthRevelation(revelation, this.utxoFormWith(nick));
  }

  /**
   * Reads a maker's decrypted `!ioauth` (`utxos auth_pub cj_addr change_addr btc_sig`). Its utxos
   * must come in the form negotiated with that maker ({@link utxoFormWith}); in the extended form
   * each carries `scriptPubKey` and `height`.
   *
   * @throws PeerwayError ERR_ORDERBOOK_COINJOIN_INVALID for a malformed payload,
   *   ERR_ORDERBOOK_UTXO_FORM_MISMATCH for the other form than the negotiated one.
   */
  readIoauth(nick: string, plaintext: string): ParsedIoauth {
    try {
      return parseIoauth(plaintext, { expect: this.utxoFormWith(nick) });
    } catch (err) {
      this.#ioauthRejected += 1;
      throw err;
    }
  }

  /** Our nick. */
  get nick(): string {
    return this.identity.nick;
  }

  /** Nick presence across directories. */
  get nicks(): NickTracker {
    return this.#router.nicks;
  }

  /** Connects every directory in parallel; returns how many are connected now. */
  async connectAll(options: AbortOptions = {}): Promise<number> {
    await this.connectAllParallel(options);
    return this.clients.size;
  }

  /** True while at least one directory lists the nick. */
  isNickActive(nick: string): boolean {
    return this.#router.isNickActive(nick);
  }

  /** Applies one directory's complete list of nicks (absent ones are gone from that directory). */
  syncNicksWithPeerlist(server: string, nicks: Iterable<string>): void {
    this.#router.syncNicksWithPeerlist(server, nicks);
  }

  /**
   * Collects the orderbook from every directory (see `TakerRouter.fetchOrderbook`); each
   * directory's peerlist is fetched alongside and synced when it arrives. `onProgress` sees the
   * offers so far and the directories that answered.
   */
  async fetchOrderbook(options: MultiFetchOptions = {}): Promise<OrderbookResult> {
    const { onProgress, ...rest } = options;
    const listener = onProgress;
    if (listener !== undefined) this.on('orderbookProgress', listener);
    try {
      const book = this.#router.fetchOrderbook(rest);
      for (const [nodeId, client] of this.clients) {
        client.getPeerlist(rest.signal === undefined ? {} : { signal: rest.signal }).then(
          (entries) => {
            if (entries === undefined || this.clients.get(nodeId) !== client) return;
            this.#learnLocations(entries);
            this.syncNicksWithPeerlist(
              nodeId,
              entries.filter((e) => !e.disconnected).map((e) => e.nick),
            );
          },
          () => undefined,
        );
      }
      return await book;
    } finally {
      if (listener !== undefined) this.off('orderbookProgress', listener);
    }
  }

  /**
   * Sends a signed privmsg on the maker's session channel and returns it (`direct` or
   * `directory:host:port`). Afterwards, when the maker serves a location and direct links are
   * preferred, a direct link is opened in the background; later messages move to it.
   *
   * @throws PeerwayError ERR_ORDERBOOK_CHANNEL_INVALID / _UNAVAILABLE / _CONFLICT for a bad or
   *   unusable forced channel, ERR_ORDERBOOK_NO_ROUTE, ERR_ORDERBOOK_SEND_FAILED.
   */
  async sendPrivmsg(
    recipient: string,
    command: string,
    data: string,
    options: MultiSendOptions = {},
  ): Promise<Channel> {
    const { logRouting, ...rest } = options;
    const channel = await this.#router.sendPrivmsg(recipient, command.replace(/^!/, ''), data, rest);
    if (logRouting === true) this.logger.info({ to: recipient, command, channel }, 'privmsg routed');
    const location = this.locations.get(recipient);
    if (this.preferDirectConnections && channel !== DIRECT_CHANNEL && location !== undefined) {
      this.links.connectInBackground(recipient, location);
    }
    return channel;
  }

  /** Waits for `command` from each nick on every directory and link at once. */
  waitForResponses(
    nicks: Iterable<string>,
    command: string,
    options: WaitForResponsesOptions = {},
  ): Promise<Map<string, MakerResponse>> {
    return this.#router.waitForResponses(nicks, command, options);
  }

  /** Waits for one maker's response; undefined when it did not answer in time. */
  waitForResponse(
    nick: string,
    command: string,
    options: WaitForResponsesOptions = {},
  ): Promise<MakerResponse | undefined> {
    return this.#router.waitForResponse(nick, command, options);
  }

  /** Counters of the parts: routing, channels, direct links, verified-line cache. */
  get stats(): Record<string, Readonly<Record<string, number>>> {
    return {
      taker: this.#router.stats,
      channels: this.#router.channels.stats,
      links: this.links.stats,
      verifiedLines: this.verifiedLines.stats,
      coinjoin: { ioauthRejected: this.#ioauthRejected },
    };
  }

  /**
   * Stop work after the directories closed: ends collections and waits (they resolve with what
   * arrived) and closes every direct link. The taker is single-use afterwards.
   */
  protected override async onStop(): Promise<void> {
    await this.#router.close();
    await this.links.stop();
  }

  protected override onDirectoryConnected(nodeId: string, client: DirectoryClient): void {
    const port: DirectoryPort = {
      id: nodeId,
      get connected() {
        return client.connected;
      },
      sendPubmsg: (body) => client.sendPubmsg(body),
      sendPrivmsg: (to, command, data) => client.sendPrivmsg(to, command, data),
    };
    const channel = `${DIRECTORY_CHANNEL_PREFIX}${nodeId}`;
    const onPubmsg = (m: { from: string; body: string }): void => {
      if (m.body.includes(NEUTRINO_OFFER_FLAG)) this.#learnOfferFlags(m.from, m.body);
      this.#router.handlePubmsg(nodeId, m.from, m.body);
    };
    const onPrivmsg = (m: VerifiedPrivmsg): void => this.#onPrivmsg(m, channel);
    const onPeerlist = (entries: PeerlistEntry[]): void => {
      this.#learnLocations(entries);
      this.#router.handlePeerlist(nodeId, entries);
    };
    client.on('pubmsg', onPubmsg);
    client.on('privmsg', onPrivmsg);
    client.on('peerlist', onPeerlist);
    this.#detach.set(nodeId, () => {
      client.off('pubmsg', onPubmsg);
      client.off('privmsg', onPrivmsg);
      client.off('peerlist', onPeerlist);
    });
    this.#router.addDirectory(port);
  }

  protected override onDirectoryDisconnected(nodeId: string): void {
    this.#detach.get(nodeId)?.();
    this.#detach.delete(nodeId);
    this.#router.removeDirectory(nodeId);
  }

  #onPrivmsg(m: VerifiedPrivmsg, channel: string): void {
    const command = m.command.replace(/^!/, '');
    // joinmarket-ng makers append ` features=a,b` to !pubkey.
    if (command === 'pubkey') {
      try {
        const features = parsePubkeyMessage(m.data).features;
        if (features.length > 0) this.#learnFeatures(m.from, features);
      } catch {
        // A malformed !pubkey still goes to the waiting session, which rejects it there.
      }
    } else if (m.data.includes(NEUTRINO_OFFER_FLAG)) {
      this.#learnOfferFlags(m.from, `${command} ${m.data}`);
    }
    this.#router.handlePrivmsg(incoming(m, channel));
  }

  /**
   * Older joinmarket-ng makers chained `!neutrino` after their offers; ng still reads it as
   * `neutrino_compat` (its handshake features are the primary signal).
   */
  #learnOfferFlags(nick: string, body: string): void {
    let offers = false;
    let flag = false;
    for (const part of body.split('!', MAX_OFFER_FLAG_PARTS)) {
      if (part.startsWith('neutrino')) flag = true;
      else if (/^(sw0|sw)?(rel|abs)offer /.test(part)) offers = true;
    }
    if (offers && flag) this.#learnFeatures(nick, [NEUTRINO_COMPAT_FEATURE]);
  }

  #learnFeatures(nick: string, names: readonly string[]): void {
    if (this.#peerFeatures.size >= MAX_KNOWN_LOCATIONS && !this.#peerFeatures.has(nick)) return;
    const known = new Set(this.#peerFeatures.get(nick));
    for (const name of names.slice(0, MAX_FEATURES_PER_PEER)) {
      if (FEATURE_NAME.test(name)) known.add(name);
    }
    this.#peerFeatures.set(nick, known);
  }

  #learnLocations(entries: readonly PeerlistEntry[]): void {
    for (const e of entries) {
      if (!e.disconnected && e.features !== undefined && e.features.length > 0) {
        this.#learnFeatures(e.nick, e.features);
      }
      if (e.disconnected || e.location === NOT_SERVING_ONION) continue;
      if (this.locations.size >= MAX_KNOWN_LOCATIONS && !this.locations.has(e.nick)) continue;
      this.locations.set(e.nick, e.location);
    }
  }
}

const NO_FEATURES: ReadonlySet<string> = new Set();
/** The deprecated offer flag: `sw0reloffer …!neutrino`. */
const NEUTRINO_OFFER_FLAG = '!neutrino';
/** Chained commands looked at for the flag (the offer message limit bounds the rest). */
const MAX_OFFER_FLAG_PARTS = 1_000;
/** Most feature names kept per maker (a handful exist). */
const MAX_FEATURES_PER_PEER = 16;
const FEATURE_NAME = /^[a-z0-9_]{1,40}$/;

function incoming(
  m: VerifiedPrivmsg,
  channel: string,
): {
  from: string;
  command: string;
  data: string;
  channel: string;
  verified: true;
} {
  return { from: m.from, command: m.command, data: m.data, channel, verified: true };
}
