// ipv4Value (transport's one IPv4 parser, which the overlay uses) must accept exactly what net.isIP calls IPv4, and address keys must not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { addressKey, isPrivateIPv4 } from '../../src/overlay/address.js';
import { ipv4Value } from '../../src/transport/ip.js';

const octet = fc.oneof(
  fc.integer({ min: 0, max: 300 }).map(String),
  fc.constantFrom('00', '01', '007', '255', '256', '', '-1', '1e1', ' 1', '0x1'),
);
const dotted = fc.array(octet, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.'));
const anyHost = fc.oneof(
  dotted,
  fc.string({ maxLength: 20 }),
  fc.constantFrom('::1', '::ffff:1.2.3.4', 'a.b.c.d'),
);

test('ipv4Value agrees with net.isIP and returns the big-endian value', () => {
  fc.assert(
    fc.property(anyHost, (host) => {
      const value = ipv4Value(host);
      assert.equal(value !== undefined, isIP(host) === 4, host);
      if (value !== undefined) {
        const bytes = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
        assert.equal(bytes.join('.'), host);
      }
    }),
    { numRuns: 5000 },
  );
  assert.equal(ipv4Value('255.255.255.255'), 0xffff_ffff);
  assert.equal(ipv4Value('1.2.3.04'), undefined);
});

test('address keys bracket IPv6 literals only', () => {
  assert.equal(addressKey({ host: '127.0.0.1', port: 5 }), '127.0.0.1:5');
  assert.equal(addressKey({ host: '::1', port: 5 }), '[::1]:5');
  assert.equal(addressKey({ host: 'example.org', port: 5 }), 'example.org:5');
  assert.equal(addressKey({ host: 'not:ip', port: 5 }), 'not:ip:5');
  assert.deepEqual(
    ['10.1.2.3', '172.16.0.1', '172.32.0.1', '192.168.9.9', '8.8.8.8', '::1'].map(isPrivateIPv4),
    [true, true, false, true, false, false],
  );
});
