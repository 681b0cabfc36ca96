import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, type Logger } from '../../src/core/index.js';
import { Blacklist, isBannedBy, parseBlacklist } from '../../src/discovery/blacklist.js';
import { DEFAULT_PEERS, GENESIS, defaultPeersFor } from '../../src/discovery/default-peers.js';
import { newPeerRecord, type PeerStore } from '../../src/discovery/peer-store.js';
import { parseSeed } from '../../src/discovery/seed-spec.js';
import { seedRecords, topUpSeeds } from '../../src/discovery/seeds.js';
import { createSqlitePeerStore } from '../../src/discovery/sqlite-peer-store.js';
import { sybilConflict } from '../../src/discovery/sybil.js';
import { openStore } from '../../src/store/index.js';
import { isValidOnion } from '../../src/transport/index.js';
import { LineClient, makeNode } from './harness.js';
import { isErr } from './expect-code.js';

const NOW = 1_700_000_000_000;

function memStore(): PeerStore {
  return createSqlitePeerStore(openStore(':memory:'));
}

function goodPeer(s: PeerStore, host: string, ip: string, at = Date.now()): void {
  s.put(
    newPeerRecord(host, 'peer', at, {
      ipAddr: ip,
      tcpPort: 50001,
      protocolMax: '1.4.2',
      lastGood: at - 1000,
      nextCheck: at + 3_600_000,
    }),
  );
}

/** A logger that keeps every line. */
function recordingLogger(): { logger: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const fn =
    (level: string) =>
    (...args: unknown[]): void => {
      const msg = args.find((a) => typeof a === 'string');
      lines.push({ level, msg: typeof msg === 'string' ? msg : '' });
    };
  const logger: Logger = {
    trace: fn('trace'),
    debug: fn('debug'),
    info: fn('info'),
    warn: fn('warn'),
    error: fn('error'),
    child: () => logger,
  };
  return { logger, lines };
}

async function until(what: string, fn: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('sybil rule: a new name in the /16 or /64 of a good peer is refused before dialling; known peers are not', async () => {
  const store = memStore();
  goodPeer(store, 'a.example', '8.8.1.1', NOW);
  goodPeer(store, 'v6.example', '2001:4860:1:2::5', NOW);
  const resolver = (map: Record<string, string[]>) => (host: string) => {
    const r = map[host];
    return r === undefined ? Promise.reject(new Error('NXDOMAIN')) : Promise.resolve(r);
  };
  const resolve = resolver({
    'b.example': ['8.8.200.3'],
    'c.example': ['9.9.9.9'],
    'd.example': ['2001:4860:1:2::99'],
    'e.example': ['2001:4860:1:3::1'],
    'f.example': ['::ffff:8.8.9.9'],
  });
  const fresh = (host: string) => newPeerRecord(host, 'peer:x', NOW);
  assert.match(
    (await sybilConflict(fresh('b.example'), store, resolve, NOW)) ?? '',
    /a\.example/,
    'same IPv4 /16',
  );
  assert.equal(await sybilConflict(fresh('c.example'), store, resolve, NOW), undefined, 'another /16');
  assert.match(
    (await sybilConflict(fresh('d.example'), store, resolve, NOW)) ?? '',
    /v6\.example/,
    'same /64',
  );
  assert.equal(await sybilConflict(fresh('e.example'), store, resolve, NOW), undefined, 'another /64');
  assert.match(
    (await sybilConflict(fresh('f.example'), store, resolve, NOW)) ?? '',
    /a\.example/,
    'mapped IPv4',
  );
  assert.match(
    (await sybilConflict(fresh('8.8.3.3'), store, resolve, NOW)) ?? '',
    /a\.example/,
    'an IP literal',
  );
  assert.equal(
    await sybilConflict(fresh('nx.example'), store, resolve, NOW),
    undefined,
    'unresolvable: left to the dial',
  );
  const known = newPeerRecord('b.example', 'peer', NOW, { lastGood: NOW - 5000 });
  assert.equal(await sybilConflict(known, store, resolve, NOW), undefined, 'a known peer keeps its place');
  // A stale neighbour (good more than 3 h ago) does not hold its block.
  const old = memStore();
  goodPeer(old, 'a.example', '8.8.1.1', NOW - 4 * 3600_000);
  assert.equal(await sybilConflict(fresh('b.example'), old, resolve, NOW), undefined);
});

test('blacklist: JSON list or lines, hosts, *.domain wildcards and addresses, with a size limit', () => {
  const list = parseBlacklist('["Bad.Example", "*.evil.net", "203.0.113.9"]');
  assert.ok(isBannedBy(list, 'bad.example'), 'host, case-insensitive');
  assert.ok(
    isBannedBy(list, 'x.evil.net') && isBannedBy(list, 'a.b.evil.net'),
    'wildcard on the last two labels',
  );
  assert.ok(isBannedBy(list, 'good.example', '203.0.113.9'), 'by address');
  assert.ok(isBannedBy(list, '::ffff:203.0.113.9'), 'a mapped address');
  assert.ok(!isBannedBy(list, 'evil.net.example') && !isBannedBy(list, 'good.example', '203.0.113.8'));
  const lines = parseBlacklist('# banned\nbad.example\n\n  *.evil.net  # wildcard\n');
  assert.deepEqual([...lines].sort(), ['*.evil.net', 'bad.example']);
  assert.throws(() => parseBlacklist('[1, 2]'), isErr(ErrorCodes.INVALID_ARGUMENT));
  assert.throws(() => parseBlacklist('[not json'), isErr(ErrorCodes.INVALID_ARGUMENT));
  assert.throws(() => parseBlacklist(`["${'a'.repeat(1_100_000)}"]`), isErr(ErrorCodes.INVALID_ARGUMENT));
});

test('a banned host is never stored, dialled or served, and a reloaded file bans more', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-blacklist-'));
  const file = join(dir, 'banned.json');
  writeFileSync(file, '["bad.example", "*.evil.net"]');
  const node = makeNode({ blacklist: file, blacklistReloadMs: 200, schedule: { tickMs: 60_000 } });
  for (const h of ['bad.example', 'fine.example', 'later.example']) goodPeer(node.store, h, '8.8.8.8');
  try {
    await node.start();
    assert.equal(node.store.has('bad.example'), false, 'purged at start');
    assert.equal(node.store.has('fine.example'), true);
    assert.equal(
      node.store.insertIfAbsent(newPeerRecord('x.evil.net', 'add_peer:1.2.3.4', Date.now())),
      false,
    );
    assert.throws(() => node.addPeer('www.evil.net s50002'), isErr(ErrorCodes.INVALID_ARGUMENT));
    writeFileSync(file, '["bad.example", "*.evil.net", "later.example"]');
    await until('the reloaded list', () => !node.store.has('later.example'));
    const c = await LineClient.connect(node.tcpPort!);
    await c.call('server.version', ['w', '1.4']);
    const peers = ((await c.call('server.peers.subscribe', [], 2)) as { result: string[][] }).result;
    assert.ok(!peers.some((p) => p[1] === 'later.example' || p[1] === 'bad.example'), JSON.stringify(peers));
    c.close();
    // A broken file keeps the list it had.
    writeFileSync(file, '[broken');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(node.store.insertIfAbsent(newPeerRecord('later.example', 'seed', Date.now())), false);
    assert.ok(((node.stats.blacklist as Record<string, number>).failures ?? 0) > 0, 'the failure is counted');
  } finally {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a blacklist URL is fetched and reloaded; an oversized answer is refused', async () => {
  let body = '["one.example"]';
  const server = http.createServer((_req, res) => res.end(body));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/banned`;
  const list = new Blacklist({ source: url, reloadMs: 100 });
  try {
    await list.start();
    assert.ok(list.isBanned('one.example'));
    body = '["two.example"]';
    await until('the reload', () => list.isBanned('two.example'));
    assert.ok(!list.isBanned('one.example'), 'the new list replaces the old');
    body = JSON.stringify(['x'.repeat(1_200_000)]);
    await assert.rejects(list.reload(), isErr(ErrorCodes.INVALID_ARGUMENT));
    assert.ok(list.isBanned('two.example'), 'kept after a refused answer');
  } finally {
    await list.stop();
    server.close();
  }
});

test('default peers per network are data with a source, parse, and fill an empty table', () => {
  const main = defaultPeersFor(GENESIS.mainnet)!;
  assert.equal(main, DEFAULT_PEERS.mainnet);
  assert.match(main.source, /servers\.json/);
  assert.ok(main.seeds.length > 0 && main.seeds.length <= 10, 'up to 10, as the seed document asks');
  for (const s of [...main.seeds, ...DEFAULT_PEERS.testnet.seeds]) assert.doesNotThrow(() => parseSeed(s), s);
  for (const o of main.onions) assert.ok(isValidOnion(parseSeed(o).host), o);
  assert.equal(defaultPeersFor('11'.repeat(32)), undefined, 'unknown networks have none');
  const store = memStore();
  const seeds = seedRecords(main.seeds, [], NOW, recordingLogger().logger);
  assert.equal(topUpSeeds(store, seeds, NOW), main.seeds.length, 'all written to an empty table');
  assert.equal(topUpSeeds(store, seeds, NOW), 0, 'not again while it holds them');
});

test('a seed on our own host is skipped with a warning that says so', () => {
  const { logger, lines } = recordingLogger();
  const out = seedRecords(['me.example s50002', 'other.example s50002'], ['me.example'], NOW, logger);
  assert.deepEqual(
    out.map((r) => r.host),
    ['other.example'],
  );
  assert.ok(
    lines.some((l) => l.level === 'warn' && /own host/.test(l.msg)),
    `warned: ${JSON.stringify(lines)}`,
  );
});

test('without Tor a mainnet node serves three default onions beside its clearnet peers', async () => {
  const node = makeNode({ genesisHash: GENESIS.mainnet, seeds: [], schedule: { tickMs: 60_000 } });
  for (let i = 0; i < 4; i++) goodPeer(node.store, `c${i}.example`, `${40 + i}.8.8.8`);
  await node.start();
  try {
    const c = await LineClient.connect(node.tcpPort!);
    await c.call('server.version', ['w', '1.4']);
    const peers = ((await c.call('server.peers.subscribe', [], 2)) as { result: string[][] }).result;
    const onions = peers.filter((p) => p[1]!.endsWith('.onion'));
    assert.equal(onions.length, 3, JSON.stringify(peers));
    const known = DEFAULT_PEERS.mainnet.onions.map((o) => parseSeed(o).host);
    assert.ok(
      onions.every((o) => known.includes(o[1]!)),
      'from the default list',
    );
    c.close();
  } finally {
    await node.stop();
  }
});

test('operators list, add and remove peers; verification results are logged at info', async () => {
  const { logger, lines } = recordingLogger();
  const other = makeNode({ host: '127.0.0.2', privateNetwork: true, schedule: { tickMs: 60_000 } });
  await other.start();
  const node = makeNode({ privateNetwork: true, logger, schedule: { tickMs: 60_000 } });
  await node.start();
  try {
    assert.equal(node.addPeer(`127.0.0.2:${other.tcpPort}`), true);
    assert.equal(node.addPeer(`127.0.0.2:${other.tcpPort}`), false, 'already known');
    assert.throws(() => node.addPeer('not a host!'), isErr(ErrorCodes.ADDRESS_INVALID));
    assert.ok(
      node.listPeers().some((p) => p.host === '127.0.0.2' && p.source === 'operator'),
      'listed with its source',
    );
    await until('the verification', () =>
      lines.some((l) => l.level === 'info' && l.msg.startsWith('verified 127.0.0.2')),
    );
    assert.ok(
      lines.some((l) => l.msg === `verified 127.0.0.2 t${other.tcpPort}`),
      JSON.stringify(lines),
    );
    assert.equal(node.removePeer('127.0.0.2'), true);
    assert.equal(node.removePeer('127.0.0.2'), false);
    assert.equal(node.listPeers().length, 0);
    // A dead port fails with its reason at info.
    const port = other.tcpPort!;
    await other.stop();
    node.addPeer(`127.0.0.3:${port}`);
    await until('the failure line', () =>
      lines.some((l) => l.level === 'info' && l.msg.startsWith('failed 127.0.0.3: ')),
    );
  } finally {
    await node.stop();
    await other.stop();
  }
});
