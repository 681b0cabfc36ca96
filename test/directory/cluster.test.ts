/**
 * A two-instance directory cluster on a real nats-server: presence, privmsg and pubmsg across
 * instances, getpeerlist, departures, and first-claimant-wins nicks. Instances are child processes;
 * clients are raw sockets speaking the wire protocol, plus real DirectoryClients where a
 * signature must verify at the receiver.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DirectoryClient } from '../../src/directory/client/client.js';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatPubmsg, formatSignedPrivmsg } from '../../src/directory/wire/message-line.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { natsBinary, NatsServer } from '../helpers/nats-server.js';
import { eventually, Instance, peerlistNicks, readUntil } from './cluster-harness.js';
import { handshakeText, rawJoin } from './net.js';
import { RawPeer } from './raw-peer.js';

const skip = natsBinary.skip;
const AUTH_ID = 'test-directory';
let nats: NatsServer;
let a: Instance;
let b: Instance;

before(async () => {
  if (skip !== false) return;
  nats = await NatsServer.start();
  [a, b] = await Promise.all([
    Instance.start({ url: nats.url, name: 'basic', nickAuthId: AUTH_ID }),
    Instance.start({ url: nats.url, name: 'basic', nickAuthId: AUTH_ID }),
  ]);
  // Both see each other's heartbeat before the tests start.
  const met = await eventually(
    async () => (await a.view()).instances.length === 2 && (await b.view()).instances.length === 2,
  );
  assert.ok(met, 'the two instances found each other');
});

after(async () => {
  if (skip !== false) return;
  await Promise.all([a?.close(), b?.close()]);
  await nats?.close();
});

test(
  'cluster: a nick is unique across instances (first claimant wins), and getpeerlist lists the whole cluster',
  { skip, timeout: 60_000 },
  async () => {
    const alice = NickIdentity.generate();
    const bob = NickIdentity.generate();
    const pa = await rawJoin(a.port, alice.nick);
    const pb = await rawJoin(b.port, bob.nick);
    const dup = await RawPeer.connect(b.port);
    try {
      dup.send(handshakeText(alice.nick));
      const { hit } = await readUntil(dup, (e) => e.type === 795);
      assert.match(
        hit,
        /"accepted\\": false/,
        'the second claimant of a nick on another instance is refused',
      );
      assert.match(hit, /nick_in_use/, 'refused because the nick is in use');
      assert.ok(await dup.waitClosed(5_000), 'the refused connection is closed');

      const seen = await eventually(async () => {
        const nicks = await peerlistNicks(pb, 1, 3_000);
        return nicks.length === 1 && nicks[0] === alice.nick;
      });
      assert.ok(seen, 'bob on instance B lists alice from instance A exactly once');
      const fromA = await peerlistNicks(pa, 1);
      assert.deepEqual(fromA, [bob.nick], 'alice on A lists bob from B');
    } finally {
      pa.close();
      pb.close();
      dup.close();
    }
  },
);

test(
  'cluster: a privmsg from A to B arrives once with its bytes (and signature) intact; the sender’s entry follows',
  { skip, timeout: 60_000 },
  async () => {
    const alice = NickIdentity.generate();
    const bob = NickIdentity.generate();
    const pa = await rawJoin(a.port, alice.nick, { location: 'aliceonionaddressxx.onion:5222' });
    const pb = await rawJoin(b.port, bob.nick);
    try {
      assert.ok(
        await eventually(async () => (await a.view()).instances.some((i) => i.clients.includes(bob.nick))),
        'A learned that bob is on B',
      );
      const line = formatSignedPrivmsg(alice, bob.nick, 'fill', '0 500000 ab P');
      const text = encodeEnvelope(685, line);
      pa.send(text);
      const { hit } = await readUntil(pb, (e) => e.type === 685);
      assert.equal(hit, text, 'the privmsg arrives byte for byte');
      const { hit: entry } = await readUntil(pb, (e) => e.type === 789);
      assert.match(
        entry,
        new RegExp(`${alice.nick};aliceonionaddressxx.onion:5222`),
        'then the serving sender’s entry',
      );
      assert.deepEqual(
        (await pb.quiet(500)).filter((l) => l.includes('"type": 685')),
        [],
        'and only once',
      );
    } finally {
      pa.close();
      pb.close();
    }
  },
);

test(
  'cluster: a signed privmsg between DirectoryClients on different instances verifies at the receiver',
  { skip, timeout: 60_000 },
  async () => {
    const alice = new DirectoryClient({
      host: '127.0.0.1',
      port: a.port,
      identity: NickIdentity.generate(),
      network: 'signet',
    });
    const bob = new DirectoryClient({
      host: '127.0.0.1',
      port: b.port,
      identity: NickIdentity.generate(),
      network: 'signet',
    });
    try {
      await alice.connect();
      await bob.connect();
      assert.ok(
        await eventually(async () => (await a.view()).instances.some((i) => i.clients.includes(bob.nick))),
        'A learned about bob',
      );
      const got = new Promise<{ from: string; command: string; data: string }>((resolve) =>
        bob.once('privmsg', (m) => resolve(m as { from: string; command: string; data: string })),
      );
      assert.ok(alice.sendPrivmsg(bob.nick, 'fill', '0 500000 abcdef P'), 'sent');
      const m = await got;
      assert.equal(m.from, alice.nick, 'from alice');
      assert.equal(m.command, 'fill', 'the command survived');
    } finally {
      await alice.close();
      await bob.close();
    }
  },
);

test(
  'cluster: a pubmsg reaches every client on every instance once; departures go cluster-wide',
  { skip, timeout: 60_000 },
  async () => {
    const ids = [0, 1, 2, 3].map(() => NickIdentity.generate());
    const [s, a2, b1, b2] = await Promise.all([
      rawJoin(a.port, ids[0]!.nick),
      rawJoin(a.port, ids[1]!.nick),
      rawJoin(b.port, ids[2]!.nick),
      rawJoin(b.port, ids[3]!.nick),
    ]);
    try {
      assert.ok(
        await eventually(async () =>
          (await b.view()).instances.some((i) => i.clients.includes(ids[0]!.nick)),
        ),
        'B learned about the sender',
      );
      const text = encodeEnvelope(687, formatPubmsg(ids[0]!.nick, 'orderbook'));
      s.send(text);
      for (const [peer, name] of [
        [a2, 'a2'],
        [b1, 'b1'],
        [b2, 'b2'],
      ] as const) {
        const { hit } = await readUntil(peer, (e) => e.type === 687);
        assert.equal(hit, text, `${name} got the pubmsg as sent`);
      }
      for (const [peer, name] of [
        [a2, 'a2'],
        [b1, 'b1'],
        [b2, 'b2'],
        [s, 'sender'],
      ] as const) {
        const extra = (await peer.quiet(300)).filter((l) => l.includes('"type": 687'));
        assert.deepEqual(extra, [], `${name} got no second copy`);
      }
      const stats = await a.ask<{ cluster: { sent: Record<string, number> } }>('stats');
      assert.equal(
        stats.cluster.sent['pubmsg'],
        1,
        'one pubmsg crossed NATS once, not once per remote client',
      );

      s.close();
      for (const [peer, name] of [
        [a2, 'a2'],
        [b1, 'b1'],
        [b2, 'b2'],
      ] as const) {
        const { hit } = await readUntil(
          peer,
          (e) => e.type === 789 && e.line.includes(`${ids[0]!.nick};NOT-SERVING-ONION;D`),
        );
        assert.ok(hit.length > 0, `${name} was told the sender left`);
      }
      assert.ok(
        await eventually(async () => !(await peerlistNicks(b1, 2, 2_000)).includes(ids[0]!.nick)),
        'the sender is gone from B’s peerlist',
      );
    } finally {
      for (const p of [s, a2, b1, b2]) p.close();
    }
  },
);

test(
  'cluster: a verified nick-auth claim on B displaces an unverified owner on A, without a departure',
  { skip, timeout: 60_000 },
  async () => {
    const id = NickIdentity.generate();
    const watcher = NickIdentity.generate();
    const squatter = await rawJoin(a.port, id.nick);
    const onlooker = await rawJoin(a.port, watcher.nick);
    const owner = new DirectoryClient({
      host: '127.0.0.1',
      port: b.port,
      identity: id,
      network: 'signet',
      features: { ping: true, nick_auth: true },
      nickAuthDirectoryId: AUTH_ID,
    });
    try {
      assert.ok(
        await eventually(async () => (await b.view()).instances.some((i) => i.clients.includes(id.nick))),
        'B knows the squatter holds the nick on A',
      );
      await owner.connect();
      assert.ok(await eventually(() => owner.nickAuthVerified === true), 'the owner proved its nick on B');
      assert.ok(await squatter.waitClosed(15_000), 'the unverified squatter on A was displaced');
      const seen = await onlooker.quiet(500);
      assert.deepEqual(
        seen.filter((l) => l.includes(`${id.nick};NOT-SERVING-ONION;D`)),
        [],
        'no departure: the nick lives on, on B',
      );
      assert.ok(
        await eventually(async () => {
          const nicks = await peerlistNicks(onlooker, 1, 2_000);
          return nicks.length === 1 && nicks[0] === id.nick;
        }),
        'the onlooker on A lists the nick once (now on B)',
      );
      const view = await a.view();
      const onB = view.instances.find((i) => i.id === b.id);
      assert.ok(onB?.clients.includes(id.nick) === true, 'A’s view places the nick on B');
      assert.ok((view.traffic.events['displaced'] ?? 0) >= 1, 'A counted the displacement');
    } finally {
      squatter.close();
      onlooker.close();
      await owner.close();
    }
  },
);
