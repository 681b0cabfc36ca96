import { bump, isPeerwayError, type Logger } from '../core/index.js';
import { addressKey, type UdpAddress } from './address.js';
import type { CommunityStats, MessageHandler } from './community-init.js';
import { DEPRECATED_IDS, MSG_ID_OFFSET } from './constants.js';
import type { PayloadClass } from './payload.js';

/**
 * Routes a community's datagrams to handlers by message id (byte 22; the endpoint has checked
 * the prefix and that the id is there). This is the one place a handler's failure is caught: a
 * `PeerwayError` is counted under its code, anything else as `handlerError` and logged.
 */
export class MessageDispatcher {
  private readonly handlers = new Map<number, MessageHandler>();

  constructor(
    private readonly stats: Pick<CommunityStats, 'received' | 'dropped'>,
    private readonly logger: Logger,
  ) {}

  /** Routes messages with this id (or the payload's `msgId`) to `handler`, replacing any before. */
  add(id: number | PayloadClass<object>, handler: MessageHandler): void {
    const msgId = typeof id === 'number' ? id : id.msgId;
    if (msgId === undefined || !Number.isInteger(msgId) || msgId < 0 || msgId > 255) {
      throw new TypeError('a message id is a byte');
    }
    this.handlers.set(msgId, handler);
  }

  /** Hands one datagram to its handler; never throws. */
  dispatch(source: UdpAddress, data: Uint8Array): void {
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
      this.fail(err, source, id);
    }
  }

  /**
   * Counts a handler's failure (also one that happens later, when a packet's signature was checked
   * on another thread): a `PeerwayError` under its code, anything else as `handlerError`, logged.
   */
  fail(err: unknown, source: UdpAddress, id: number): void {
    if (isPeerwayError(err)) {
      bump(this.stats.dropped, err.code);
      return;
    }
    bump(this.stats.dropped, 'handlerError');
    this.logger.warn(
      { err: err instanceof Error ? err.message : String(err), id, from: addressKey(source) },
      'handler threw',
    );
  }
}
