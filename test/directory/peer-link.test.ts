import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenTcp } from '../../src/transport/index.js';
import { PeerLinks } from '../../src/directory/client/peer-links.js';
import { parseOfferMessage } from '../../src/directory/market/command-chain.js';
import { parseClientHandshake } from '../../src/directory/wire/handshake.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { parsePeerlist } from '../../src/directory/wire/peerlist.js';
import { RawPeer } from './raw-peer.js';
import { envelopeOf, loadTranscripts } from './transcripts.js';
import { until } from './net.js';

const recorded = loadTranscripts();
const referenceMaker = recorded.find((r) => r.session === 'Session 1c' && r.who === 'maker')!;
const rawTaker = recorded.find((r) => r.session === 'Session 1c' && r.who === 'taker')!;

test('transcripts: a direct link to the recorded reference maker handshakes (it speaks first)', async () => {
  assert.ok(referenceMaker !== undefined && rawTaker !== undefined);
  const heard: string[] = [];
  // Plays the reference maker: its recorded 793 as soon as it accepts, then records what comes.
  await using listener = await listenTcp((socket) => {
    socket.write(referenceMaker.bytes);
    socket.on('data', (b: Buffer) => heard.push(b.toString('utf8')));
  });
  const links = new PeerLinks({ identity: NickIdentity.generate(), network: 'signet' });
  try {
    assert.equal(await links.connect('J5AJbXrXwgkpigoX', `127.0.0.1:${listener.port}`), true);
    assert.ok(links.isConnected('J5AJbXrXwgkpigoX'));
    await until(() => heard.join('').includes('\r\n'), 2000, 'our 793');
    const ours = parseClientHandshake((JSON.parse(heard.join('').trim()) as { line: string }).line);
    const theirs = parseClientHandshake(envelopeOf(rawTaker).line);
    // Same shape as the recorded taker line: only the nick differs.
    assert.deepEqual({ ...ours, nick: theirs.nick }, theirs);
    // A link to a nick other than the one we meant is refused.
    assert.equal(await links.connect('J5someoneElseOOO', `127.0.0.1:${listener.port}`), false);
    assert.equal(links.stats.dialFailures, 1);
  } finally {
    await links.close();
  }
});

test('transcripts: a serving maker answers the recorded taker handshake with its own 793 and relays nothing else', async () => {
  const maker = new PeerLinks({
    identity: NickIdentity.generate(),
    network: 'signet',
    location: '127.0.0.1:1',
  });
  const port = await maker.listen();
  const raw = await RawPeer.connect(port);
  try {
    raw.send(rawTaker.bytes);
    const reply = JSON.parse(await raw.next()) as { type: number; line: string };
    assert.equal(reply.type, 793);
    assert.equal(parseClientHandshake(reply.line).location, '127.0.0.1:1');
    // The 793 alone proves nothing: the nick is not routed over this link until a privmsg signed
    // by its key arrives on it.
    await until(() => maker.stats.accepted === 1, 2000, 'link accepted');
    assert.equal(maker.isConnected('J58tfhWEsYbzRLpD'), false);
    // An unsigned privmsg on the link is dropped, proves nothing, and the link stays open.
    raw.send('{"type": 685, "line": "J58tfhWEsYbzRLpD!X!fill 0 1 2 3"}\r\n');
    assert.deepEqual(await raw.quiet(100), []);
    assert.equal(raw.socket.destroyed, false);
    assert.equal(maker.isConnected('J58tfhWEsYbzRLpD'), false);
  } finally {
    raw.socket.destroy();
    await maker.close();
  }
});

test('transcripts: the reference client orderbook pubmsg and its peerlist departures are read as the taker/maker need', () => {
  const session = recorded.filter((r) => r.session === 'Session 1b' && r.who === 'A');
  const pubmsg = session.find((r) => envelopeOf(r).type === 687)!;
  const body = envelopeOf(pubmsg).line.split('!').slice(2).join('!');
  assert.equal(parseOfferMessage(body).orderbookRequest, true, 'a maker answers this request');
  const entries = session
    .filter((r) => envelopeOf(r).type === 789)
    .flatMap((r) => parsePeerlist(envelopeOf(r).line).entries);
  const served = entries.find((e) => e.location === '127.0.0.1:15300')!;
  assert.equal(served.nick, 'J5AJbXrXwgkpigoX');
  // A departure: the taker must not remember it as a place to open a direct link to.
  assert.equal(served.disconnected, true);
});
