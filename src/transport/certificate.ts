import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { parseIpv4, parseIpv6 } from './ip.js';

/** A certificate and its private key, both PEM, ready to store and to pass to {@link listenTls}. */
export interface NodeCertificate {
  /** PKCS#8 private key, PEM. Secret: never log it. */
  key: string;
  /** X.509 certificate, PEM. */
  cert: string;
  /** SHA-256 fingerprint of the certificate, colon-separated uppercase hex (Node's format). */
  fingerprint256: string;
}

/** Init for {@link createCertificate}. */
export interface CreateCertificateInit {
  /** Subject common name. @default 'peerway' */
  commonName?: string | undefined;
  /**
   * Names the certificate is valid for: DNS names and IP literals, put in subjectAltName.
   * @default [commonName]
   */
  hosts?: string[] | undefined;
  /** Validity in days from now. @default 3650 */
  days?: number | undefined;
}

/**
 * Creates a self-signed certificate (ECDSA P-256, SHA-256) for a node. The result is plain PEM, so
 * a node can store it and reuse it across restarts.
 *
 * @example
 * ```ts
 * const { key, cert } = await createCertificate({ commonName: 'my-node', hosts: ['my-node.example'] });
 * await listenTls(onSocket, { key, cert, port: 50002 });
 * ```
 */
export async function createCertificate(init: CreateCertificateInit = {}): Promise<NodeCertificate> {
  const commonName = init.commonName ?? 'peerway';
  const hosts = init.hosts ?? [commonName];
  const days = init.days ?? 3650;
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 86_400_000);
  const altNames = hosts.map((host) => {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    return parseIpv4(bare) !== undefined || parseIpv6(bare) !== undefined
      ? { type: 7 as const, ip: bare }
      : { type: 2 as const, value: host };
  });
  try {
    const pems = await generate([{ name: 'commonName', value: commonName }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      notBeforeDate,
      notAfterDate,
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    });
    return {
      key: pems.private,
      cert: pems.cert,
      fingerprint256: new X509Certificate(pems.cert).fingerprint256,
    };
  } catch (err) {
    throw new PeerwayError(ErrorCodes.TLS_FAILED, 'creating a certificate failed', { cause: err });
  }
}
