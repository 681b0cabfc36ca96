/**
 * A nick identity kept in a file (hex secret, mode 0600), so a directory's nick survives restarts.
 *
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { NickIdentity } from './nick.js';

/** Reads the identity in `path`, or creates the file with a fresh one. */
export function loadOrCreateNickIdentity(path: string): NickIdentity {
  if (existsSync(path)) {
    const hex = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_NICK, 'nick key file does not hold 64 hex digits', {
        details: { path },
      });
    }
    return new NickIdentity(Buffer.from(hex, 'hex'));
  }
  const identity = NickIdentity.generate();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, identity.exportSecretHex() + '\n', { mode: 0o600 });
  return identity;
}
