/**
 * The secrets side of tor control-port authentication (control-spec 3.5 and 3.24): reading the
 * auth cookie and computing SAFECOOKIE's HMAC-SHA256 proofs. With SAFECOOKIE the controller proves
 * it knows the cookie without sending it, and checks that the port is really tor's.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { TOR_COOKIE_BYTES, TOR_SAFECOOKIE_CLIENT_KEY, TOR_SAFECOOKIE_SERVER_KEY } from './constants.js';

/** Reads tor's 32-byte auth cookie. Throws ERR_TOR_AUTH_FAILED when it is missing or the wrong size. */
export async function readAuthCookie(path: string): Promise<Buffer> {
  let cookie: Buffer;
  try {
    cookie = await readFile(path);
  } catch (err) {
    throw new PeerwayError(ErrorCodes.TOR_AUTH_FAILED, 'cannot read the tor auth cookie', {
      cause: err,
      details: { path },
    });
  }
  if (cookie.length !== TOR_COOKIE_BYTES) {
    throw new PeerwayError(ErrorCodes.TOR_AUTH_FAILED, `tor auth cookie has ${cookie.length} bytes, not 32`, {
      details: { path },
    });
  }
  return cookie;
}

function proof(key: string, cookie: Uint8Array, clientNonce: Uint8Array, serverNonce: Uint8Array): Buffer {
  return createHmac('sha256', key).update(cookie).update(clientNonce).update(serverNonce).digest();
}

/** The hash tor must send in its AUTHCHALLENGE reply. */
export function safeCookieServerHash(
  cookie: Uint8Array,
  clientNonce: Uint8Array,
  serverNonce: Uint8Array,
): Buffer {
  return proof(TOR_SAFECOOKIE_SERVER_KEY, cookie, clientNonce, serverNonce);
}

/** The hash the controller sends in AUTHENTICATE. */
export function safeCookieClientHash(
  cookie: Uint8Array,
  clientNonce: Uint8Array,
  serverNonce: Uint8Array,
): Buffer {
  return proof(TOR_SAFECOOKIE_CLIENT_KEY, cookie, clientNonce, serverNonce);
}

/** Constant-time check of tor's server hash; throws ERR_TOR_AUTH_FAILED when it does not match. */
export function verifyServerHash(expected: Buffer, received: Buffer): void {
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
    throw new PeerwayError(
      ErrorCodes.TOR_AUTH_FAILED,
      'tor AUTHCHALLENGE server hash does not match: wrong cookie, or not the tor we expected',
    );
  }
}
