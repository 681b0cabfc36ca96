/**
 * Self-signed node certificates (ECDSA P-256 with SHA-256), built with `node:crypto` and a small
 * DER encoder: one maker for every TLS listener in peerway.
 *
 * @module
 */
import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from 'node:crypto';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import {
  derBitString,
  derBoolean,
  derExplicit,
  derImplicit,
  derOctetString,
  derOid,
  derSequence,
  derSet,
  derSmallInt,
  derTime,
  derUnsigned,
  derUtf8,
  toPem,
} from './der.js';
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
  /** An existing P-256 private key (PEM) to certify instead of a fresh one. @default a new key */
  key?: string | undefined;
}

/** Default subject common name. */
const DEFAULT_COMMON_NAME = 'peerway';
/** Default validity: ten years, so a node's pinned certificate outlives the node. */
const DEFAULT_DAYS = 3650;
/** notBefore is set this far in the past to tolerate clock skew between peers. */
const CLOCK_SKEW_MS = 60_000;
/** Serial numbers are 16 random bytes: RFC 5280 allows up to 20 octets and asks for uniqueness. */
const SERIAL_BYTES = 16;

/** Object identifiers (RFC 5280, RFC 5758). */
const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** keyUsage digitalSignature only (bit 0): the one use of an ECDSA key in TLS 1.2 and 1.3. */
const KEY_USAGE_DIGITAL_SIGNATURE = derBitString(Buffer.from([0x80]), 7);

/**
 * Creates a self-signed certificate (ECDSA P-256, SHA-256) for a node. The result is plain PEM, so
 * a node can store it and reuse it across restarts. Throws ERR_TLS_FAILED when `key` is not a
 * P-256 private key.
 *
 * @example
 * ```ts
 * const { key, cert } = createCertificate({ commonName: 'my-node', hosts: ['my-node.example'] });
 * await listenTls(onSocket, { key, cert, port: 50002 });
 * ```
 */
export function createCertificate(init: CreateCertificateInit = {}): NodeCertificate {
  const commonName = init.commonName ?? DEFAULT_COMMON_NAME;
  const hosts = init.hosts ?? [commonName];
  const days = init.days ?? DEFAULT_DAYS;
  try {
    const privateKey = init.key === undefined ? freshKey() : p256Key(init.key);
    const notBefore = new Date(Date.now() - CLOCK_SKEW_MS);
    const notAfter = new Date(notBefore.getTime() + days * 86_400_000);
    const signatureAlgorithm = derSequence(derOid(OID.ecdsaWithSha256));
    const name = derSequence(derSet(derSequence(derOid(OID.commonName), derUtf8(commonName))));
    const serial = randomBytes(SERIAL_BYTES);
    serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and never zero
    const tbs = derSequence(
      derExplicit(0, derSmallInt(2)), // v3
      derUnsigned(serial),
      signatureAlgorithm,
      name,
      derSequence(derTime(notBefore), derTime(notAfter)),
      name,
      createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
      derExplicit(3, derSequence(...extensions(hosts))),
    );
    const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
    const der = derSequence(tbs, signatureAlgorithm, derBitString(signature));
    const cert = toPem('CERTIFICATE', der);
    return {
      key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      cert,
      fingerprint256: new X509Certificate(cert).fingerprint256,
    };
  } catch (err) {
    throw new PeerwayError(ErrorCodes.TLS_FAILED, 'creating a certificate failed', { cause: err });
  }
}

function freshKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}

function p256Key(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('not a P-256 private key');
  }
  return key;
}

function extension(oid: string, critical: boolean, value: Uint8Array): Buffer {
  return critical
    ? derSequence(derOid(oid), derBoolean(true), derOctetString(value))
    : derSequence(derOid(oid), derOctetString(value));
}

function extensions(hosts: readonly string[]): Buffer[] {
  const altNames = hosts.map((host) => {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    const ip = parseIpv4(bare) ?? parseIpv6(bare);
    // GeneralName: [7] iPAddress (4 or 16 bytes) or [2] dNSName (IA5String).
    return ip !== undefined ? derImplicit(7, ip) : derImplicit(2, Buffer.from(host, 'ascii'));
  });
  return [
    extension(OID.basicConstraints, true, derSequence()), // cA defaults to false
    extension(OID.keyUsage, true, KEY_USAGE_DIGITAL_SIGNATURE),
    extension(OID.extKeyUsage, false, derSequence(derOid(OID.serverAuth), derOid(OID.clientAuth))),
    extension(OID.subjectAltName, false, derSequence(...altNames)),
  ];
}
