/**
 * A nick identity kept in a file (hex secret, mode 0600), so a directory's nick survives restarts.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { loadOrCreateSecret } from '../../transport/index.js';
import { NickIdentity } from '../wire/index.js';

/**
 * Reads the identity in `path`, or creates the file with a fresh one (atomically, mode 0600).
 *
 * @throws PeerwayError ERR_DIRECTORY_BAD_NICK when the file does not hold 64 hex digits,
 *   ERR_SECRET_FILE when others can read it or it cannot be read or written.
 */
export function loadOrCreateNickIdentity(path: string): NickIdentity {
  return loadOrCreateSecret(path, {
    decode: (bytes) => {
      const hex = bytes.toString('utf8').trim();
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
        throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_NICK, 'nick key file does not hold 64 hex digits', {
          details: { path },
        });
      }
      return new NickIdentity(Buffer.from(hex, 'hex'));
    },
    create: () => {
      const identity = NickIdentity.generate();
      return { value: identity, bytes: identity.exportSecretHex() + '\n' };
    },
  });
}
