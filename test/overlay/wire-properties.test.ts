// Property tests: every parser round-trips what it encodes and fails on bad input only with a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as P from '../../src/overlay/discovery-payloads.js';
import { isPeerwayError } from '../../src/core/index.js';
import {
  definePayload,
  Community,
  Endpoint,
  PrivateKey,
  type PayloadClass,
} from '../../src/overlay/index.js';
import { decodeMessage } from '../../src/overlay/messages.js';
import { hex, packet, vectors } from './vectors.js';

const ipv4 = fc.record({ host: fc.ipV4(), port: fc.integer({ min: 0, max: 65535 }) });
const ipv6 = fc.record({ host: fc.ipV6(), port: fc.integer({ min: 0, max: 65535 }) });
const ipAny = fc.oneof(ipv4, ipv6);
const bits = fc.tuple(
  fc.boolean(),
  fc.boolean(),
  fc.boolean(),
  fc.boolean(),
  fc.boolean(),
  fc.boolean(),
  fc.boolean(),
  fc.boolean(),
);
const u16 = fc.integer({ min: 0, max: 65535 });
const bytes = fc.uint8Array({ maxLength: 64 });

function expectTyped(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    assert.ok(isPeerwayError(err), `untyped error: ${String(err)}`);
    assert.ok(
      ['ERR_OVERLAY_DECODE', 'ERR_OVERLAY_BAD_KEY', 'ERR_OVERLAY_BAD_SIGNATURE'].includes(err.code),
      err.code,
    );
  }
}

/** Normalises IPv6 text through one round-trip so '::0:1' and '::1' compare equal. */
function roundTrip<V extends object>(cls: PayloadClass<V>, value: V): void {
  const once = cls.decode(cls.encode(value));
  assert.deepEqual(cls.decode(cls.encode(once)), once);
  assert.deepEqual(cls.encode(once), cls.encode(value));
}

test('discovery payloads round-trip', () => {
  fc.assert(
    fc.property(
      ipv4,
      ipv4,
      ipv4,
      ipv4,
      ipv4,
      bits,
      u16,
      bytes,
      (d, l, w, li, wi, flags, identifier, extraBytes) => {
        roundTrip(P.IntroductionRequestPayload, {
          destination: d,
          sourceLan: l,
          sourceWan: w,
          flags,
          identifier,
          extraBytes,
        });
        roundTrip(P.IntroductionResponsePayload, {
          destination: d,
          sourceLan: l,
          sourceWan: w,
          lanIntroduction: li,
          wanIntroduction: wi,
          flags,
          identifier,
          extraBytes,
        });
        roundTrip(P.PunctureRequestPayload, { lanWalker: l, wanWalker: w, identifier });
        roundTrip(P.PuncturePayload, { sourceLan: l, sourceWan: w, identifier });
      },
    ),
  );
  fc.assert(
    fc.property(
      ipAny,
      ipAny,
      ipAny,
      ipAny,
      ipAny,
      bits,
      u16,
      bytes,
      (d, l, w, li, wi, flags, identifier, extraBytes) => {
        roundTrip(P.NewIntroductionRequestPayload, {
          destination: d,
          sourceLan: l,
          sourceWan: w,
          identifier,
          flags,
          extraBytes,
        });
        roundTrip(P.NewIntroductionResponsePayload, {
          destination: d,
          sourceLan: l,
          sourceWan: w,
          lanIntroduction: li,
          wanIntroduction: wi,
          identifier,
          flags,
          extraBytes,
        });
        roundTrip(P.NewPunctureRequestPayload, { lanWalker: l, wanWalker: w, identifier });
      },
    ),
  );
});

test('every serializer format round-trips, and random bytes fail only with a typed error', () => {
  const Inner = definePayload('Inner', [['n', 'H']] as const);
  const All = definePayload('All', [
    ['b', '?'],
    ['u8', 'B'],
    ['i', 'I'],
    ['l', 'l'],
    ['q', 'q'],
    ['Q', 'Q'],
    ['d', 'd'],
    ['addr', 'address'],
    ['h', 'varlenH'],
    ['big', 'varlenI'],
    ['s', 'varlenHutf8'],
    ['h20', '20s'],
    ['x2', 'varlenBx2'],
    ['x20', 'varlenHx20'],
    ['bools', 'arrayH-?'],
    ['qs', 'arrayH-q'],
    ['ds', 'arrayH-d'],
    ['one', { nested: Inner }],
    ['many', { list: Inner }],
  ] as const);
  const value = fc.record({
    b: fc.boolean(),
    u8: fc.integer({ min: 0, max: 255 }),
    i: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    l: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    q: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    Q: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    d: fc.double({ noNaN: true }),
    addr: fc.oneof(ipv4, ipv6, fc.record({ host: fc.domain(), port: u16 })),
    h: bytes,
    big: bytes,
    s: fc.string(),
    h20: fc.uint8Array({ minLength: 20, maxLength: 20 }),
    x2: fc.array(fc.uint8Array({ minLength: 2, maxLength: 2 }), { maxLength: 5 }),
    x20: fc.array(fc.uint8Array({ minLength: 20, maxLength: 20 }), { maxLength: 3 }),
    bools: fc.array(fc.boolean(), { maxLength: 5 }),
    qs: fc.array(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { maxLength: 3 }),
    ds: fc.array(fc.double({ noNaN: true }), { maxLength: 3 }),
    one: fc.record({ n: u16 }),
    many: fc.array(fc.record({ n: u16 }), { maxLength: 4 }),
  });
  fc.assert(fc.property(value, (v) => roundTrip(All, v)));
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => expectTyped(() => All.decode(b))));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (b) =>
      expectTyped(() => P.NewIntroductionResponsePayload.decode(b)),
    ),
  );
});

test('mutated, truncated and extended recorded packets fail only with typed errors', () => {
  const cases: Array<[string, PayloadClass<object>, boolean]> = [
    ['introductionRequest246', P.IntroductionRequestPayload, true],
    ['introductionResponse245', P.IntroductionResponsePayload, true],
    ['punctureRequest250', P.PunctureRequestPayload, false],
    ['newPunctureRequest232', P.NewPunctureRequestPayload, false],
    ['puncture249', P.PuncturePayload, true],
    ['newIntroductionRequest234', P.NewIntroductionRequestPayload, true],
    ['newIntroductionResponse233', P.NewIntroductionResponsePayload, true],
  ];
  for (const [name, cls, signed] of cases) {
    const original = packet(name);
    fc.assert(
      fc.property(
        fc.nat(original.length - 1),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(original.length),
        bytes,
        (at, x, cut, tail) => {
          const mutated = original.slice();
          mutated[at]! ^= x;
          expectTyped(() => decodeMessage(mutated, cls, { signed }));
          expectTyped(() => decodeMessage(original.subarray(0, cut), cls, { signed }));
          expectTyped(() => decodeMessage(new Uint8Array([...original, ...tail]), cls, { signed }));
        },
      ),
      { numRuns: 60 },
    );
  }
});

test('an endpoint and community fed random and mutated datagrams never throw and count every drop', () => {
  // The endpoint is never started: anything the community tries to send is counted as unsendable.
  // Datagrams go in where the socket hands them over, so the endpoint checks size and prefix.
  const endpoint = new Endpoint();
  const community = new Community({
    communityId: hex(vectors.communityId),
    endpoint,
    key: PrivateKey.generate(),
    tickMs: 0,
  });
  const prefix = community.getPrefix();
  endpoint.addPrefixListener(prefix, (data, from) => community.onPacket(data, from));
  const source = { host: '127.0.0.1', port: 9 };
  const names = Object.keys(vectors.packets);
  let fed = 0;
  fc.assert(
    fc.property(
      fc.constantFrom(...names),
      fc.nat(300),
      fc.integer({ min: 1, max: 255 }),
      fc.uint8Array({ maxLength: 250 }),
      (name, at, x, noise) => {
        const mutated = packet(name);
        if (at >= 22 && at < mutated.length) mutated[at]! ^= x;
        endpoint.dispatch(mutated, source);
        endpoint.dispatch(new Uint8Array([...prefix, ...noise]), source);
        endpoint.dispatch(noise, source);
        fed += 3;
      },
    ),
    { numRuns: 300 },
  );
  const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
  // Answers the unstarted endpoint could not send are not received datagrams: leave them out.
  const { unsendable: _answers, ...endpointDrops } = endpoint.stats.dropped;
  const dropped = sum(community.stats.dropped) + sum(endpointDrops);
  const handled = sum(community.stats.received);
  assert.ok(dropped > 0);
  assert.ok(dropped + handled >= fed, `${dropped} + ${handled} < ${fed}`);
  assert.equal(community.stats.dropped.handlerError, undefined);
  assert.ok((endpointDrops.unknownPrefix ?? 0) + (endpointDrops.short ?? 0) >= 300);
});
