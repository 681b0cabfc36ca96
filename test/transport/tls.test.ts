import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import type tls from 'node:tls';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { createCertificate } from '../../src/transport/certificate.js';
import { loadOrCreateCertificate } from '../../src/transport/certificate-file.js';
import { dialTls, listenTls } from '../../src/transport/tls.js';
import { dialTcp, listenTcp } from '../../src/transport/tcp.js';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isPeerwayError(err), `expected a PeerwayError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err.details ?? {};
  }
  assert.fail(`expected ${code}`);
}

async function firstLine(socket: tls.TLSSocket): Promise<string> {
  let text = '';
  for await (const chunk of socket) {
    text += (chunk as Buffer).toString();
    if (text.includes('\n')) break;
  }
  return text;
}

test('tls: self-signed node certificate', async (t) => {
  const node = createCertificate({ commonName: 'node-a', hosts: ['127.0.0.1', 'node-a.example'] });
  assert.match(node.key, /-----BEGIN PRIVATE KEY-----/);
  assert.match(node.cert, /-----BEGIN CERTIFICATE-----/);
  const listener = await listenTls((socket) => socket.end('hi\n'), { key: node.key, cert: node.cert });
  t.after(() => listener.close());

  await t.test('verification is on by default and refuses a self-signed peer', async () => {
    const details = await rejectsWith(dialTls('127.0.0.1', listener.port), ErrorCodes.TLS_FAILED);
    assert.equal(details.reason, 'DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  await t.test('verification off connects and carries data', async () => {
    const socket = await dialTls('127.0.0.1', listener.port, { rejectUnauthorized: false });
    assert.equal(socket.getPeerCertificate().fingerprint256, node.fingerprint256);
    assert.equal(await firstLine(socket), 'hi\n');
    socket.destroy();
  });

  await t.test('pinning the peer certificate as the only CA verifies it', async () => {
    const socket = await dialTls('127.0.0.1', listener.port, { ca: node.cert });
    assert.equal(socket.authorized, true);
    assert.equal(await firstLine(socket), 'hi\n');
    socket.destroy();
    const named = await dialTls('127.0.0.1', listener.port, { ca: node.cert, servername: 'node-a.example' });
    named.destroy();
  });

  await t.test('a pinned certificate with the wrong name or another key is refused', async () => {
    const details = await rejectsWith(
      dialTls('127.0.0.1', listener.port, { ca: node.cert, servername: 'other.example' }),
      ErrorCodes.TLS_FAILED,
    );
    assert.equal(details.reason, 'ERR_TLS_CERT_ALTNAME_INVALID');
    const stranger = createCertificate({ hosts: ['127.0.0.1'] });
    await rejectsWith(dialTls('127.0.0.1', listener.port, { ca: stranger.cert }), ErrorCodes.TLS_FAILED);
  });

  await t.test('a stored key and certificate serve again with the same identity', async () => {
    const stored = JSON.parse(JSON.stringify(node)) as typeof node;
    const again = await listenTls((socket) => socket.end('again\n'), { key: stored.key, cert: stored.cert });
    try {
      const socket = await dialTls('127.0.0.1', again.port, { ca: stored.cert });
      assert.equal(socket.getPeerCertificate().fingerprint256, node.fingerprint256);
      socket.destroy();
    } finally {
      await again.close();
    }
  });
});

test('tls: a client that is no TLS client is counted and dropped', async () => {
  const node = createCertificate({ hosts: ['127.0.0.1'] });
  const listener = await listenTls(() => assert.fail('no handshake should complete'), node);
  try {
    const socket = await dialTcp('127.0.0.1', listener.port);
    socket.on('error', () => {});
    socket.write('GET / HTTP/1.0\r\n\r\n');
    await once(socket, 'close');
    assert.equal(listener.stats.handshakeFailed, 1);
    assert.equal(listener.stats.accepted, 0);
  } finally {
    await listener.close();
  }
});

test('tls: close() is idempotent and ends open connections', async () => {
  const node = createCertificate({ hosts: ['127.0.0.1'] });
  const listener = await listenTls(() => {}, node);
  const socket = await dialTls('127.0.0.1', listener.port, { ca: node.cert });
  const closed = once(socket, 'close');
  const first = listener.close();
  assert.equal(listener.close(), first);
  await first;
  await closed;
  assert.equal(listener.server.listening, false);
});

test('tls: a silent server ends in ERR_TIMEOUT, a refused port in ERR_CONNECT_FAILED', async () => {
  const held: net.Socket[] = [];
  const silent = await listenTcp((s) => held.push(s));
  try {
    await rejectsWith(dialTls('127.0.0.1', silent.port, { timeout: 150 }), ErrorCodes.TIMEOUT);
    const controller = new AbortController();
    const pending = dialTls('127.0.0.1', silent.port, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await rejectsWith(pending, ErrorCodes.ABORTED);
  } finally {
    await silent.close();
  }
  await rejectsWith(dialTls('127.0.0.1', silent.port, { timeout: 2000 }), ErrorCodes.CONNECT_FAILED);
});

test('tls: a node keeps one P-256 identity in a 0600 key file and a certificate beside it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-cert-'));
  try {
    const files = { keyPath: join(dir, 'key.pem'), certPath: join(dir, 'cert.pem'), commonName: 'node-a' };
    const first = loadOrCreateCertificate(files);
    assert.equal(statSync(files.keyPath).mode & 0o777, 0o600);
    assert.equal(createPrivateKey(first.key).asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.deepEqual(loadOrCreateCertificate(files), first);

    // A crash between the two writes leaves a key without its certificate: the key is certified again.
    unlinkSync(files.certPath);
    const again = loadOrCreateCertificate(files);
    assert.equal(again.key, first.key);
    assert.ok(new X509Certificate(again.cert).checkPrivateKey(createPrivateKey(first.key)));
    const listener = await listenTls((socket) => socket.end('hi\n'), again);
    try {
      const socket = await dialTls('127.0.0.1', listener.port, { ca: again.cert, servername: 'node-a' });
      assert.equal(await firstLine(socket), 'hi\n');
      socket.destroy();
    } finally {
      await listener.close();
    }

    chmodSync(files.keyPath, 0o644);
    assert.throws(() => loadOrCreateCertificate(files), { code: ErrorCodes.SECRET_FILE });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
