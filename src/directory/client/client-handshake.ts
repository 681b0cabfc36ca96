/**
 * The client's wait for the directory's handshake reply. The reply is checked synchronously as it
 * arrives, so messages in the same chunk right after it are handled as normal traffic.
 *
 * @module
 */
import { deferred, ErrorCodes, PeerwayError } from '../../core/index.js';
import type { Envelope } from '../wire/index.js';
import { checkDirectoryHandshake, parseDirectoryHandshake, type DirectoryHandshake } from '../wire/index.js';

/** A pending handshake reply. */
export interface HandshakeWait {
  /** Settles with the accepted reply, or rejects (rejection, malformed reply, closed early). */
  readonly promise: Promise<DirectoryHandshake>;
  /** Feed the first 793/795 envelope here. Returns the accepted reply, or undefined on failure. */
  onReply(env: Envelope): DirectoryHandshake | undefined;
  /** The connection closed before a reply. */
  onClosed(): void;
}

/** Starts waiting for a directory's reply on `network`. */
export function waitForHandshake(network: string): HandshakeWait {
  const reply = deferred<DirectoryHandshake>();
  reply.promise.catch(() => {});
  return {
    promise: reply.promise,
    onReply(env) {
      try {
        const hs = parseDirectoryHandshake(env.line);
        checkDirectoryHandshake(hs, network);
        reply.resolve(hs);
        return hs;
      } catch (err) {
        reply.reject(err);
        return undefined;
      }
    },
    onClosed() {
      reply.reject(
        new PeerwayError(ErrorCodes.DIRECTORY_NOT_CONNECTED, 'directory closed during the handshake'),
      );
    },
  };
}
