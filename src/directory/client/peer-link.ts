/**
 * A direct peer-to-peer link between a taker and a maker that serves a location: the same
 * envelopes as a directory connection, but both ends send a 793 handshake (no 795) and only
 * signed privmsgs follow, each bound to the nick that handshaked.
 *
 * ```
 *  taker (dialler)                        maker (serving host:port)
 *                                     <----  793 {nick M, host:port}   (on accept)
 *    793 {nick T, NOT-SERVING-ONION}  ---->
 *    685 T!M!fill ... pub sig         ---->
 *                                     <----  685 M!T!pubkey ... pub sig
 * ```
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import {
  bump,
  ErrorCodes,
  PeerwayError,
  raceSignal,
  TypedEmitter,
  deferred,
  type Deferred,
} from '../../core/index.js';
import { decodePrivmsg } from './client-inbound.js';
import {
  MAX_LINE_LENGTH,
  MAX_WRITE_BUFFER,
  MessageType,
  PROTOCOL_VERSION,
  APP_NAME,
  formatClientHandshake,
  parseClientHandshake,
  type ClientHandshake,
  LineChannel,
  formatSignedPrivmsg,
  type VerifiedPrivmsg,
  isWellFormedNick,
} from '../wire/index.js';
import type { Envelope, Features, NickIdentity } from '../wire/index.js';

/** Options for {@link PeerLink}. */
export interface PeerLinkInit {
  /** A connected stream (dialled or accepted). */
  stream: Duplex;
  /** Our nick identity. */
  identity: NickIdentity;
  /** Network named in the handshake. */
  network: string;
  /** Our location string (`NOT-SERVING-ONION` for a taker). */
  location: string;
  /**
   * True when we dialled. Both ends send their 793 at once (the recorded reference maker sends
   * its own as soon as it accepts); `outbound` only decides whether `expectedNick` applies.
   */
  outbound: boolean;
  /** For outbound links: the nick we meant to reach; another nick fails the handshake. @default undefined (any nick) */
  expectedNick?: string;
  /** Features our handshake advertises (the client's own, as on its directory links). @default {} */
  features?: Features;
}

/** Events of a {@link PeerLink}. */
export type PeerLinkEvents = {
  /** A verified privmsg from the linked nick, addressed to us. */
  privmsg: [message: VerifiedPrivmsg];
  /** The link closed. */
  close: [];
};

/** Counters of a {@link PeerLink}. */
export interface PeerLinkStats {
  [key: string]: number | Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  dropped: Record<string, number>;
}

/** One direct link. */
export class PeerLink extends TypedEmitter<PeerLinkEvents> {
  readonly stats: PeerLinkStats = { bytesIn: 0, bytesOut: 0, dropped: {} };
  /** The peer's handshake, once received. */
  remote: ClientHandshake | undefined;
  readonly #init: PeerLinkInit;
  readonly #channel: LineChannel;
  readonly #handshake: Deferred<ClientHandshake> = deferred();
  #closed = false;

  constructor(init: PeerLinkInit) {
    super();
    this.#init = init;
    this.#handshake.promise.catch(() => undefined);
    this.#channel = new LineChannel(
      init.stream,
      {
        onEnvelope: (env) => this.#onEnvelope(env),
        onProtocolError: () => bump(this.stats.dropped, 'framing'),
        onClose: () => this.#onClose(),
      },
      { maxLineLength: MAX_LINE_LENGTH, maxWriteBuffer: MAX_WRITE_BUFFER, counters: this.stats },
    );
    this.#sendHandshake();
  }

  /** The peer's nick (after the handshake). */
  get remoteNick(): string | undefined {
    return this.remote?.nick;
  }

  /** True between the handshake and the close. */
  get connected(): boolean {
    return this.remote !== undefined && !this.#closed && !this.#channel.closed;
  }

  /**
   * Resolves with the peer's handshake; rejects with ERR_DIRECTORY_HANDSHAKE_REJECTED (wrong
   * nick, network or version), ERR_DIRECTORY_NOT_CONNECTED (closed first) or the signal's reason.
   * The link is closed on failure.
   */
  async handshake(signal?: AbortSignal): Promise<ClientHandshake> {
    try {
      return await raceSignal(this.#handshake.promise, signal, 'peer handshake');
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Signs and sends `OURNICK!to!command data pub sig`. False when the link is down or full. */
  sendPrivmsg(to: string, command: string, data: string): boolean {
    if (!this.connected) return false;
    return this.#channel.send(
      MessageType.PRIVMSG,
      formatSignedPrivmsg(this.#init.identity, to, command, data),
    );
  }

  /** Closes the link. Idempotent. */
  close(): void {
    this.#channel.destroy();
  }

  #sendHandshake(): void {
    this.#channel.send(
      MessageType.HANDSHAKE,
      formatClientHandshake({
        location: this.#init.location,
        features: this.#init.features ?? {},
        nick: this.#init.identity.nick,
        network: this.#init.network,
      }),
    );
  }

  #onEnvelope(env: Envelope): void {
    if (this.remote === undefined) {
      if (env.type !== MessageType.HANDSHAKE) return void bump(this.stats.dropped, 'before_handshake');
      let hs: ClientHandshake;
      try {
        hs = parseClientHandshake(env.line);
      } catch (err) {
        this.#handshake.reject(err);
        return this.close();
      }
      const reason = rejection(hs, this.#init);
      if (reason !== undefined) {
        this.#handshake.reject(
          new PeerwayError(ErrorCodes.DIRECTORY_HANDSHAKE_REJECTED, `peer handshake refused: ${reason}`, {
            details: { reason, nick: hs.nick },
          }),
        );
        return this.close();
      }
      this.remote = hs;
      this.#handshake.resolve(hs);
      return;
    }
    if (env.type !== MessageType.PRIVMSG) return void bump(this.stats.dropped, 'unexpected_type');
    const inbound = decodePrivmsg(env.line, this.#init.identity.nick, true);
    if ('drop' in inbound) return void bump(this.stats.dropped, inbound.drop);
    if (inbound.message.kind !== 'privmsg') return;
    // A link speaks for the nick that handshaked on it, and for no other.
    if (inbound.message.message.from !== this.remote.nick) return void bump(this.stats.dropped, 'wrong_nick');
    this.emit('privmsg', inbound.message.message);
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handshake.reject(new PeerwayError(ErrorCodes.DIRECTORY_NOT_CONNECTED, 'peer link closed'));
    this.emit('close');
  }
}

function rejection(hs: ClientHandshake, init: PeerLinkInit): string | undefined {
  if (hs.appName !== APP_NAME) return 'app-name';
  if (hs.protoVer !== PROTOCOL_VERSION) return 'proto-ver';
  if (hs.directory) return 'directory';
  if (hs.network !== init.network) return 'network';
  if (init.expectedNick !== undefined && hs.nick !== init.expectedNick) return 'nick';
  if (hs.nick === init.identity.nick || !isWellFormedNick(hs.nick)) return 'nick';
  return undefined;
}
