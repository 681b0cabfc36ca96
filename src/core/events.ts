import { EventEmitter } from 'node:events';

/**
 * An event map: event name to listener argument tuple, for example
 * `{ peer: [peer: Peer]; close: [] }`.
 */
export type EventMap = Record<string, unknown[]>;

/**
 * Node's EventEmitter with a typed event map: the one event mechanism in peerway.
 *
 * @example
 * ```ts
 * class Client extends TypedEmitter<{ message: [msg: Message]; close: [] }> {}
 * client.on('message', (msg) => console.log(msg));
 * ```
 */
export class TypedEmitter<Events extends EventMap> extends EventEmitter<Events> {}
