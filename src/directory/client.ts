/**
 * A connection to one directory: dial (TCP or SOCKS), handshake, then pubmsg/privmsg out and a
 * stream of verified messages in.
 *
 * @module
 */
import {
  deadline,
  deferred,
  ErrorCodes,
  PeerwayError,
  raceSignal,
  silentLogger,
  TypedEmitter,
  type AbortOptions,
  type Logger,
} from '../core/index.js';
import type {
  DirectoryClientEvents,
  DirectoryClientInit,
  DirectoryClientStats,
  DirectoryMessage,
} from './client-options.js';
import { ClientPeerlist } from './client-peerlist.js';
import {
  CLIENT_QUEUE_LIMIT,
  CONNECT_TIMEOUT_MS,
  DEFAULT_DIRECTORY_PORT,
  MAX_LINE_LENGTH,
  MAX_WRITE_BUFFER,
  MessageType,
  NOT_SERVING_ONION,
  PUBLIC_TARGET,
} from './constants.js';
import type { Envelope } from './envelope.js';
import {
  checkDirectoryHandshake,
  formatClientHandshake,
  parseDirectoryHandshake,
  type DirectoryHandshake,
  type Features,
} from './handshake.js';
import { LineChannel } from './line-channel.js';
import { formatPubmsg, formatSignedPrivmsg, parseMessageLine, verifyPrivmsg } from './message-line.js';
import { MessageQueue } from './message-queue.js';
import type { NickIdentity } from './nick.js';
import { formatNickAuthProof, parseNickAuthChallenge, parseNickAuthResult } from './nick-auth.js';
import { tcpDialer } from './dialer.js';
import type { PeerlistEntry } from './peerlist.js';

const TYPE_NAMES: Record<number, string> = {
  685: 'privmsg',
  687: 'pubmsg',
  789: 'peerlist',
  791: 'getpeerlist',
  793: 'handshake',
  795: 'dn-handshake',
  798: 'ping',
  799: 'pong',
  803: 'nick-auth-challenge',
  805: 'nick-auth-proof',
  807: 'nick-auth-result',
};

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
export class DirectoryClient extends TypedEmitter<DirectoryClientEvents> {
  /** Live counters. */
  readonly stats: DirectoryClientStats = { received: {}, sent: {}, dropped: {}, bytesIn: 0, bytesOut: 0 };
  readonly host: string;
  readonly port: number;
  readonly identity: NickIdentity;
  readonly network: string;
  readonly location: string;
  readonly features: Features;
  /** The directory's handshake reply, once connected. */
  directoryHandshake: DirectoryHandshake | undefined;
  /** JMP-0005 result, when the directory challenged us. */
  nickAuthVerified: boolean | undefined;
  readonly logger: Logger;
  private readonly init: DirectoryClientInit;
  private readonly peerlist: ClientPeerlist;
  private channel: LineChannel | undefined;
  private queue: MessageQueue<DirectoryMessage> | undefined;
  private handshakeLine = '';
  private handshakeWaiter: ((env: Envelope) => void) | undefined;
  private connecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private closedByUs = false;

  constructor(init: DirectoryClientInit) {
    super();
    this.init = init;
    this.host = init.host;
    this.port = init.port ?? DEFAULT_DIRECTORY_PORT;
    this.identity = init.identity;
    this.network = init.network ?? 'mainnet';
    this.location = init.location ?? NOT_SERVING_ONION;
    this.features = init.features ?? { peerlist_features: true, ping: true };
    this.logger = (init.logger ?? silentLogger).child({ directory: `${this.host}:${this.port}` });
    this.peerlist = new ClientPeerlist(this, init);
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
    this.connecting ??= this.doConnect(options);
    return this.connecting;
  }

  private async doConnect(options: AbortOptions): Promise<void> {
    const timeout = this.init.timeout ?? CONNECT_TIMEOUT_MS;
    const signal = deadline(options.signal, timeout);
    const dialer = this.init.dialer ?? tcpDialer;
    const stream = await dialer(this.host, this.port, {
      signal,
      timeout,
      category: this.init.isolationCategory ?? 'directory',
    });
    const reply = deferred<DirectoryHandshake>();
    const closedEarly = (): void =>
      reply.reject(
        new PeerwayError(ErrorCodes.DIRECTORY_NOT_CONNECTED, 'directory closed during the handshake'),
      );
    // Checked synchronously so that messages in the same chunk as the reply are handled normally.
    this.handshakeWaiter = (env) => {
      this.handshakeWaiter = undefined;
      try {
        const hs = parseDirectoryHandshake(env.line);
        checkDirectoryHandshake(hs, this.network);
        this.directoryHandshake = hs;
        reply.resolve(hs);
      } catch (err) {
        this.channel?.destroy();
        reply.reject(err);
      }
    };
    this.channel = new LineChannel(
      stream,
      {
        onEnvelope: (env) => this.onEnvelope(env),
        onProtocolError: (err) => {
          this.logger.warn({ code: err.code }, 'directory broke framing');
          this.bumpDrop('framing');
        },
        onClose: () => {
          closedEarly();
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
      if (this.closing !== undefined) throw new PeerwayError(ErrorCodes.CLOSED, 'client closed');
      this.send(MessageType.HANDSHAKE, this.handshakeLine);
      const hs = await raceSignal(reply.promise, signal, 'directory handshake');
      this.logger.debug({ directoryNick: hs.nick }, 'handshake accepted');
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

  /** Closes the connection without sending 801 (reference directories drop on it). Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.closedByUs = true;
      const stream = this.channel?.raw;
      this.queue?.close();
      if (stream === undefined || stream.closed) {
        this.channel?.destroy();
        resolve();
        return;
      }
      stream.once('close', () => resolve());
      this.channel!.destroy();
    });
    return this.closing;
  }

  /** Same as close(). */
  stop(): Promise<void> {
    return this.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Sends one envelope (internal and for the peerlist helper). */
  send(type: number, line: string): boolean {
    const ok = this.channel?.send(type, line) ?? false;
    if (ok)
      this.stats.sent[TYPE_NAMES[type] ?? String(type)] =
        (this.stats.sent[TYPE_NAMES[type] ?? String(type)] ?? 0) + 1;
    return ok;
  }

  private sendChecked(type: number, line: string): boolean {
    if (!this.connected)
      throw new PeerwayError(ErrorCodes.DIRECTORY_NOT_CONNECTED, 'not connected to the directory');
    return this.send(type, line);
  }

  private bumpDrop(reason: string): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
  }

  private deliver(msg: DirectoryMessage): void {
    this.queue?.push(msg);
  }

  private onEnvelope(env: Envelope): void {
    const name = TYPE_NAMES[env.type] ?? 'unknown';
    this.stats.received[name] = (this.stats.received[name] ?? 0) + 1;
    if (this.handshakeWaiter !== undefined) {
      if (env.type === MessageType.DN_HANDSHAKE || env.type === MessageType.HANDSHAKE)
        this.handshakeWaiter(env);
      else this.bumpDrop('before_handshake');
      return;
    }
    switch (env.type) {
      case MessageType.PUBMSG: {
        const msg = parseMessageLine(env.line);
        if (msg === undefined || msg.to !== PUBLIC_TARGET) return this.bumpDrop('bad_message');
        this.emit('pubmsg', msg);
        return this.deliver({ kind: 'pubmsg', message: msg });
      }
      case MessageType.PRIVMSG:
        return this.onPrivmsg(env.line);
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
        return this.onChallenge(env.line);
      case MessageType.NICK_AUTH_RESULT:
        this.nickAuthVerified = parseNickAuthResult(env.line)?.verified ?? false;
        return;
      default:
        this.bumpDrop('unknown_type');
    }
  }

  private onPrivmsg(line: string): void {
    const msg = parseMessageLine(line);
    if (msg === undefined) return this.bumpDrop('bad_message');
    if (msg.to !== this.nick) return this.bumpDrop('not_for_us');
    if (this.init.verifySignatures === false) {
      const fake = { ...msg, data: '', publicKey: '', signature: '' };
      this.emit('privmsg', fake);
      return this.deliver({ kind: 'privmsg', message: fake });
    }
    try {
      const verified = verifyPrivmsg(msg);
      this.emit('privmsg', verified);
      this.deliver({ kind: 'privmsg', message: verified });
    } catch {
      this.bumpDrop('bad_signature');
    }
  }

  private onChallenge(line: string): void {
    const challenge = parseNickAuthChallenge(line);
    if (challenge === undefined || this.features['nick_auth'] !== true) return this.bumpDrop('bad_challenge');
    this.send(
      MessageType.NICK_AUTH_PROOF,
      formatNickAuthProof(this.identity, challenge.challenge, challenge.directoryId, this.handshakeLine),
    );
  }

  private onClosed(): void {
    this.queue?.close();
    this.peerlist.onClose();
    const wasConnected = this.directoryHandshake !== undefined;
    if (wasConnected) {
      this.emit(
        'close',
        this.closedByUs
          ? undefined
          : new PeerwayError(ErrorCodes.DIRECTORY_NOT_CONNECTED, 'directory connection closed'),
      );
    }
  }
}
