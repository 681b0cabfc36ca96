/**
 * The error a JSON-RPC handler throws to answer with an error object.
 *
 * @module
 */

/**
 * Thrown by a request handler to answer with a JSON-RPC error. With `disconnect`, the connection
 * is closed once the reply is written (ElectrumX's ReplyAndDisconnect).
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly disconnect = false,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}
