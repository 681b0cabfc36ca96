import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import fc from 'fast-check';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import {
  formatAddress,
  isOnion,
  nodeId,
  parseAddress,
  type PeerAddress,
} from '../../src/transport/address.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../src/transport/ip.js';
import { base32Decode, base32Encode, onionFromPublicKey, onionPublicKey } from '../../src/transport/onion.js';
import { createHash } from 'node:crypto';

const SEED = { seed: 20261121 };
const fixtures = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/onion-v3.json'), 'utf8')) as {
  valid: Array<{ name: string; publicKey: string }>;
};

function errorCode(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    assert.ok(isPeerwayError(err), `not a PeerwayError: ${String(err)}`);
    return err.code;
  }
}

function reason(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    assert.ok(isPeerwayError(err));
    return err.details?.reason;
  }
  return undefined;
}

const port = fc.integer({ min: 1, max: 65535 });
const ipv4Bytes = fc.uint8Array({ minLength: 4, maxLength: 4 });
const ipv6Bytes = fc.uint8Array({ minLength: 16, maxLength: 16 });
const publicKey = fc.uint8Array({ minLength: 32, maxLength: 32 });

test('address: known forms', () => {
  const cases: Array<[string, number | undefined, PeerAddress]> = [
    ['127.0.0.1:50001', undefined, { host: '127.0.0.1', port: 50001, kind: 'ipv4' }],
    ['[::1]:8090', undefined, { host: '::1', port: 8090, kind: 'ipv6' }],
    ['[2001:DB8:0:0:0:0:0:1]:443', undefined, { host: '2001:db8::1', port: 443, kind: 'ipv6' }],
    ['2001:db8::1', 50002, { host: '2001:db8::1', port: 50002, kind: 'ipv6' }],
    ['[fe80::1]', 7, { host: 'fe80::1', port: 7, kind: 'ipv6' }],
    ['::ffff:1.2.3.4', 1, { host: '::ffff:1.2.3.4', port: 1, kind: 'ipv6' }],
    ['Electrum.Example.ORG:50002', undefined, { host: 'electrum.example.org', port: 50002, kind: 'dns' }],
    ['localhost', 5222, { host: 'localhost', port: 5222, kind: 'dns' }],
    ['10.0.0.1', 80, { host: '10.0.0.1', port: 80, kind: 'ipv4' }],
  ];
  for (const [text, defaultPort, expected] of cases) {
    const options = defaultPort === undefined ? {} : { defaultPort };
    assert.deepEqual(parseAddress(text, options), expected, text);
  }
  const onion = fixtures.valid[0]!.name;
  assert.deepEqual(parseAddress(`${onion.toUpperCase()}:5222`), { host: onion, port: 5222, kind: 'onion' });
  assert.equal(formatAddress({ host: '::1', port: 1 }), '[::1]:1');
  assert.equal(nodeId('[2001:DB8:0::1]:50002'), '[2001:db8::1]:50002');
  assert.equal(nodeId('Example.org', { defaultPort: 1 }), 'example.org:1');
  assert.equal(nodeId({ host: 'EXAMPLE.org', port: 2, kind: 'dns' }), 'example.org:2');
});

test('address: malformed input gives ERR_ADDRESS_INVALID with a reason', () => {
  const bad: Array<[string, string]> = [
    ['', 'empty host'],
    ['example.org', 'missing port'],
    ['example.org:0', 'port out of range'],
    ['example.org:65536', 'port out of range'],
    ['example.org:http', 'port is not a number'],
    ['example.org:+80', 'port is not a number'],
    ['[::1]80', 'junk after ]'],
    ['[::1:80', 'missing ]'],
    ['[1.2.3.4]:80', 'brackets need an IPv6 address'],
    ['1.2.3:80', 'not a valid IPv4 address'],
    ['256.1.1.1:80', 'not a valid IPv4 address'],
    ['01.2.3.4:80', 'not a valid IPv4 address'],
    ['exa_mple.org:80', 'not a host name'],
    ['-example.org:80', 'not a host name'],
    ['example..org:80', 'not a host name'],
    ['example.org.:80', 'not a host name'],
    ['fe80::1%eth0', 'not an IPv6 address'],
    ['1:2:3:4:5:6:7:8:9', 'not an IPv6 address'],
    [`${'a'.repeat(64)}.org:1`, 'not a host name'],
    [`${'a.'.repeat(130)}org:1`, 'too long'],
    [' example.org:80', 'not a host name'],
  ];
  for (const [text, why] of bad) {
    assert.equal(
      errorCode(() => parseAddress(text)),
      ErrorCodes.ADDRESS_INVALID,
      text,
    );
    assert.equal(
      reason(() => parseAddress(text)),
      why,
      text,
    );
  }
});

test('address: IPv4 and IPv6 literals round-trip through print and parse', () => {
  fc.assert(
    fc.property(ipv4Bytes, port, (bytes, p) => {
      const text = `${formatIpv4(bytes)}:${p}`;
      const parsed = parseAddress(text);
      assert.equal(parsed.kind, 'ipv4');
      assert.equal(formatAddress(parsed), text);
    }),
    SEED,
  );
  fc.assert(
    fc.property(ipv6Bytes, port, fc.boolean(), (bytes, p, longForm) => {
      // Parse the uncompressed, uppercase spelling too: it must come out canonical.
      const words = Array.from({ length: 8 }, (_, i) =>
        ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16),
      );
      const spelled = longForm ? words.join(':').toUpperCase() : formatIpv6(bytes);
      const parsed = parseAddress(`[${spelled}]:${p}`);
      assert.equal(parsed.kind, 'ipv6');
      assert.equal(parsed.host, formatIpv6(bytes));
      assert.deepEqual(parseIpv6(parsed.host), bytes);
      assert.deepEqual(parseAddress(formatAddress(parsed)), parsed);
    }),
    SEED,
  );
});

test('address: canonical IPv6 matches the URL parser (RFC 5952), validity matches node:net', () => {
  fc.assert(
    fc.property(ipv6Bytes, (bytes) => {
      const host = formatIpv6(bytes);
      if (host.startsWith('::ffff:')) return; // WHATWG URL prints mapped addresses in hex
      assert.equal(`[${host}]`, new URL(`http://[${host}]/`).hostname);
    }),
    SEED,
  );
  const v6ish = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.'), maxLength: 45 }),
    fc.ipV6(),
    fc.ipV4Extended(),
    fc.ipV6().map((ip) => ip.replace(/:(?=[^:]*$)/, '::')),
    fc.ipV6().map((ip) => `${ip}:1`),
  );
  fc.assert(
    fc.property(v6ish, (text) => {
      assert.equal(parseIpv6(text) !== undefined, net.isIPv6(text), text);
      assert.equal(parseIpv4(text) !== undefined, net.isIPv4(text), text);
    }),
    { ...SEED, numRuns: 2000 },
  );
});

test('address: DNS names round-trip and are lowercased', () => {
  fc.assert(
    fc.property(fc.domain(), port, fc.boolean(), (domain, p, upper) => {
      if (/^\d+$/.test(domain.split('.').pop()!)) return;
      const parsed = parseAddress(`${upper ? domain.toUpperCase() : domain}:${p}`);
      assert.equal(parsed.kind, 'dns');
      assert.equal(parsed.host, domain.toLowerCase());
      assert.equal(formatAddress(parsed), `${domain.toLowerCase()}:${p}`);
    }),
    SEED,
  );
});

test('address: random strings give a parse or a typed address error, and parses are stable', () => {
  const anyText = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: fc.constantFrom(...'[]:.0123456789abcdefxyz-onion') }),
  );
  fc.assert(
    fc.property(anyText, fc.option(port, { nil: undefined }), (text, defaultPort) => {
      let parsed: PeerAddress;
      try {
        parsed = parseAddress(text, defaultPort === undefined ? {} : { defaultPort });
      } catch (err) {
        assert.ok(isPeerwayError(err), `untyped error for ${JSON.stringify(text)}`);
        assert.ok(err.code === ErrorCodes.ADDRESS_INVALID || err.code === ErrorCodes.ONION_INVALID);
        return;
      }
      assert.deepEqual(parseAddress(formatAddress(parsed)), parsed);
    }),
    { ...SEED, numRuns: 3000 },
  );
});

test('onion: published v3 names decode to their keys', () => {
  for (const { name, publicKey: hex } of fixtures.valid) {
    assert.equal(onionPublicKey(name).toString('hex'), hex);
    assert.equal(onionFromPublicKey(Buffer.from(hex, 'hex')), name);
    assert.equal(isOnion(`${name}:5222`), true);
  }
  assert.equal(isOnion('example.org:5222'), false);
  assert.equal(isOnion('[::1]:80'), false);
});

test('onion: a name made from a fresh ed25519 key parses; mutations are caught', () => {
  const { publicKey: key } = generateKeyPairSync('ed25519');
  const raw = key.export({ format: 'der', type: 'spki' }).subarray(-32);
  const name = onionFromPublicKey(raw);
  assert.equal(name.length, 62);
  assert.deepEqual(parseAddress(`${name}:80`).kind, 'onion');

  fc.assert(
    fc.property(publicKey, fc.integer({ min: 0, max: 55 }), (pub, at) => {
      const good = onionFromPublicKey(pub);
      assert.deepEqual(onionPublicKey(good), Buffer.from(pub));
      assert.deepEqual(parseAddress(good, { defaultPort: 1 }).host, good);
      // Length: one character more or less.
      assert.equal(
        reason(() => onionPublicKey(good.slice(1))),
        'length',
      );
      assert.equal(
        reason(() => onionPublicKey(`a${good}`)),
        'length',
      );
      // Alphabet: base32 has no 0, 1, 8 or 9.
      assert.equal(
        reason(() => onionPublicKey(`${good.slice(0, at)}1${good.slice(at + 1)}`)),
        'alphabet',
      );
      // Checksum: flip one bit of the two checksum bytes.
      const bytes = base32Decode(good.slice(0, 56))!;
      const flipped = Uint8Array.from(bytes);
      flipped[32 + (at % 2)]! ^= 1 << (at % 8);
      assert.equal(
        reason(() => onionPublicKey(base32Encode(flipped))),
        'checksum',
      );
      // Version: a correct checksum over version 2 is still refused.
      const v2 = Uint8Array.from(bytes);
      v2[34] = 2;
      const sum = createHash('sha3-256')
        .update('.onion checksum')
        .update(pub)
        .update(Uint8Array.of(2))
        .digest();
      v2.set(sum.subarray(0, 2), 32);
      assert.equal(
        reason(() => onionPublicKey(base32Encode(v2))),
        'version',
      );
      assert.equal(
        errorCode(() => parseAddress(`${base32Encode(v2)}.onion:1`)),
        ErrorCodes.ONION_INVALID,
      );
    }),
    { ...SEED, numRuns: 50 },
  );
  assert.equal(
    reason(() => onionPublicKey('expyuzz4wqqyqhjn.onion')),
    'v2 onion names are obsolete',
  );
});
