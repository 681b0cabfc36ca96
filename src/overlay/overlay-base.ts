import { bump, isPeerwayError, silentLogger, TypedEmitter, type Logger } from '../core/index.js';
import { addressKey, type UdpAddress } from './address.js';
import { COMMUNITY_ID_LENGTH, DEPRECATED_IDS, MAX_AMPLIFICATION, MSG_ID_OFFSET } from './constants.js';
import type { Endpoint } from './endpoint.js';
import type { PrivateKey } from './keys.js';
import { decodeMessage, encodeMessage, type DecodeMessageOptions } from './messages.js';
import { Network } from './network.js';
import { communityPrefix } from './packet.js';
import type { PayloadClass } from './payload.js';
import { Peer } from './peer.js';

/** A raw message handler: the datagram (prefix included) and its UDP source. */
export type MessageHandler = (source: UdpAddress, data: Uint8Array) => void;

/** Events of a community. */
// A type alias (not an interface) so it satisfies the EventMap index signature.
export type CommunityEvents = {
  /** A peer became a verified peer of this community. */
  peer: [peer: Peer];
  /** A peer was dropped (churn, or removed by the application). */
  'peer-removed': [peer: Peer];
};

/** What every overlay needs. */
export interface OverlayInit {
  /** The 20-byte community id. */
  communityId: Uint8Array;
  /** The shared UDP endpoint (started or not; it must be started before traffic flows). */
  endpoint: Endpoint;
  /** Our identity. */
  key: PrivateKey;
  /** Shared knowledge of peers; pass one Network to several communities to share it. @default new Network() */
  network?: Network;
  /** Logger (never receives key material). @default silentLogger */
  logger?: Logger;
}

/** Counters of a community. */
export interface CommunityStats {
  [key: string]: number | Record<string, number>;
  received: Record<string, number>;
  sent: number;
  /** Strategy ticks run. */
  ticks: number;
  dropped: Record<string, number>;
}

/**
 * py-ipv8's `EZPackOverlay`: prefix, message dispatch by id, signed and unsigned messages, a
 * Lamport counter. Every decode failure is counted in `stats.dropped` and never thrown.
 */
export class OverlayBase extends TypedEmitter<CommunityEvents> {
  /** The community id (20 bytes). */
  readonly communityId: Uint8Array;
  /** The community id in hex, as used for services in the {@link Network}. */
  readonly serviceId: string;
  readonly endpoint: Endpoint;
  readonly network: Network;
  readonly key: PrivateKey;
  /** Our own peer (key and the address others see for us). */
  readonly myPeer: Peer;
  readonly stats: CommunityStats = { received: {}, sent: 0, ticks: 0, dropped: {} };
  protected readonly logger: Logger;
  protected readonly prefix: Uint8Array;
  private readonly handlers = new Map<number, MessageHandler>();
  private globalTime = 0n;

  constructor(init: OverlayInit) {
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
  }

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
    const msgId = typeof id === 'number' ? id : id.msgId;
    if (msgId === undefined || !Number.isInteger(msgId) || msgId < 0 || msgId > 255) {
      throw new TypeError('a message id is a byte');
    }
    this.handlers.set(msgId, handler);
  }

  /** Verifies and decodes a signed message, returning the (possibly known) peer that sent it. */
  decodeSigned<V extends object>(
    source: UdpAddress,
    data: Uint8Array,
    payload: PayloadClass<V>,
    options: Omit<DecodeMessageOptions, 'signed'> = {},
  ): { peer: Peer; payload: V; globalTime: bigint | undefined } {
    const m = decodeMessage(data, payload, { signed: true, globalTime: options.globalTime });
    let peer = this.network.getVerifiedById(m.key!.id);
    if (peer === undefined) peer = new Peer(m.key!, source);
    else this.network.moveAddress(peer, source);
    return { peer, payload: m.payload, globalTime: m.globalTime };
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
    options: { signed?: boolean; globalTime?: bigint } = {},
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

  /**
   * Sends `data` in reaction to a datagram of `requestSize` bytes, unless that would make us an
   * amplifier (more than {@link MAX_AMPLIFICATION} times the request).
   */
  protected sendBounded(to: UdpAddress, data: Uint8Array, requestSize: number): void {
    if (data.length > MAX_AMPLIFICATION * requestSize) {
      bump(this.stats.dropped, 'amplification');
      return;
    }
    this.send(to, data);
  }

  private hasOurPrefix(data: Uint8Array): boolean {
    const prefix = this.prefix;
    for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
    return true;
  }

  /** The endpoint's entry point for our prefix. */
  onPacket(data: Uint8Array, source: UdpAddress): void {
    const known = this.network.getVerifiedByAddress(source);
    if (known !== undefined) known.lastResponse = Date.now();
    if (data.length <= MSG_ID_OFFSET || !this.hasOurPrefix(data)) {
      bump(this.stats.dropped, 'wrongPrefix');
      return;
    }
    const id = data[MSG_ID_OFFSET]!;
    const handler = this.handlers.get(id);
    if (handler === undefined) {
      bump(this.stats.dropped, DEPRECATED_IDS.has(id) ? 'deprecated' : 'unknownId');
      return;
    }
    bump(this.stats.received, String(id));
    try {
      handler(source, data);
    } catch (err) {
      const reason = isPeerwayError(err) ? err.code : 'handlerError';
      bump(this.stats.dropped, reason);
      if (!isPeerwayError(err)) {
        this.logger.warn(
          { err: err instanceof Error ? err.message : String(err), id, from: addressKey(source) },
          'handler threw',
        );
      }
    }
  }
}
