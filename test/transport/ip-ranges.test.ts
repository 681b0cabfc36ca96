import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addressBucket, isPublicAddress } from '../../src/transport/ip-ranges.js';

test('isPublicAddress: private, special and public ranges', () => {
  const notPublic = [
    '0.0.0.0',
    '10.1.2.3',
    '100.64.0.1',
    '100.127.255.255',
    '127.0.0.1',
    '169.254.10.10',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.19.255.255',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fe80::1',
    'fc00::1',
    'fd12:3456:789a::1',
    'ff02::1',
    '2001:db8::1',
    '2001::1',
    '2001:2::1',
    '3fff::1',
    '::ffff:192.168.0.1',
    '::ffff:127.0.0.1',
    '2002:c0a8:0101::1', // 6to4 of 192.168.1.1
    '64:ff9b::1.2.3.4',
    '100::1',
    'example.org',
    'not an ip',
    '',
  ];
  const isPublic = [
    '1.1.1.1',
    '8.8.8.8',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.167.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2001:4860:4860::8888',
    '[2a00:1450:4001::1]',
    '2600::1',
    '::ffff:8.8.8.8',
    '2002:0808:0808::1', // 6to4 of 8.8.8.8
  ];
  for (const ip of notPublic) assert.equal(isPublicAddress(ip), false, ip);
  for (const ip of isPublic) assert.equal(isPublicAddress(ip), true, ip);
});

test('isPublicAddress: never throws, and agrees for IPv4 and its mapped IPv6 form', () => {
  fc.assert(
    fc.property(fc.ipV4(), (ip) => {
      assert.equal(isPublicAddress(`::ffff:${ip}`), isPublicAddress(ip));
    }),
    { seed: 7 },
  );
  fc.assert(
    fc.property(fc.string(), (text) => {
      assert.equal(typeof isPublicAddress(text), 'boolean');
    }),
    { seed: 7 },
  );
});

test('addressBucket: /16 for IPv4, /56 for IPv6, one bucket for onion', () => {
  assert.equal(addressBucket('203.0.113.7'), '203.0.0.0/16');
  assert.equal(addressBucket('203.0.200.1'), addressBucket('203.0.113.7'));
  assert.notEqual(addressBucket('203.1.0.1'), addressBucket('203.0.113.7'));
  assert.equal(addressBucket('2001:db8:1234:5678::1'), '2001:db8:1234:5600::/56');
  assert.equal(addressBucket('[2001:db8:1234:56ff:1::]'), '2001:db8:1234:5600::/56');
  assert.notEqual(addressBucket('2001:db8:1234:5700::1'), addressBucket('2001:db8:1234:5600::1'));
  assert.equal(addressBucket('2001:db8:1234:5678::1', { ipv6Prefix: 48 }), '2001:db8:1234::/48');
  assert.equal(addressBucket('10.20.30.40', { ipv4Prefix: 24 }), '10.20.30.0/24');
  assert.equal(addressBucket('::ffff:203.0.113.7'), '203.0.0.0/16');
  assert.equal(addressBucket('abc.onion'), 'onion');
  assert.equal(addressBucket('Electrum.Example.org'), 'electrum.example.org');
  fc.assert(
    fc.property(fc.ipV4(), (ip) => {
      const [a, b] = ip.split('.');
      assert.equal(addressBucket(ip), `${a}.${b}.0.0/16`);
    }),
    { seed: 7 },
  );
});
