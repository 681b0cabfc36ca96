/**
 * How a failed negotiation ends its stream.
 *
 * @module
 */
import type { Duplex } from 'node:stream';

/**
 * Resets a stream: RST for a TCP socket, a plain destroy for anything else. A socket whose write
 * side is already ending (a shutdown is in flight, as after a FIN from a peer on a socket that
 * does not allow half-open) is only destroyed: resetting it then leaves the handle unclosed.
 */
export function resetStream(stream: Duplex): void {
  const socket = stream as Duplex & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === 'function' && !stream.writableEnded && !stream.destroyed) {
    try {
      socket.resetAndDestroy();
      return;
    } catch {
      // Not a TCP handle (TLS, a pipe): fall through to destroy().
    }
  }
  stream.destroy();
}
