/**
 * Faults of a directory cluster on a real nats-server: an instance killed with SIGKILL, the NATS
 * server restarted, an instance stopped with SIGSTOP and continued. Each test builds its own
 * server and two instances (child processes) with a short heartbeat so that deaths show quickly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatSignedPrivmsg } from '../../src/directory/wire/message-line.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { natsBinary, NatsServer } from '../helpers/nats-server.js';
import { eventually, Instance, peerlistNicks, readUntil } from './cluster-harness.js';
import { handshakeText, rawJoin } from './net.js';
import { RawPeer } from './raw-peer.js';

const skip = natsBinary.skip;
const TIMING = { heartbeatInterval: 300, deadAfter: 2_500 };

async function cluster(
  name: string,
): Promise<{ nats: NatsServer; a: Instance; b: Instance; close(): Promise<void> }> {
  const nats = await NatsServer.start();
  const [a, b] = await Promise.all([
    Instance.start({ url: nats.url, name, ...TIMING }),
    Instance.start({ url: nats.url, name, ...TIMING }),
  ]);
  const met = await eventually(
    async () => (await a.view()).instances.length === 2 && (await b.view()).instances.length === 2,
  );
  assert.ok(met, 'the instances found each other');
  return {
    nats,
    a,
    b,
    async close() {
      await Promise.all([a.close(), b.close()]);
      await nats.close();
    },
  };
}

/** Sends a signed privmsg from `from` (on `sender`) to `to` until it arrives at `receiver`. */
async function privmsgArrives(
  from: NickIdentity,
  sender: RawPeer,
  to: string,
  receiver: RawPeer,
): Promise<boolean> {
  const text = encodeEnvelope(685, formatSignedPrivmsg(from, to, 'fill', `${Date.now()} ab P`));
  return eventually(
    async () => {
      sender.send(text);
      try {
        await readUntil(receiver, (_e, raw) => raw === text, 1_000);
        return true;
      } catch {
        return false;
      }
    },
    20_000,
    0,
  );
}

test(
  'cluster faults: an instance killed with SIGKILL loses its nicks everywhere within a bounded time, with departures',
  { skip, timeout: 60_000 },
  async () => {
    const c = await cluster('kill');
    const alice = NickIdentity.generate();
    const bob = NickIdentity.generate();
    const pa = await rawJoin(c.a.port, alice.nick);
    const pb = await rawJoin(c.b.port, bob.nick);
    try {
      assert.ok(
        await eventually(async () => (await peerlistNicks(pb, 1, 2_000)).includes(alice.nick)),
        'bob sees alice before the kill',
      );
      const killedAt = Date.now();
      await c.a.kill('SIGKILL');
      const { hit } = await readUntil(
        pb,
        (e) => e.type === 789 && e.line.includes(`${alice.nick};NOT-SERVING-ONION;D`),
        20_000,
      );
      const took = Date.now() - killedAt;
      assert.ok(hit.length > 0, 'bob was told that alice left');
      assert.ok(took < 15_000, `departure within the bound (took ${took} ms)`);
      assert.deepEqual(await peerlistNicks(pb, 0, 2_000), [], 'alice is gone from B’s peerlist');
      assert.equal(pb.closed, false, 'bob on the surviving instance is still connected');
      // The nick is free again: a new claimant on B gets it.
      const again = await rawJoin(c.b.port, alice.nick);
      again.close();
      const view = await c.b.view();
      assert.equal(view.instances.length, 1, 'B no longer counts the dead instance');
      assert.ok((view.traffic.events['dead_instances'] ?? 0) >= 1, 'and counted it dead');
    } finally {
      pa.close();
      pb.close();
      await c.close();
    }
  },
);

test(
  'cluster faults: after a NATS server restart the instances reconnect and resync; clients that stayed up lose nothing',
  { skip, timeout: 90_000 },
  async () => {
    const c = await cluster('restart');
    const alice = NickIdentity.generate();
    const bob = NickIdentity.generate();
    const carol = NickIdentity.generate();
    const pa = await rawJoin(c.a.port, alice.nick);
    const pb = await rawJoin(c.b.port, bob.nick);
    const pc = await rawJoin(c.a.port, carol.nick);
    try {
      assert.ok(
        await eventually(async () => (await peerlistNicks(pb, 2, 2_000)).length === 2),
        'bob sees alice and carol',
      );
      await c.nats.stop();
      assert.ok(
        await eventually(async () => !(await c.a.view()).connected && !(await c.b.view()).connected, 15_000),
        'both instances noticed the server went away',
      );
      // carol leaves while the cluster cannot be told.
      pc.close();
      await new Promise((r) => setTimeout(r, 1_000));
      await c.nats.restart();
      assert.ok(
        await eventually(async () => (await c.a.view()).connected && (await c.b.view()).connected, 30_000),
        'both instances reconnected',
      );
      assert.equal(pa.closed, false, 'alice stayed connected through the restart');
      assert.equal(pb.closed, false, 'bob stayed connected through the restart');
      assert.ok(
        await eventually(async () => {
          const nicks = await peerlistNicks(pb, 1, 2_000);
          return nicks.length === 1 && nicks[0] === alice.nick;
        }, 30_000),
        'B lists alice exactly once and carol no more',
      );
      assert.ok(
        await privmsgArrives(alice, pa, bob.nick, pb),
        'a privmsg from A to B goes through after the restart',
      );
      assert.ok(await privmsgArrives(bob, pb, alice.nick, pa), 'and from B to A');
      const dup = await RawPeer.connect(c.b.port);
      dup.send(handshakeText(alice.nick));
      const { hit } = await readUntil(dup, (e) => e.type === 795);
      assert.match(hit, /nick_in_use/, 'alice’s nick is still held cluster-wide after the restart');
      dup.close();
    } finally {
      pa.close();
      pb.close();
      await c.close();
    }
  },
);

test(
  'cluster faults: an instance stopped with SIGSTOP and continued leaves no ghosts or duplicates',
  { skip, timeout: 90_000 },
  async () => {
    const c = await cluster('stop');
    const alice = NickIdentity.generate();
    const bob = NickIdentity.generate();
    const carol = NickIdentity.generate();
    const pa = await rawJoin(c.a.port, alice.nick);
    const pc = await rawJoin(c.a.port, carol.nick);
    const pb = await rawJoin(c.b.port, bob.nick);
    let carolOnB: RawPeer | undefined;
    try {
      assert.ok(
        await eventually(async () => (await peerlistNicks(pb, 2, 2_000)).length === 2),
        'bob sees alice and carol',
      );
      await c.a.kill('SIGSTOP');
      // B finds A silent and sends departures for its nicks.
      await readUntil(
        pb,
        (e) => e.type === 789 && e.line.includes(`${alice.nick};NOT-SERVING-ONION;D`),
        20_000,
      );
      // While A is stopped, carol's nick is taken on B.
      carolOnB = await rawJoin(c.b.port, carol.nick);
      await c.a.kill('SIGCONT');
      // A claims alice again; carol on A finds her nick taken and is closed: one carol, on B.
      assert.ok(await pc.waitClosed(20_000), 'the stale carol on A was closed');
      assert.equal(pa.closed, false, 'alice on A stays connected');
      assert.ok(
        await eventually(async () => {
          const nicks = await peerlistNicks(pb, 2, 2_000);
          return nicks.length === 2 && nicks.includes(alice.nick) && nicks.includes(carol.nick);
        }, 30_000),
        'bob lists alice and carol exactly once each',
      );
      let last: string[] = [];
      assert.ok(
        await eventually(async () => {
          last = await peerlistNicks(pa, 2, 2_000);
          return last.length === 2 && last.includes(bob.nick) && last.includes(carol.nick);
        }, 30_000),
        `alice lists bob and carol exactly once each (last: ${JSON.stringify(last)}, view: ${JSON.stringify(await c.a.view())}, bob ${bob.nick}, carol ${carol.nick})`,
      );
      assert.ok(await privmsgArrives(bob, pb, alice.nick, pa), 'privmsgs reach alice on A again');
    } finally {
      pa.close();
      pb.close();
      pc.close();
      carolOnB?.close();
      await c.close();
    }
  },
);
