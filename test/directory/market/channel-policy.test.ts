import { test } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { ErrorCodes, isPeerwayError } from '../../../src/core/index.js';
import { ChannelPolicy, parseChannel, type RouteView } from '../../../src/directory/market/channel-policy.js';

/** A mutable picture of the taker's connections. */
class Routes implements RouteView {
  direct = new Set<string>();
  connected = new Set<string>(['a:1', 'b:1', 'c:1']);
  active = new Map<string, string[]>();
  listed = new Map<string, string[]>();
  seen = new Map<string, string[]>();
  seenDirectories(nick: string): readonly string[] {
    return this.seen.get(nick) ?? [];
  }
  connectedDirectories(): readonly string[] {
    return [...this.connected];
  }
  hasDirect(nick: string): boolean {
    return this.direct.has(nick);
  }
  activeDirectories(nick: string): readonly string[] {
    return this.active.get(nick) ?? [];
  }
  listedDirectories(nick: string): readonly string[] {
    return this.listed.get(nick) ?? [];
  }
  isDirectoryConnected(directory: string): boolean {
    return this.connected.has(directory);
  }
}

const code = (c: string) => (err: unknown) => isPeerwayError(err) && err.code === c;

test('channels: unforced, one directory where the maker is active is chosen and pinned', () => {
  const routes = new Routes();
  routes.active.set('J5m', ['a:1', 'b:1']);
  const policy = new ChannelPolicy({ pick: (c) => c.length - 1 });
  assert.equal(policy.choose('J5m', routes), 'directory:b:1');
  // the default picker only ever picks among directories where the maker is active and connected
  routes.active.set('J5x', ['a:1', 'c:1', 'gone:1']);
  for (let i = 0; i < 30; i++) {
    const chosen = new ChannelPolicy().choose('J5x', routes);
    assert.ok(chosen === 'directory:a:1' || chosen === 'directory:c:1', chosen);
  }
  for (let i = 0; i < 5; i++) assert.equal(policy.choose('J5m', routes), 'directory:b:1');
  assert.deepEqual(policy.stats, { bound: 1, upgrades: 0, rebinds: 0 });
});

test('channels: the only voluntary change is directory -> direct', () => {
  const routes = new Routes();
  routes.active.set('J5m', ['a:1']);
  const policy = new ChannelPolicy();
  assert.equal(policy.choose('J5m', routes), 'directory:a:1');
  routes.direct.add('J5m');
  assert.equal(policy.choose('J5m', routes), 'direct');
  assert.equal(policy.choose('J5m', routes), 'direct');
  assert.equal(policy.stats.upgrades, 1);
  // a forced move back to a directory while direct is up is refused
  assert.throws(
    () => policy.choose('J5m', routes, 'directory:a:1'),
    code(ErrorCodes.ORDERBOOK_CHANNEL_CONFLICT),
  );
});

test('channels: a direct link is used at once when up, unless direct is not preferred', () => {
  const routes = new Routes();
  routes.direct.add('J5m');
  routes.active.set('J5m', ['c:1']);
  assert.equal(new ChannelPolicy().choose('J5m', routes), 'direct');
  const noDirect = new ChannelPolicy({ preferDirect: false });
  assert.equal(noDirect.choose('J5m', routes), 'directory:c:1');
  assert.equal(noDirect.choose('J5m', routes), 'directory:c:1', 'no upgrade when not preferred');
});

test('channels: when the direct link dies the session falls back to a directory, and may upgrade again', () => {
  const routes = new Routes();
  routes.direct.add('J5m');
  routes.active.set('J5m', ['b:1']);
  const policy = new ChannelPolicy();
  assert.equal(policy.choose('J5m', routes), 'direct');
  routes.direct.delete('J5m');
  assert.equal(policy.choose('J5m', routes), 'directory:b:1');
  assert.equal(policy.stats.rebinds, 1);
  routes.direct.add('J5m');
  assert.equal(policy.choose('J5m', routes), 'direct');
});

test('channels: a killed directory is replaced by one where the maker is still active', () => {
  const routes = new Routes();
  routes.active.set('J5m', ['a:1', 'b:1']);
  const policy = new ChannelPolicy({ pick: () => 0 });
  assert.equal(policy.choose('J5m', routes), 'directory:a:1');
  routes.connected.delete('a:1');
  routes.active.set('J5m', ['b:1']);
  assert.equal(policy.choose('J5m', routes), 'directory:b:1');
  assert.equal(policy.choose('J5m', routes), 'directory:b:1');
  assert.equal(policy.stats.rebinds, 1);
  // a send failure unpins too
  policy.channelFailed('J5m', 'directory:b:1');
  assert.equal(policy.pinned('J5m'), undefined);
});

test('channels: peerlist listing, then a directory that relayed its offers, then any connected one; no directory is a typed error', () => {
  const routes = new Routes();
  routes.listed.set('J5m', ['c:1']);
  const policy = new ChannelPolicy({ pick: () => 0 });
  assert.equal(policy.choose('J5m', routes), 'directory:c:1');
  // Known only from a public offer relayed by b: b is chosen.
  routes.seen.set('J5offers', ['b:1']);
  assert.equal(policy.choose('J5offers', routes), 'directory:b:1');
  // Known from nothing at all: any connected directory (as joinmarket-ng's last step).
  assert.equal(policy.choose('J5nobody', routes), 'directory:a:1');
  assert.equal(policy.choose('J5nobody', routes), 'directory:a:1', 'and pinned');
  // Once a directory names the nick, a last-resort pin elsewhere gives way.
  routes.active.set('J5nobody', ['c:1']);
  assert.equal(policy.choose('J5nobody', routes), 'directory:c:1');
  routes.connected.clear();
  assert.throws(() => policy.choose('J5m', routes), code(ErrorCodes.ORDERBOOK_NO_ROUTE));
  assert.throws(() => policy.choose('J5other', routes), code(ErrorCodes.ORDERBOOK_NO_ROUTE));
});

test('channels: forced channels must be valid, up and consistent with the session', () => {
  const routes = new Routes();
  routes.active.set('J5m', ['a:1', 'b:1']);
  const policy = new ChannelPolicy();
  assert.throws(() => policy.choose('J5m', routes, 'direct'), code(ErrorCodes.ORDERBOOK_CHANNEL_UNAVAILABLE));
  assert.throws(
    () => policy.choose('J5m', routes, 'directory:z:9'),
    code(ErrorCodes.ORDERBOOK_CHANNEL_UNAVAILABLE),
  );
  assert.throws(
    () => policy.choose('J5m', routes, 'carrier-pigeon'),
    code(ErrorCodes.ORDERBOOK_CHANNEL_INVALID),
  );
  assert.throws(() => policy.choose('J5m', routes, 'directory:'), code(ErrorCodes.ORDERBOOK_CHANNEL_INVALID));
  assert.equal(policy.choose('J5m', routes, 'directory:b:1'), 'directory:b:1');
  assert.equal(policy.choose('J5m', routes), 'directory:b:1', 'a forced choice pins the session');
  assert.throws(
    () => policy.choose('J5m', routes, 'directory:a:1'),
    code(ErrorCodes.ORDERBOOK_CHANNEL_CONFLICT),
  );
  routes.direct.add('J5m');
  assert.equal(policy.choose('J5m', routes, 'direct'), 'direct', 'forced upgrade allowed');
  policy.endSession('J5m');
  assert.equal(
    policy.choose('J5m', routes, 'directory:a:1'),
    'directory:a:1',
    'a new session chooses afresh',
  );
  assert.equal(parseChannel('direct'), 'direct');
});

test('channels property: any string is a valid channel name or the typed error', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.string().map((s) => `directory:${s}`),
        fc.constant('direct'),
      ),
      (text) => {
        try {
          const channel = parseChannel(text);
          assert.ok(channel === 'direct' || (channel.startsWith('directory:') && channel.length > 10));
        } catch (err) {
          assert.ok(code(ErrorCodes.ORDERBOOK_CHANNEL_INVALID)(err), String(err));
        }
      },
    ),
  );
});
