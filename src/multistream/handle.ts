/**
 * The listener in one call, `handle()`: for a plain list of ids it negotiates without a registry,
 * from a small cache of protocol tables keyed by the list.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { ErrorCodes, toPeerwayError } from '../core/index.js';
import { multistreamError } from './errors.js';
import { Multiselect, type ProtocolHandler } from './handler-registry.js';
import { ListenerExchange } from './listener-exchange.js';
import type { ListenOptions } from './listener.js';
import { negotiate } from './negotiation.js';
import { NO_COUNTERS, tableFor, type TableEntry } from './protocol-table.js';

function pickProtocol(entry: TableEntry<undefined>): string {
  return entry.frames.protocol;
}

/**
 * The listener in one call: negotiates one of `protocols` on `stream` and resolves with it. Given
 * a handler map or a {@link Multiselect}, also starts the chosen handler. The stream then carries
 * the protocol, with any bytes the dialer sent behind its proposal delivered first.
 *
 * @example
 * ```ts
 * const server = await listenTcp(async (socket) => {
 *   const protocol = await handle(socket, ['/echo/1.0.0'], { timeout: 5000 });
 *   socket.pipe(socket);
 * });
 * ```
 */
export function handle(
  stream: Duplex,
  protocols: string | readonly string[] | Record<string, ProtocolHandler> | Multiselect,
  options: ListenOptions = {},
): Promise<string> {
  if (protocols instanceof Multiselect) return protocols.handle(stream, options);
  if (typeof protocols === 'string' || Array.isArray(protocols)) {
    const list: readonly string[] =
      typeof protocols === 'string' ? [protocols] : (protocols as readonly string[]);
    if (list.length === 0)
      return Promise.reject(multistreamError(ErrorCodes.INVALID_ARGUMENT, 'no protocols to offer'));
    let table;
    try {
      table = tableFor(list);
    } catch (err) {
      return Promise.reject(toPeerwayError(err, ErrorCodes.INVALID_ARGUMENT));
    }
    return negotiate(
      new ListenerExchange(table, NO_COUNTERS, options.eagerHeader ?? false, pickProtocol),
      stream,
      options,
    );
  }
  return new Multiselect({ handlers: protocols as Record<string, ProtocolHandler> }).handle(stream, options);
}
