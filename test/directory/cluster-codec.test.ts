/** What instances of a directory cluster send each other: round trips, and garbage refused with a code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeHeartbeat,
  decodePresence,
  decodePrivmsg,
  decodePubmsg,
  encodeHeartbeat,
  encodePresence,
  encodePrivmsg,
} from '../../src/directory/cluster/cluster-codec.js';
import { PresenceTable, RemoteNick } from '../../src/directory/cluster/presence.js';
import { isPeerwayError } from '../../src/core/index.js';

const ID = '0123456789abcdef';
const isCluster = (e: unknown): boolean => isPeerwayError(e, 'ERR_DIRECTORY_CLUSTER');

test('cluster codec: presence records and heartbeats round-trip; bad ones are refused with ERR_DIRECTORY_CLUSTER', () => {
  const record = {
    i: ID,
    l: 'abc.onion:5222',
    f: ['ping', 'peerlist_features'],
    v: true,
    k: '02' + 'ab'.repeat(32),
  };
  assert.deepEqual(decodePresence(encodePresence(record)), record, 'presence round trip');
  assert.deepEqual(decodeHeartbeat(encodeHeartbeat({ i: ID, l: '127.0.0.1:5222' })), {
    i: ID,
    l: '127.0.0.1:5222',
  });
  const bad = [
    '{"i":"zz","l":"x","f":[],"v":false}',
    `{"i":"${ID}","l":"a;b","f":[],"v":false}`,
    `{"i":"${ID}","l":"x","f":["a,b"],"v":false}`,
    `{"i":"${ID}","l":"x","f":[],"v":"yes"}`,
    `{"i":"${ID}","l":"x","f":[],"v":true,"k":"nothex"}`,
    `{"i":"${ID}","l":"x","f":${JSON.stringify(Array.from({ length: 17 }, (_, n) => `f${n}`))},"v":false}`,
    '[1,2]',
    'not json',
    `{"i":"${ID}","l":"${'x'.repeat(3000)}","f":[],"v":false}`,
  ];
  for (const text of bad)
    assert.throws(() => decodePresence(Buffer.from(text)), isCluster, `refused: ${text.slice(0, 60)}`);
  assert.throws(() => decodeHeartbeat(Buffer.from('{"i":"x","l":"y"}')), isCluster, 'bad heartbeat id');
});

test('cluster codec: forwarded privmsgs keep their bytes; pubmsgs are one CRLF line; limits hold', () => {
  const text = '{"type": 685, "line": "J5aaa!J5bbb!fill 1 2 3 pub sig"}\r\n';
  const entry = { plain: 'J5aaa;x.onion:5222', features: 'J5aaa;x.onion:5222;F:ping' };
  assert.deepEqual(decodePrivmsg(encodePrivmsg({ to: 'J5bbb', text, senderEntry: entry })), {
    to: 'J5bbb',
    text,
    senderEntry: entry,
  });
  assert.deepEqual(decodePrivmsg(encodePrivmsg({ to: 'J5bbb', text, senderEntry: undefined })), {
    to: 'J5bbb',
    text,
    senderEntry: undefined,
  });
  for (const bad of [
    'J5bbb\n\n\n{"type": 685}',
    'J5bbb\n\n\n{"type": 685}\r\n{"again": 1}\r\n',
    'not-a-nick\n\n\n{"type": 685}\r\n',
    'J5bbb\nonly-plain\n\n{"type": 685}\r\n',
    'J5bbb\n\n',
    `J5bbb\n\n\n${'x'.repeat(70_000)}\r\n`,
  ]) {
    assert.throws(() => decodePrivmsg(Buffer.from(bad)), isCluster, `refused: ${bad.slice(0, 40)}`);
  }
  assert.equal(decodePubmsg(Buffer.from(text)), text, 'a pubmsg line passes unchanged');
  assert.throws(() => decodePubmsg(Buffer.from('a\r\nb\r\n')), isCluster, 'two lines refused');
  assert.throws(() => decodePubmsg(Buffer.alloc(70_000, 0x41)), isCluster, 'oversize refused');
});

test('cluster presence: newest revision wins, dead instances are those silent too long, a stall forgives', () => {
  const t = new PresenceTable();
  const rec = (i: string) => ({ i, l: 'NOT-SERVING-ONION', f: [], v: false });
  assert.ok(t.put(new RemoteNick('J5a', rec('aaaaaaaaaaaaaaaa'), 5), 1_000), 'first put');
  assert.equal(
    t.put(new RemoteNick('J5a', rec('bbbbbbbbbbbbbbbb'), 4), 1_000),
    false,
    'an older revision is ignored',
  );
  assert.equal(t.remove('J5a', 3), undefined, 'an older delete is ignored');
  assert.equal(t.nicks.get('J5a')?.instance, 'aaaaaaaaaaaaaaaa', 'still there');
  t.heard('bbbbbbbbbbbbbbbb', 'h:1', 1_000);
  assert.deepEqual(t.takeDead(5_500, 5_000), [], 'nobody silent past 5 s yet');
  t.heard('bbbbbbbbbbbbbbbb', 'h:1', 4_000);
  assert.deepEqual(
    t.takeDead(6_500, 5_000),
    ['aaaaaaaaaaaaaaaa'],
    'the instance named only in a record and never heard is dead',
  );
  assert.deepEqual(
    t.nicksOn('aaaaaaaaaaaaaaaa').map((n) => n.nick),
    ['J5a'],
    'its nicks are found for deletion',
  );
  t.forgive(60_000);
  assert.deepEqual(t.takeDead(62_000, 5_000), [], 'after a stall nobody is dead for silence');
  assert.equal(t.remove('J5a', 6)?.nick, 'J5a', 'a newer delete removes');
});
