/**
 * A connection to one directory: dial (TCP or SOCKS), handshake, then pubmsg/privmsg out and a
 * stream of verified messages in.
 *
 * @module
 */
import { DIRECTORY_ISOLATION, CLIENT_QUEUE_LIMIT, CONNECT_TIMEOUT_MS } from './constants.js';
import {
  DEFAULT_NETWORK,
  DEFAULT_DIRECTORY_PORT,
  MAX_LINE_LENGTH,
  MAX_WRITE_BUFFER,
  MESSAGE_TYPE_NAMES,
  MessageType,
  NOT_SERVING_ONION,
  formatClientHandshake,
  type DirectoryHandshake,
  type Features,
  LineChannel,
  formatPubmsg,
  formatSignedPrivmsg,
} from '../wire/index.js';
import {
  bump,
  deadline,
  ErrorCodes,
  Lifecycle,
  PeerwayError,
  raceSignal,
  silentLogger,
  TypedEmitter,
  type AbortOptions,
  type Logger,
  type Startable,
} from '../../core/index.js';
import type {
  DirectoryClientEvents,
  DirectoryClientInit,
  DirectoryClientStats,
  DirectoryMessage,
} from './client-options.js';
import { ClientPeerlist } from './client-peerlist.js';
import type { BitcoinNetwork, Envelope, NickIdentity, PeerlistEntry } from '../wire/index.js';
import { waitForHandshake } from './client-handshake.js';
import { decodePrivmsg, decodePubmsg, type Inbound } from './client-inbound.js';
import { MessageQueue } from './message-queue.js';
import { ClientNickAuth } from './client-nick-auth.js';
import { tcpDialer } from './dialer.js';

/**
 * A client of one directory.
 *
 * @example
 * ```ts
 * const client = new DirectoryClient({ host: '127.0.0.1', port: 5222, identity: NickIdentity.generate(), network: 'signet' });
 * await client.connect();
 * client.sendPubmsg('orderbook');
 * for await (const msg of client.messages()) console.log(msg);
 * ```
 */
export class DirectoryClient extends TypedEmitter<DirectoryClientEvents> implements Startable {
  /** Live counters. */
  readonly stats: DirectoryClientStats = { received: {}, sent: {}, dropped: {}, bytesIn: 0, bytesOut: 0 };
  readonly host: string;
  readonly port: number;
  readonly identity: NickIdentity;
  readonly network: BitcoinNetwork;
  readonly location: string;
  readonly features: Features;
  /** The directory's handshake reply, once connected. */
  directoryHandshake: DirectoryHandshake | undefined;
  readonly logger: Logger;
  private readonly init: DirectoryClientInit;
  private readonly peerlist: ClientPeerlist;
  private channel: LineChannel | undefined;
  private queue: MessageQueue<DirectoryMessage> | undefined;
  private handshakeLine = '';
  private readonly nickAuth: ClientNickAuth;
  /** connect() succeeded: from now on a lost connection is reported as a 'close' event. */
  private established = false;
  private handshakeWaiter: ((env: Envelope) => void) | undefined;
  private closedByUs = false;
  #connectOptions: AbortOptions = {};
  /** Aborts a connect in flight when close() is called. */
  readonly #closer = new AbortController();
  readonly #life = new Lifecycle(
    () => this.doConnect(this.#connectOptions),
    () => this.#closeChannel(),
  );

  constructor(init: DirectoryClientInit) {
    super();
    this.init = init;
    this.host = init.host;
    this.port = init.port ?? DEFAULT_DIRECTORY_PORT;
    this.identity = init.identity;
    this.network = init.network ?? DEFAULT_NETWORK;
    this.location = init.location ?? NOT_SERVING_ONION;
    const authId = ClientNickAuth.expectedId(init.nickAuthDirectoryId, this.host, this.port);
    this.nickAuth = new ClientNickAuth(
      {
        identity: this.identity,
        handshakeLine: () => this.handshakeLine,
        directoryHas: (f) => this.directoryHas(f),
        send: (type, line) => this.send(type, line),
        drop: (reason) => this.bumpDrop(reason),
        destroy: () => this.channel?.destroy(),
      },
      authId,
    );
    this.features = ClientNickAuth.advertised(
      init.features ?? { peerlist_features: true, ping: true },
      authId,
    );
    this.logger = (init.logger ?? silentLogger).child({ directory: `${this.host}:${this.port}` });
    this.peerlist = new ClientPeerlist(this, init);
  }

  /** JMP-0005: undefined until the directory challenges us, then false until its 807 says `ok`. */
  get nickAuthVerified(): boolean | undefined {
    return this.nickAuth.verified;
  }

  /** The directory id nick-auth proofs are bound to, when known. */
  get nickAuthDirectoryId(): string | undefined {
    return this.nickAuth.directoryId;
  }

  /** Our nick. */
  get nick(): string {
    return this.identity.nick;
  }

  /** True between a successful connect() and the connection closing. */
  get connected(): boolean {
    return this.directoryHandshake !== undefined && this.channel !== undefined && !this.channel.closed;
  }

  /** True when the directory advertised `feature` in its handshake. */
  directoryHas(feature: string): boolean {
    return this.directoryHandshake?.features[feature] === true;
  }

  /**
   * Dials and handshakes. Rejects with ERR_DIRECTORY_HANDSHAKE_REJECTED (the socket is closed,
   * no 801 is sent), ERR_CONNECT_FAILED, ERR_TIMEOUT or ERR_ABORTED.
   */
  connect(options: AbortOptions = {}): Promise<void> {
    if (this.#life.state === 'idle') this.#connectOptions = options;
    return this.#life.start();
  }

  /** Same as {@link connect} without a signal: the {@link Startable} name. */
  start(): Promise<void> {
    return this.connect();
  }

  private async doConnect(options: AbortOptions): Promise<void> {
    const timeout = this.init.timeout ?? CONNECT_TIMEOUT_MS;
    const signal = deadline(
      options.signal === undefined
        ? this.#closer.signal
        : AbortSignal.any([options.signal, this.#closer.signal]),
      timeout,
    );
    const category = this.init.isolationCategory ?? DIRECTORY_ISOLATION;
    const stream = await (this.init.dialer ?? tcpDialer)(this.host, this.port, { signal, timeout, category });
    const wait = waitForHandshake(this.network);
    this.handshakeWaiter = (env) => {
      this.handshakeWaiter = undefined;
      this.directoryHandshake = wait.onReply(env);
      if (this.directoryHandshake === undefined) this.channel?.destroy();
    };
    this.channel = new LineChannel(
      stream,
      {
        onEnvelope: (env) => this.onEnvelope(env),
        onProtocolError: (err) => this.bumpDrop(err.code === 'ERR_FRAME_TOO_LONG' ? 'oversize' : 'garbage'),
        onClose: () => {
          wait.onClosed();
          this.onClosed();
        },
      },
      {
        maxLineLength: this.init.maxLineLength ?? MAX_LINE_LENGTH,
        maxWriteBuffer: MAX_WRITE_BUFFER,
        counters: this.stats,
      },
    );
    this.handshakeLine = formatClientHandshake({
      location: this.location,
      features: this.features,
      nick: this.nick,
      network: this.network,
    });
    try {
      if (this.#closer.signal.aborted) throw new PeerwayError(ErrorCodes.CLOSED, 'client closed');
      this.send(MessageType.HANDSHAKE, this.handshakeLine);
      const hs = await raceSignal(wait.promise, signal, 'directory handshake');
      this.logger.debug({ directoryNick: hs.nick }, 'handshake accepted');
      if (this.features['nick_auth'] === true && hs.features['nick_auth'] === true) {
        // As ng's client: not connected until the 807 says ok (the directory registers us only then).
        await raceSignal(this.nickAuth.done.promise, signal, 'nick authentication');
        this.logger.debug('nick authenticated');
      }
      this.established = true;
    } catch (err) {
      this.channel.destroy();
      throw err;
    } finally {
      this.handshakeWaiter = undefined;
    }
  }

  /** Sends a pubmsg `nick!PUBLIC!body`. Returns false if it could not be queued. */
  sendPubmsg(body: string): boolean {
    return this.sendChecked(MessageType.PUBMSG, formatPubmsg(this.nick, body));
  }

  /** Sends a signed privmsg `nick!to!command data pub sig`. Returns false if it could not be queued. */
  sendPrivmsg(to: string, command: string, data: string): boolean {
    return this.sendChecked(MessageType.PRIVMSG, formatSignedPrivmsg(this.identity, to, command, data));
  }

  /** Sends a ready-made privmsg line (already signed by the caller). */
  sendRawPrivmsg(line: string): boolean {
    return this.sendChecked(MessageType.PRIVMSG, line);
  }

  /**
   * Asks for the directory's peerlist. At most once per `getpeerlistInterval` (earlier calls get
   * the previous answer); resolves undefined when the directory never answers (reference
   * directories), remembering that so later calls return at once.
   */
  getPeerlist(options: AbortOptions = {}): Promise<PeerlistEntry[] | undefined> {
    return this.peerlist.request(options);
  }

  /** Received messages as an async iterable (one reader; bounded, oldest dropped when full). */
  messages(): AsyncIterable<DirectoryMessage> {
    this.queue ??= new MessageQueue(this.init.queueLimit ?? CLIENT_QUEUE_LIMIT);
    if (this.channel?.closed === true) this.queue.close();
    return this.queue;
  }

  /**
   * Closes the connection without sending 801 (reference directories drop on it); a connect in
   * flight is aborted. Every call returns the same promise.
   */
  stop(): Promise<void> {
    this.closedByUs = true;
    this.queue?.close();
    this.#closer.abort();
    this.channel?.destroy();
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

  #closeChannel(): Promise<void> {
    return new Promise<void>((resolve) => {
      const stream = this.channel?.raw;
      if (stream === undefined || stream.closed) resolve();
      else stream.once('close', () => resolve());
      this.channel?.destroy();
    });
  }

  /** Sends one envelope (internal and for the peerlist helper). */
  send(type: number, line: string): boolean {
    const ok = this.channel?.send(type, line) ?? false;
    if (ok) bump(this.stats.sent, MESSAGE_TYPE_NAMES[type] ?? String(type));
    return ok;
  }

  private sendChecked(type: number, line: string): boolean {
    if (!this.connected)
      throw new PeerwayError(ErrorCodes.DIRECTORY_NOT_CONNECTED, 'not connected to the directory');
    return this.send(type, line);
  }

  private bumpDrop(reason: string): void {
    bump(this.stats.dropped, reason);
    this.logger.debug({ reason }, 'dropped a message from the directory');
  }

  private deliver(msg: DirectoryMessage): void {
    this.queue?.push(msg);
  }

  private onEnvelope(env: Envelope): void {
    bump(this.stats.received, MESSAGE_TYPE_NAMES[env.type] ?? 'unknown');
    if (this.handshakeWaiter !== undefined) {
      if (env.type === MessageType.DN_HANDSHAKE || env.type === MessageType.HANDSHAKE)
        this.handshakeWaiter(env);
      else this.bumpDrop('before_handshake');
      return;
    }
    switch (env.type) {
      case MessageType.PUBMSG:
        return this.accept(decodePubmsg(env.line));
      case MessageType.PRIVMSG:
        return this.accept(
          decodePrivmsg(env.line, this.nick, this.init.verifySignatures ?? true, this.init.verifiedLines),
        );
      case MessageType.PEERLIST: {
        const entries = this.peerlist.onPeerlist(env.line);
        this.emit('peerlist', entries);
        return this.deliver({ kind: 'peerlist', entries });
      }
      case MessageType.PING:
        // 799 only to a directory that advertised `ping`: the reference drops a peer sending it.
        if (this.directoryHas('ping')) this.send(MessageType.PONG, '');
        return;
      case MessageType.NICK_AUTH_CHALLENGE:
        return this.nickAuth.onChallenge(env.line, this.features['nick_auth'] === true);
      case MessageType.NICK_AUTH_RESULT:
        return this.nickAuth.onResult(env.line);
      default:
        this.bumpDrop('unknown_type');
    }
  }

  private accept(inbound: Inbound): void {
    if ('drop' in inbound) return this.bumpDrop(inbound.drop);
    const m = inbound.message;
    if (m.kind === 'pubmsg') this.emit('pubmsg', m.message);
    else if (m.kind === 'privmsg') this.emit('privmsg', m.message);
    this.deliver(m);
  }

  private onClosed(): void {
    this.nickAuth.onClosed();
    this.queue?.close();
    this.peerlist.onClose();
    if (!this.established) return; // never connected: connect() reports it
    const lost = new PeerwayError(ErrorCodes.DIRECTORY_NOT_CONNECTED, 'directory connection closed');
    this.emit('close', this.closedByUs ? undefined : lost);
  }
}
