import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { negotiateVersion, compareVersions, parseVersion } from '../../src/discovery/protocol-version.js';
import { formatPeerEntry, parsePeerEntry, parsePeersReply } from '../../src/discovery/peer-entry.js';
import { parseFeatures, toPort } from '../../src/discovery/features.js';
import { parseSeed } from '../../src/discovery/seed-spec.js';
import { isErr } from './expect-code.js';

test('version negotiation table (server range 1.4 to 1.6.0, as recorded from ElectrumX)', () => {
  const n = (r: unknown): string | null => {
    const x = negotiateVersion(r, '1.4', '1.6.0');
    return x.ok ? x.version : null;
  };
  assert.equal(n('1.4'), '1.4');
  assert.equal(n(['1.4', '1.4.2']), '1.4.2');
  assert.equal(n(['1.2', '1.6']), '1.6');
  assert.equal(n(['1.4', '1.7']), '1.6.0');
  assert.equal(n(['1.7', '1.8']), null);
  assert.equal(n('1.3'), null);
  assert.equal(n('garbage'), null);
  assert.equal(n(['1.4']), null);
  assert.equal(n(['1.4', '1.5', '1.6']), null);
  assert.equal(n(undefined), '1.4');
  assert.ok(compareVersions(parseVersion('1.6')!, parseVersion('1.6.0')!) < 0);
});

test('negotiation never picks a version outside both ranges', () => {
  const v = fc
    .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 9 }))
    .map(([a, b]) => `${a}.${b}`);
  fc.assert(
    fc.property(v, v, (a, b) => {
      const r = negotiateVersion([a, b], '1.4', '1.4.2');
      if (!r.ok) return;
      const chosen = parseVersion(r.version)!;
      assert.ok(compareVersions(chosen, parseVersion('1.4')!) >= 0);
      assert.ok(compareVersions(chosen, parseVersion('1.4.2')!) <= 0);
      assert.ok(compareVersions(chosen, parseVersion(a)!) >= 0);
      assert.ok(compareVersions(chosen, parseVersion(b)!) <= 0);
    }),
  );
});

test('peer entries: ElectrumX token order, defaults, and the entries Electrum rejects', () => {
  assert.deepEqual(
    formatPeerEntry({
      ip: '1.2.3.4',
      host: 'a.example',
      version: '1.4.2',
      pruning: 10000,
      sslPort: 50002,
      tcpPort: 50001,
    }),
    ['1.2.3.4', 'a.example', ['v1.4.2', 'p10000', 's50002', 't50001']],
  );
  const plain = parsePeerEntry(['9.9.9.9', 'Plain.Example.net', ['v1.4', 's', 't', 'x-unknown']]);
  assert.deepEqual(plain, {
    ip: '9.9.9.9',
    host: 'plain.example.net',
    version: '1.4',
    pruning: null,
    sslPort: 50002,
    tcpPort: 50001,
  });
  assert.equal(parsePeerEntry(['1.1.1.1', 'p.example', ['p']]).pruning, 0);
  for (const bad of [
    ['1.1.1.1', 'h.example', ['s99999']],
    ['1.1.1.1', 'h.example', ['sfoo']],
    ['1.1.1.1', 'h.example', ['s0']],
    ['1.1.1.1', 'h.example', ['tcp']],
    ['1.1.1.1', 'bad host!', ['s1']],
    ['1.1.1.1', 'h.example'],
    ['1.1.1.1', 'h.example', 's1'],
    ['1.1.1.1', 'h.example', [1]],
    'x',
  ]) {
    assert.throws(() => parsePeerEntry(bad), isErr('ERR_DISCOVERY_BAD_PEER'), JSON.stringify(bad));
  }
  assert.throws(() => parsePeersReply({}), isErr('ERR_DISCOVERY_BAD_PEER'));
});

test('peer entries round-trip through format and parse', () => {
  const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null });
  fc.assert(
    fc.property(
      fc.constantFrom('a.example', 'electrum.example.org', '8.8.8.8', '2001:4860::1'),
      fc.constantFrom('1.4', '1.4.2'),
      fc.option(fc.integer({ min: 1, max: 1_000_000 }), { nil: null }),
      port,
      port,
      (host, version, pruning, sslPort, tcpPort) => {
        const entry = { ip: '8.8.4.4', host, version, pruning, sslPort, tcpPort };
        assert.deepEqual(parsePeerEntry(formatPeerEntry(entry)), entry);
      },
    ),
  );
});

test('parsePeerEntry never throws anything but a PeerwayError', () => {
  fc.assert(
    fc.property(fc.anything(), (value) => {
      try {
        parsePeerEntry(value);
      } catch (err) {
        assert.ok(isErr('ERR_DISCOVERY_BAD_PEER')(err));
      }
    }),
  );
});

test('features: lenient ports, unknown keys kept, garbage refused', () => {
  const f = parseFeatures({
    hosts: { 'A.Example': { tcp_port: '50001', ssl_port: 70000 }, 'bad host!': {} },
    genesis_hash: 'ab',
    protocol_max: '1.4.2',
    dsproof: true,
    pruning: null,
  });
  assert.ok(f);
  assert.deepEqual([...f.hosts], [['a.example', { tcpPort: 50001, sslPort: null }]]);
  assert.equal(f.raw.dsproof, true);
  assert.equal(f.pruning, null);
  for (const bad of [null, [], 'x', { hosts: [] }, { hosts: null }, {}])
    assert.equal(parseFeatures(bad), undefined);
  assert.equal(toPort(0), null);
  assert.equal(toPort('65535'), 65535);
  fc.assert(fc.property(fc.anything(), (v) => void parseFeatures(v)));
});

test('parseSeed never throws anything but ERR_ADDRESS_INVALID', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      try {
        const seed = parseSeed(text);
        assert.ok(seed.tcpPort !== null || seed.sslPort !== null);
      } catch (err) {
        assert.ok(isErr('ERR_ADDRESS_INVALID')(err), String(err));
      }
    }),
  );
});

test('seed strings', () => {
  assert.deepEqual(parseSeed('127.0.0.1:50001'), { host: '127.0.0.1', tcpPort: 50001, sslPort: null });
  assert.deepEqual(parseSeed('[::1]:7'), { host: '::1', tcpPort: 7, sslPort: null });
  assert.deepEqual(parseSeed('e.example s t'), { host: 'e.example', tcpPort: 50001, sslPort: 50002 });
  assert.deepEqual(parseSeed('e.example s995'), { host: 'e.example', tcpPort: null, sslPort: 995 });
  for (const bad of ['', 'host', 'host:0', 'host:x', 'e.example v1.4', 'bad host!:1']) {
    assert.throws(() => parseSeed(bad), isErr('ERR_ADDRESS_INVALID'), bad);
  }
});
