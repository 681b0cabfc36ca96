/**
 * A node's TLS identity kept across restarts: the private key in a secret file, the certificate
 * beside it. Clients pin a self-signed certificate on first use, so the pair must stay stable.
 *
 * @module
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { createCertificate, type CreateCertificateInit } from './certificate.js';
import { loadOrCreateSecret, writeSecretFile } from './secret-file.js';

/** Where {@link loadOrCreateCertificate} keeps the pair, and what a new certificate says. */
export interface CertificateFiles extends Omit<CreateCertificateInit, 'key'> {
  /** The private key (PEM); created with mode 0600, refused when others can read it. */
  keyPath: string;
  /** The certificate (PEM). */
  certPath: string;
}

/**
 * Loads the key and certificate in `keyPath` and `certPath`, creating them once. The key goes
 * through {@link loadOrCreateSecret} (atomic, 0600); a missing certificate, or one that does not
 * belong to the key (a crash between the two writes), is issued again for the same key. Throws
 * ERR_SECRET_FILE for an unreadable or exposed key file, ERR_TLS_FAILED for a key that is not one.
 *
 * @example
 * ```ts
 * const { key, cert } = loadOrCreateCertificate({
 *   keyPath: 'data/tls-key.pem', certPath: 'data/tls-cert.pem', commonName: 'node.example',
 * });
 * ```
 */
export function loadOrCreateCertificate(files: CertificateFiles): { key: string; cert: string } {
  const { keyPath, certPath, ...subject } = files;
  let made: { key: string; cert: string } | undefined;
  const key = loadOrCreateSecret(keyPath, {
    decode: (bytes) => bytes.toString('utf8'),
    create: () => {
      made = createCertificate(subject);
      // The certificate first: a key without its certificate is repaired below, not the reverse.
      writeSecretFile(certPath, made.cert);
      return { value: made.key, bytes: made.key };
    },
  });
  if (made !== undefined) return { key: made.key, cert: made.cert };
  const cert = readCertificate(certPath);
  if (cert !== undefined && belongsTo(cert, key)) return { key, cert };
  const reissued = createCertificate({ ...subject, key });
  writeSecretFile(certPath, reissued.cert);
  return { key, cert: reissued.cert };
}

function readCertificate(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function belongsTo(cert: string, key: string): boolean {
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch (err) {
    throw new PeerwayError(ErrorCodes.TLS_FAILED, 'the stored TLS key is not a private key', { cause: err });
  }
  try {
    return new X509Certificate(cert).checkPrivateKey(privateKey);
  } catch {
    return false;
  }
}
