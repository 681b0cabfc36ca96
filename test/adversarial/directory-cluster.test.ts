// A directory cluster under attack: a client flooding pubmsgs cannot use the cluster to amplify
// (one NATS message per admitted pubmsg, whatever the number of clients behind other instances),
// and garbage published on the cluster's subjects or written to its bucket is counted and
// dropped; beside each attack an honest pair on different instances keeps exchanging privmsgs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatPubmsg, formatSignedPrivmsg } from '../../src/directory/wire/message-line.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { eventually, Instance, readUntil } from '../directory/cluster-harness.js';
import { rawJoin } from '../directory/net.js';
import type { RawPeer } from '../directory/raw-peer.js';
import { natsBinary, NatsServer } from '../helpers/nats-server.js';

const skip = natsBinary.skip;
const NAME = 'hostile';
let nats: NatsServer;
let a: Instance;
let b: Instance;

before(async () => {
  if (skip !== false) return;
  nats = await NatsServer.start();
  [a, b] = await Promise.all([
    Instance.start({ url: nats.url, name: NAME }),
    Instance.start({ url: nats.url, name: NAME }),
  ]);
  assert.ok(
    await eventually(
      async () => (await a.view()).instances.length === 2 && (await b.view()).instances.length === 2,
    ),
    'the instances found each other',
  );
});

after(async () => {
  if (skip !== false) return;
  await Promise.all([a?.close(), b?.close()]);
  await nats?.close();
});

/** An honest pair, alice on A and bob on B; `exchange` returns how many of `n` privmsgs arrived. */
async function honestPair(): Promise<{ exchange(n: number): Promise<number>; close(): void }> {
  const alice = NickIdentity.generate();
  const bob = NickIdentity.generate();
  const pa = await rawJoin(a.port, alice.nick);
  const pb = await rawJoin(b.port, bob.nick);
  assert.ok(
    await eventually(async () => (await a.view()).instances.some((i) => i.clients.includes(bob.nick))),
    'A knows bob',
  );
  return {
    async exchange(n) {
      let got = 0;
      for (let i = 0; i < n; i++) {
        const text = encodeEnvelope(
          685,
          formatSignedPrivmsg(alice, bob.nick, 'honest', `${i} ${Date.now()}`),
        );
        pa.send(text);
        try {
          await readUntil(pb, (_e, raw) => raw === text, 5_000);
          got++;
        } catch {
          // lost: counted by the caller
        }
      }
      return got;
    },
    close() {
      pa.close();
      pb.close();
    },
  };
}

test(
  'cluster under attack: a pubmsg flood crosses NATS once per admitted pubmsg, not once per client',
  { skip, timeout: 60_000 },
  async () => {
    const honest = await honestPair();
    const listeners: RawPeer[] = [];
    const attacker = NickIdentity.generate();
    const flood = await rawJoin(a.port, attacker.nick);
    try {
      for (let i = 0; i < 8; i++) listeners.push(await rawJoin(b.port));
      const before = await a.ask<{ cluster: { sent: Record<string, number> } }>('stats');
      const line = encodeEnvelope(687, formatPubmsg(attacker.nick, `orderbook ${'x'.repeat(200)}`));
      const COUNT = 3_000;
      flood.send(line.repeat(COUNT));
      const honestGot = await honest.exchange(20);
      assert.equal(honestGot, 20, 'every honest privmsg arrived during the flood');
      await new Promise((r) => setTimeout(r, 1_000));
      const after = await a.ask<{
        cluster: { sent: Record<string, number> };
        server: { relayed: Record<string, number>; dropped: Record<string, number> };
      }>('stats');
      const crossed = (after.cluster.sent['pubmsg'] ?? 0) - (before.cluster.sent['pubmsg'] ?? 0);
      assert.ok(crossed <= COUNT, `at most one NATS message per pubmsg (${crossed} for ${COUNT})`);
      assert.ok(crossed > 0, 'admitted pubmsgs did cross');
      const bStats = await b.ask<{ cluster: { received: Record<string, number> } }>('stats');
      assert.ok((bStats.cluster.received['pubmsg'] ?? 0) <= crossed, 'B received no more than A sent');
      assert.ok(
        (after.server.dropped['rate_limited'] ?? 0) > 0 || crossed === COUNT,
        'the per-connection limits applied as on a single instance',
      );
    } finally {
      flood.close();
      for (const l of listeners) l.close();
      honest.close();
    }
  },
);

test(
  'cluster under attack: garbage on the cluster subjects and bucket is counted and dropped',
  { skip, timeout: 60_000 },
  async () => {
    const honest = await honestPair();
    const nc = await connect({ servers: nats.url });
    try {
      const kv = await new Kvm(nc).open(`${NAME}-directory`);
      const junk = [
        Buffer.alloc(100_000, 0x41),
        Buffer.from('not a line'),
        Buffer.from('{"type": 687, "line": "x"}\r\n{"second": 1}\r\n'),
        Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0x0a, 0x0a]),
      ];
      for (const data of junk) {
        nc.publish(`${NAME}.dir.pub`, data);
        nc.publish(`${NAME}.dir.hb`, data);
        nc.publish(`${NAME}.dir.inst.${b.id}`, data);
      }
      await kv.put('J5garbagenickxxx', Buffer.from('{"i": 5}'));
      await kv.put(
        'J5garbagenickyyy',
        Buffer.from('{"i":"00112233aabbccdd","l":"bad;location","f":[],"v":false}'),
      );
      await nc.flush();
      assert.ok(
        await eventually(
          async () => ((await b.view()).traffic.events['garbage'] ?? 0) >= junk.length * 3 + 2,
        ),
        'B counted every piece of garbage',
      );
      const view = await b.view();
      assert.equal(view.instances.length, 2, 'no instance was invented from garbage');
      assert.ok(
        view.instances.every((i) => !i.clients.some((n) => n.startsWith('J5garbage'))),
        'no garbage nick was listed',
      );
      assert.equal(await honest.exchange(10), 10, 'the honest pair still talks across instances');
    } finally {
      await nc.close();
      honest.close();
    }
  },
);
