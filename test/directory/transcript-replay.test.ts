/**
 * Replays the recorded reference exchanges against our server and our client. Where our
 * directory deliberately differs from the reference (docs/protocols/joinmarket.md lists why),
 * the test asserts our behaviour and says which difference it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { DirectoryClient } from '../../src/directory/client/client.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { type PeerlistEntry } from '../../src/directory/wire/peerlist.js';
import { loadAllLines, loadMarked, loadTranscripts, type Recorded } from './transcripts.js';
import { RawPeer } from './raw-peer.js';

const ALL = loadTranscripts();
function pick(session: string, who: string, dir: '>>' | '<<'): string[] {
  return ALL.filter((r) => r.session === session && r.who === who && r.dir === dir).map((r) =>
    r.bytes.toString('utf8'),
  );
}

/** A 795 without the parts that are ours to choose: directory nick, features, motd of a rejection. */
function norm795(text: string): Record<string, unknown> {
  const env = JSON.parse(text) as { type: number; line: string };
  assert.equal(env.type, 795);
  const hs = JSON.parse(env.line) as Record<string, unknown>;
  delete hs['nick'];
  delete hs['features'];
  if (hs['accepted'] === false) delete hs['motd'];
  return hs;
}

/** A 789's entries without any directory self-entry (the reference adds one; ng and we do not). */
function entriesWithout(text: string, dirNicks: string[]): string[] {
  const env = JSON.parse(text) as { type: number; line: string };
  assert.equal(env.type, 789);
  return env.line.split(',').filter((e) => e !== '' && !dirNicks.includes(e.split(';')[0]!));
}

const REF_DIRS = ['J5E8cbU4kHXHMnTn', 'J59J6Z8o5Mu4T9is'];

test('replay session 1: our server answers the recorded client lines', async () => {
  await using server = new DirectoryServer({ port: 0, network: 'signet', motd: 'Greetings from test DN' });
  await server.start();
  const port = server.address.port;
  const peers: RawPeer[] = [];
  const raw = async (): Promise<RawPeer> => {
    const p = await RawPeer.connect(port);
    peers.push(p);
    return p;
  };
  try {
    const aOut = pick('Session 1', 'A', '>>');
    const aIn = pick('Session 1', 'A', '<<');
    const bOut = pick('Session 1', 'B', '>>');
    const bIn = pick('Session 1', 'B', '<<');
    const a = await raw();
    a.send(aOut[0]!);
    assert.deepEqual(norm795(await a.next()), norm795(aIn[0]!));
    const b = await raw();
    b.send(bOut[0]!);
    assert.deepEqual(norm795(await b.next()), norm795(bIn[0]!));

    // 791: the reference sends nothing; we answer (ng behaviour), without F: since B asked for none.
    b.send(bOut[1]!);
    assert.equal(await b.next(), '{"type": 789, "line": "J59jAPxM5B4KxDZN;127.0.0.1:19999"}\r\n');

    // A's offer reaches B byte for byte, and B's !orderbook reaches A.
    a.send(aOut[1]!);
    assert.equal(await b.next(), bIn[1]);
    b.send(bOut[2]!);
    assert.equal(await a.next(), aIn[1]);

    // Signed privmsg A -> B: verbatim, then A's entry (A serves); no directory self-entry.
    a.send(aOut[2]!);
    assert.equal(await b.next(), bIn[2]);
    assert.deepEqual(entriesWithout(await b.next(), [server.nick]), entriesWithout(bIn[3]!, REF_DIRS));

    // B -> A: verbatim; B does not serve, so the reference's follow-up held only its self-entry.
    b.send(bOut[3]!);
    assert.equal(await a.next(), aIn[2]);
    assert.deepEqual(entriesWithout(aIn[3]!, REF_DIRS), []);

    // Unknown recipient: dropped by both. Spoofed from-nick: the reference relays it, we drop it.
    b.send(bOut[4]!);
    b.send(bOut[5]!);
    assert.deepEqual(await a.quiet(150), []);
    assert.equal(server.stats.dropped['unknown_recipient'], 1);
    assert.equal(server.stats.dropped['spoofed'], 1);

    // C: wrong network -> accepted false; the reference keeps the socket, we close it.
    const c = await raw();
    c.send(pick('Session 1', 'C', '>>')[0]!);
    assert.deepEqual(norm795(await c.next()), norm795(pick('Session 1', 'C', '<<')[0]!));
    assert.ok(await c.waitClosed());

    // D: LF-only framing; the reference never answers, we accept LF (as ng does).
    const d = await raw();
    d.send(pick('Session 1', 'D', '>>')[0]!);
    assert.equal(norm795(await d.next())['accepted'], true);

    // E: an unsolicited 799 costs the sender its connection on the reference; we ignore it.
    const e = await raw();
    const eOut = pick('Session 1', 'E', '>>');
    e.send(eOut[0]!);
    assert.deepEqual(norm795(await e.next()), norm795(pick('Session 1', 'E', '<<')[0]!));
    e.send(eOut[1]!);
    assert.deepEqual(await e.quiet(100), []);
    assert.equal(e.closed, false);

    // F: a garbage line closes that connection (both).
    const f = await raw();
    const garbage = loadAllLines().find((r: Recorded) => r.who === 'F')!;
    f.send(garbage.bytes);
    assert.ok(await f.waitClosed());
    assert.equal(server.stats.dropped['garbage'], 1);

    // G: 798 from a peer without `ping` gets no 799; 801 closes (reference: both close).
    const g = await raw();
    const gOut = pick('Session 1', 'G', '>>');
    g.send(gOut[0]!);
    assert.equal(norm795(await g.next())['accepted'], true);
    g.send(gOut[1]!);
    g.send(gOut[2]!);
    assert.ok(await g.waitClosed());
    assert.deepEqual(g.lines, []);

    // Departures: B hears G and then A as `nick;location;D` (no self-entry, unlike the reference).
    assert.deepEqual(entriesWithout(await b.next(), [server.nick]), ['J55dE4UhFVK8d4FC;NOT-SERVING-ONION;D']);
    a.close();
    const recordedA = entriesWithout(bIn[bIn.length - 1]!, REF_DIRS);
    assert.deepEqual(entriesWithout(await b.next(), [server.nick]), recordedA);
  } finally {
    for (const p of peers) p.close();
  }
});

test('replay session 1b: the reference client handshake and !orderbook', async () => {
  await using server = new DirectoryServer({ port: 0, network: 'signet' });
  await server.start();
  const a = await RawPeer.connect(server.address.port);
  const ref = await RawPeer.connect(server.address.port);
  try {
    a.send(pick('Session 1', 'A', '>>')[0]!);
    await a.next();
    const refLines = loadMarked('client->dn');
    assert.equal(refLines.length, 2);
    ref.send(refLines[0]!);
    assert.equal(norm795(await ref.next())['accepted'], true);
    ref.send(refLines[1]!);
    assert.equal(await a.next(), pick('Session 1b', 'A', '<<')[1]);
  } finally {
    a.close();
    ref.close();
  }
});

test('replay session 2: acceptance edge cases', async () => {
  await using server = new DirectoryServer({ port: 0, network: 'signet', motd: 'Greetings from test DN' });
  await server.start();
  const port = server.address.port;
  const peers: RawPeer[] = [];
  const raw = async (): Promise<RawPeer> => {
    const p = await RawPeer.connect(port);
    peers.push(p);
    return p;
  };
  try {
    const b = await raw();
    b.send(pick('Session 2', 'B', '>>')[0]!);
    assert.deepEqual(norm795(await b.next()), norm795(pick('Session 2', 'B', '<<')[0]!));
    // X rejected, then its pubmsg: the reference relays it; we closed X at the rejection.
    const x = await raw();
    const xOut = pick('Session 2', 'X', '>>');
    x.send(xOut[0]!);
    assert.deepEqual(norm795(await x.next()), norm795(pick('Session 2', 'X', '<<')[0]!));
    assert.ok(await x.waitClosed());
    // Y never handshakes: the reference relays its pubmsg; we drop it.
    const y = await raw();
    y.send(pick('Session 2', 'Y', '>>')[0]!);
    assert.deepEqual(await b.quiet(150), []);
    assert.equal(server.stats.dropped['not_handshaked'], 1);
    // Z reuses B's nick: the reference accepts; we keep the first owner and refuse Z.
    const z = await raw();
    z.send(pick('Session 2', 'Z', '>>')[0]!);
    assert.equal(norm795(await z.next())['accepted'], false);
    assert.ok(await z.waitClosed());
    assert.equal(server.stats.handshakesRejected['nick_in_use'], 1);
    // W (empty location) and V (proto-ver 6) refused; U (extra field and features) accepted, like the reference.
    for (const who of ['W', 'V', 'U']) {
      const p = await raw();
      p.send(pick('Session 2', who, '>>')[0]!);
      assert.deepEqual(norm795(await p.next()), norm795(pick('Session 2', who, '<<')[0]!), who);
    }
  } finally {
    for (const p of peers) p.close();
  }
});

test('replay: our client sends the recorded handshake bytes and accepts recorded directory output', async () => {
  const bOut = pick('Session 1', 'B', '>>');
  const bIn = pick('Session 1', 'B', '<<');
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const fake = net.createServer((socket) => {
    sockets.add(socket);
    socket.setEncoding('utf8');
    socket.once('data', (chunk: string) => {
      received.push(chunk);
      // The recorded 795, then everything the recorded B received after it.
      socket.write(bIn.join(''));
    });
  });
  fake.listen(0, '127.0.0.1');
  await once(fake, 'listening');
  const port = (fake.address() as net.AddressInfo).port;
  const client = new DirectoryClient({
    host: '127.0.0.1',
    port,
    identity: NickIdentity.fromSecret(0xb0bn),
    network: 'signet',
    features: {},
  });
  try {
    const pubmsgs: string[] = [];
    const privmsgs: string[] = [];
    const peerlists: PeerlistEntry[][] = [];
    client.on('pubmsg', (m) => pubmsgs.push(m.from));
    client.on('privmsg', (m) => privmsgs.push(`${m.from} ${m.command}`));
    client.on('peerlist', (e) => peerlists.push(e));
    await client.connect();
    assert.equal(received[0], bOut[0], 'handshake bytes identical to the reference client');
    assert.equal(client.directoryHandshake?.nick, 'J5E8cbU4kHXHMnTn');
    for (let i = 0; i < 50 && peerlists.length < 5; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(pubmsgs, ['J59jAPxM5B4KxDZN']);
    assert.deepEqual(privmsgs, ['J59jAPxM5B4KxDZN sw0reloffer']);
    assert.equal(peerlists.length, 5);
    assert.deepEqual(
      peerlists[4]!.map((e) => `${e.nick} ${e.disconnected}`),
      ['J5E8cbU4kHXHMnTn false', 'J59jAPxM5B4KxDZN true'],
    );
    assert.equal(client.stats.dropped['bad_signature'], undefined);
  } finally {
    await client.close();
    for (const s of sockets) s.destroy();
    fake.close();
  }
});
