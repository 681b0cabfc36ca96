import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { DirectoryClient } from '../../src/directory/client/client.js';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatDirectoryHandshake } from '../../src/directory/wire/handshake.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { isPeerwayError } from '../../src/core/index.js';
import {
  checkNickAuthProof,
  formatNickAuthChallenge,
  formatNickAuthProof,
  formatNickAuthResult,
  nickAuthIdForEndpoint,
  nickAuthMessage,
  parseNickAuthChallenge,
  parseNickAuthResult,
  topLevelNames,
} from '../../src/directory/wire/nick-auth.js';
import { client, startServer, until } from './net.js';
import { RawPeer } from './raw-peer.js';
import { startFakeDirectory } from './fake-directory.js';

/** Vectors built outside this code base from the JMP-0005 rules (see the file's `about`). */
const fx = JSON.parse(
  readFileSync(new URL('../fixtures/directory-nick-auth.json', import.meta.url), 'utf8'),
) as Record<string, string>;
const f = (k: string): string => fx[k]!;
const expected = {
  challenge: f('challenge'),
  directoryId: f('directoryId'),
  handshakeLine: f('handshakeLine'),
  nick: f('nick'),
};
const N = secp256k1.Point.CURVE().n;

/**
 * A proof put together step by step the way joinmarket-ng's client does, without our nick-auth
 * code: sha256 hex of the 793 line, the `|`-joined transcript + `nick-auth-v1`, the Bitcoin
 * signed-message hash (compact-size length), low-S DER, base64, compact JSON.
 */
function handProof(secretHex: string, challenge: string, directoryId: string, line: string): string {
  const secret = Buffer.from(secretHex, 'hex');
  const pub = Buffer.from(secp256k1.getPublicKey(secret, true)).toString('hex');
  const nick = NickIdentity.fromSecret(secretHex).nick;
  const lineHash = createHash('sha256').update(line).digest('hex');
  const msg = Buffer.from(`nick-auth|${challenge}|${directoryId}|${lineHash}|${nick}|${pub}nick-auth-v1`);
  const len =
    msg.length < 253 ? Buffer.from([msg.length]) : Buffer.from([0xfd, msg.length & 255, msg.length >> 8]);
  const inner = createHash('sha256')
    .update(Buffer.concat([Buffer.from('\x18Bitcoin Signed Message:\n', 'latin1'), len, msg]))
    .digest();
  const hash = createHash('sha256').update(inner).digest();
  const der = secp256k1.sign(hash, secret, { prehash: false, format: 'der', lowS: true });
  return `{"pubkey":"${pub}","signature":"${Buffer.from(der).toString('base64')}"}`;
}

function withSignature(proofLine: string, der: Uint8Array | string): string {
  const o = JSON.parse(proofLine) as { pubkey: string; signature: string };
  o.signature = typeof der === 'string' ? der : Buffer.from(der).toString('base64');
  return JSON.stringify(o);
}

test('nick-auth: our proof, challenge and result lines equal the hand-built vectors byte for byte', () => {
  const id = NickIdentity.fromSecret(f('secretKeyHex'));
  assert.equal(id.nick, f('nick'));
  assert.equal(id.publicKeyHex, f('publicKeyHex'));
  const m = nickAuthMessage(f('challenge'), f('directoryId'), f('handshakeLine'), id.nick, id.publicKeyHex);
  assert.equal(m + 'nick-auth-v1', f('signedMessage'));
  assert.equal(formatNickAuthProof(id, f('challenge'), f('directoryId'), f('handshakeLine')), f('proofLine'));
  assert.equal(
    handProof(f('secretKeyHex'), f('challenge'), f('directoryId'), f('handshakeLine')),
    f('proofLine'),
  );
  assert.equal(formatNickAuthChallenge(f('challenge'), f('directoryId')), f('challengeLine'));
  assert.equal(formatNickAuthResult('ok'), f('resultOkLine'));
  assert.equal(formatNickAuthResult('invalid'), f('resultInvalidLine'));
  assert.deepEqual(parseNickAuthChallenge(f('challengeLine')), {
    challenge: f('challenge'),
    directoryId: f('directoryId'),
  });
  assert.deepEqual(parseNickAuthResult(f('resultOkLine')), { code: 'ok', verified: true });
});

test('nick-auth: the hand-built proof verifies; any change to what it binds makes it invalid', () => {
  assert.deepEqual(checkNickAuthProof(f('proofLine'), expected), { code: 'ok', pubkey: f('publicKeyHex') });
  // Spacing is not significant to the parser.
  const spaced = f('proofLine').replace('","', '", "').replace('":"', '": "');
  assert.equal(checkNickAuthProof(spaced, expected).code, 'ok');
  for (const change of [
    { challenge: 'f'.repeat(64) },
    { directoryId: 'test:other' },
    { handshakeLine: f('handshakeLine') + ' ' },
    { nick: NickIdentity.generate().nick },
  ]) {
    assert.equal(checkNickAuthProof(f('proofLine'), { ...expected, ...change }).code, 'invalid');
  }
});

test('nick-auth: strict proof parsing: malformed versus invalid as in JMP-0005', () => {
  const proof = JSON.parse(f('proofLine')) as { pubkey: string; signature: string };
  const der = Buffer.from(proof.signature, 'base64');
  const sig = secp256k1.Signature.fromBytes(der, 'der');
  const highS = new secp256k1.Signature(sig.r, N - sig.s).toBytes('der');
  const malformed = [
    JSON.stringify({ ...proof, extra: 1 }),
    JSON.stringify({ pubkey: proof.pubkey }),
    JSON.stringify({ ...proof, pubkey: proof.pubkey.toUpperCase() }),
    JSON.stringify({ ...proof, pubkey: '02' + 'f'.repeat(64) }), // not on the curve
    withSignature(f('proofLine'), proof.signature.replace(/=+$/, '')), // not canonical base64
    withSignature(f('proofLine'), Buffer.concat([der, Buffer.from([0])])), // trailing byte
    withSignature(f('proofLine'), Buffer.from([0x30, 6, 2, 1, 0, 2, 1, 1])), // r = 0
    '[]',
    'not json',
  ];
  for (const line of malformed) assert.equal(checkNickAuthProof(line, expected).code, 'malformed', line);
  // High-S is well formed but libsecp256k1 (ng) does not verify it.
  assert.equal(checkNickAuthProof(withSignature(f('proofLine'), highS), expected).code, 'invalid');
  assert.equal(parseNickAuthResult('{"code":"ok","verified":false}'), undefined);
  assert.equal(parseNickAuthResult('{"code":"weird","verified":false}'), undefined);
  assert.equal(parseNickAuthChallenge(`{"challenge":"${f('challenge')}","directory-id":"Upper"}`), undefined);
});

test('nick-auth: a repeated member name is malformed, however it is spelled', () => {
  const proof = JSON.parse(f('proofLine')) as { pubkey: string; signature: string };
  const body = f('proofLine').slice(1, -1);
  // JSON.parse keeps the last value; joinmarket-ng refuses the line, and so do we.
  const repeats = [
    `{${body},"pubkey":"${proof.pubkey}"}`,
    `{"signature":"x",${body}}`,
    `{${body},"\\u0070ubkey":"${proof.pubkey}"}`, // the same name, escaped in the JSON text
  ];
  for (const line of repeats) {
    assert.ok(JSON.parse(line), 'valid JSON');
    assert.equal(checkNickAuthProof(line, expected).code, 'malformed', line);
  }
  assert.equal(parseNickAuthResult('{"code":"ok","verified":true,"code":"ok"}'), undefined);
  // Whitespace, and names that only appear inside strings, are no repeats.
  assert.deepEqual(parseNickAuthResult('{ "code" :\t"ok" ,\n "verified" : true }'), {
    code: 'ok',
    verified: true,
  });
  const spaced = `{ "pubkey" : "${proof.pubkey}" , "signature" : "${proof.signature}" }`;
  assert.equal(checkNickAuthProof(spaced, expected).code, 'ok');
  const extra = '{"code":"ok","verified":true,"x\\"":"code"}';
  assert.deepEqual(Object.keys(JSON.parse(extra) as object), ['code', 'verified', 'x"']);
  assert.equal(parseNickAuthResult(extra), undefined, 'extra field');
});

test('nick-auth: property: the name scan lists every top-level name, repeats included', () => {
  // Names and values with quotes, backslashes, brackets and colons inside strings, nested values.
  const text = fc.string({ unit: fc.constantFrom('a', '"', '\\', ':', '{', '[', ']', '}', ',', ' ', 'é') });
  const value = fc.jsonValue();
  fc.assert(
    fc.property(fc.array(fc.tuple(text, value), { maxLength: 6 }), fc.boolean(), (entries, spaced) => {
      const sep = spaced ? ' , ' : ',';
      const json = `{${entries.map(([k, v]) => `${JSON.stringify(k)}${spaced ? ' : ' : ':'}${JSON.stringify(v)}`).join(sep)}}`;
      assert.deepEqual(
        topLevelNames(json),
        entries.map(([k]) => k),
      );
    }),
  );
});

test('nick-auth: property: the parsers never throw and accept nothing random', () => {
  fc.assert(
    fc.property(fc.string(), (s) => {
      assert.notEqual(checkNickAuthProof(s, expected).code, 'ok');
      parseNickAuthChallenge(s);
      parseNickAuthResult(s);
    }),
  );
});

test('nick-auth: directory ids for endpoints follow the onion rule', () => {
  const onion = 'a'.repeat(56) + '.onion';
  assert.equal(nickAuthIdForEndpoint(onion.toUpperCase() + '.', 5222), `${onion}:5222`);
  assert.equal(nickAuthIdForEndpoint('127.0.0.1', 5222), undefined);
});

test('nick-auth: our server verifies a hand-built proof and answers in compact JSON', async () => {
  await using server = await startServer({ nickAuthId: f('directoryId'), network: 'regtest' });
  const peer = await RawPeer.connect(server.address.port);
  const bad = await RawPeer.connect(server.address.port);
  try {
    peer.send(encodeEnvelope(793, f('handshakeLine')));
    assert.match(await peer.next(), /^\{"type": 795/);
    const env = JSON.parse(await peer.next()) as { type: number; line: string };
    assert.equal(env.type, 803);
    const challenge = parseNickAuthChallenge(env.line)!;
    assert.equal(env.line, `{"challenge":"${challenge.challenge}","directory-id":"${f('directoryId')}"}`);
    assert.equal(server.peerInfo(f('nick')) !== undefined, false, 'not registered before the proof');
    peer.send(
      encodeEnvelope(
        805,
        handProof(f('secretKeyHex'), challenge.challenge, f('directoryId'), f('handshakeLine')),
      ),
    );
    assert.equal(await peer.next(), `{"type": 807, "line": "{\\"code\\":\\"ok\\",\\"verified\\":true}"}\r\n`);
    await until(() => server.peerInfo(f('nick'))?.verified === true, 2000, 'registration');

    // A proof for another handshake line fails, and ng's directory then hangs up.
    const other = NickIdentity.generate();
    const line = f('handshakeLine').replaceAll(f('nick'), other.nick);
    bad.send(encodeEnvelope(793, line));
    await bad.next();
    const c2 = parseNickAuthChallenge((JSON.parse(await bad.next()) as { line: string }).line)!;
    bad.send(encodeEnvelope(805, formatNickAuthProof(other, c2.challenge, f('directoryId'), line + ' ')));
    assert.match(await bad.next(), /invalid/);
    assert.ok(await bad.waitClosed());
    assert.equal(server.stats.evicted['nick_auth_invalid'], 1);
    assert.equal(server.peerInfo(other.nick) !== undefined, false);
  } finally {
    peer.close();
    bad.close();
  }
});

test('nick-auth: a client refuses a challenge naming another directory id', async () => {
  await using server = await startServer({ nickAuthId: 'test:real-directory' });
  const c = client(server, NickIdentity.generate(), {
    features: { ping: true, nick_auth: true },
    nickAuthDirectoryId: 'test:expected-directory',
  });
  const plain = client(server, NickIdentity.generate(), { features: { ping: true, nick_auth: true } });
  try {
    assert.equal(plain.features['nick_auth'], undefined, 'no id known: nick_auth not advertised');
    await plain.connect();
    await assert.rejects(c.connect(), (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'));
    assert.equal(c.stats.dropped['nick_auth_directory_mismatch'], 1);
    assert.equal(c.connected, false);
    assert.equal(server.peerInfo(c.nick) !== undefined, false);
  } finally {
    await c.close();
    await plain.close();
  }
});

test('nick-auth: connect() resolves only after the 807, and fails when it is not ok', async () => {
  const challenge = 'ab'.repeat(32);
  const fake = await startFakeDirectory(() =>
    [
      encodeEnvelope(
        795,
        formatDirectoryHandshake({
          accepted: true,
          nick: NickIdentity.generate().nick,
          network: 'signet',
          motd: '',
          features: { nick_auth: true, ping: true },
        }),
      ),
      encodeEnvelope(803, `{"challenge":"${challenge}","directory-id":"test-fake"}`),
    ].join(''),
  );
  const goodSecret = randomBytes(32).toString('hex');
  const make = (secret: string): DirectoryClient =>
    new DirectoryClient({
      host: '127.0.0.1',
      port: fake.port,
      identity: NickIdentity.fromSecret(secret),
      network: 'signet',
      features: { ping: true, nick_auth: true },
      nickAuthDirectoryId: 'test-fake',
      timeout: 5000,
    });
  const good = make(goodSecret);
  const bad = make(randomBytes(32).toString('hex'));
  try {
    let resolved = false;
    const connecting = good.connect().then(() => (resolved = true));
    await until(() => fake.received[0]?.includes('"type": 805') === true, 2000, 'proof');
    const proofLine = (JSON.parse(fake.received[0]!.split('\r\n')[1]!) as { line: string }).line;
    const sentLine = (JSON.parse(fake.received[0]!.split('\r\n')[0]!) as { line: string }).line;
    assert.equal(proofLine, handProof(goodSecret, challenge, 'test-fake', sentLine));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(resolved, false, 'not connected before the 807');
    [...fake.sockets][0]!.write(encodeEnvelope(807, '{"code":"ok","verified":true}'));
    await connecting;
    assert.equal(good.nickAuthVerified, true);

    const failing = bad.connect();
    await until(() => fake.received[1]?.includes('"type": 805') === true, 2000, 'second proof');
    const sock = [...fake.sockets][1]!;
    sock.write(encodeEnvelope(807, '{"code":"invalid","verified":false}'));
    await assert.rejects(failing, (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'));
    assert.equal(bad.nickAuthVerified, false);
  } finally {
    await good.close();
    await bad.close();
    await fake.close();
  }
});

test('nick-auth: nickAuthRequired refuses peers that do not offer it', async () => {
  await using server = await startServer({ nickAuthId: 'test-directory', nickAuthRequired: true });
  const plain = client(server, NickIdentity.generate(), { features: { ping: true } });
  const auth = client(server, NickIdentity.generate(), {
    features: { ping: true, nick_auth: true },
    nickAuthDirectoryId: 'test-directory',
  });
  try {
    await assert.rejects(plain.connect(), (e) => isPeerwayError(e, 'ERR_DIRECTORY_HANDSHAKE_REJECTED'));
    assert.equal(server.stats.handshakesRejected['nick_auth_required'], 1);
    await auth.connect();
    assert.equal(auth.nickAuthVerified, true);
  } finally {
    await plain.close();
    await auth.close();
  }
});
