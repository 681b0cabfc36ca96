/**
 * multistream-select 1.0: how libp2p peers agree on a protocol at the start of every connection
 * and stream. Every message is `uvarint(len) || utf8(text) || '\n'` (len counts the newline, at
 * most 1024, a minimal prefix of at most 2 bytes). Both sides first send the header
 * `/multistream/1.0.0`; the dialer then proposes one protocol at a time and the listener echoes
 * the one it accepts or answers `na`. After the echo the same stream carries the protocol.
 *
 * ```
 *  dialer                                             listener
 *    | 13 /multistream/1.0.0\n  09 /a/1.0.0\n  (one write) |
 *    |---------------------------------------------------->|
 *    |          13 /multistream/1.0.0\n  03 na\n (one write)|
 *    |<----------------------------------------------------|
 *    | 09 /b/1.0.0\n                                       |
 *    |---------------------------------------------------->|
 *    |                                        09 /b/1.0.0\n|  echo: /b/1.0.0 agreed
 *    |<----------------------------------------------------|
 *    | ...protocol bytes, both ways...                     |
 *
 *  ls (optional):  03 ls\n  ->  <- len [ 09 /a/1.0.0\n 09 /b/1.0.0\n ] \n
 * ```
 *
 * Works on any Node `Duplex` (TCP, TLS, SOCKS sockets) that has no other reader while it
 * negotiates; `peerway/multistream/libp2p` runs the same core on js-libp2p's streams and in a
 * browser. After a negotiation the caller keeps the same stream; bytes that arrived behind the
 * last negotiation message are put back at the front of its read buffer and are read first,
 * exactly once.
 *
 * @example
 * ```ts
 * import { Multiselect, select } from 'peerway/multistream';
 * const mss = new Multiselect({ handlers: { '/echo/1.0.0': (s) => s.pipe(s) } });
 * const server = await listenTcp((socket) => void mss.handle(socket).catch(() => {}));
 * const socket = await dialTcp('127.0.0.1', server.port);
 * await select(socket, ['/echo/2.0.0', '/echo/1.0.0']); // '/echo/1.0.0'
 * ```
 *
 * @module
 */
export { PROTOCOL_ID, MAX_PROTOCOL_LENGTH, DEFAULT_NEGOTIATION_TIMEOUT } from './constants.js';
export type { NegotiateOptions } from './negotiation.js';
export { select, trySelect, handshake, type SelectOptions } from './dialer.js';
export { ls, type LsOptions } from './ls.js';
export { lazySelect } from './lazy-dialer.js';
export {
  MultiselectClient,
  type MultiselectClientInit,
  type MultiselectClientStats,
} from './dialer-client.js';
export {
  Multiselect,
  type MultiselectInit,
  type MultiselectStats,
  type ProtocolHandler,
} from './handler-registry.js';
export { handle } from './handle.js';
export type { ListenOptions } from './listener.js';
export type { Negotiated } from './protocol-table.js';
export { isValidHandshake, multiselectErrorKind, type MultiselectErrorKind } from './errors.js';
export {
  MultiselectCommunicator,
  type ByteChannel,
  type MultiselectCommunicatorInit,
} from './communicator.js';
