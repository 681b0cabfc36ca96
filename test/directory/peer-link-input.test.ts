import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex, PassThrough } from 'node:stream';
import fc from 'fast-check';
import { PeerLink } from '../../src/directory/client/peer-link.js';
import { encodeEnvelope } from '../../src/directory/wire/envelope.js';
import { formatClientHandshake } from '../../src/directory/wire/handshake.js';
import { formatSignedPrivmsg } from '../../src/directory/wire/message-line.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';

/** Two in-memory stream ends (pure framing: no socket needed). */
function pair(): [Duplex, Duplex] {
  const ab = new PassThrough();
  const ba = new PassThrough();
  const ends: [Duplex, Duplex] = [
    Duplex.from({ readable: ba, writable: ab }),
    Duplex.from({ readable: ab, writable: ba }),
  ];
  // Closing one end aborts the shared halves under the other: expected, not a failure.
  for (const end of ends) end.on('error', () => undefined);
  return ends;
}

const me = NickIdentity.generate();
const peer = NickIdentity.generate();
const other = NickIdentity.generate();

function handshake(nick: string, network = 'signet'): string {
  return encodeEnvelope(
    793,
    formatClientHandshake({ nick, location: 'NOT-SERVING-ONION', features: {}, network }),
  );
}

test('peer link: property: arbitrary input after the handshake never escapes; only the linked nick is heard', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.string({ maxLength: 200 }).map((s) => s.replace(/[\r\n]/g, '') + '\r\n'),
          fc.constant(encodeEnvelope(685, formatSignedPrivmsg(peer, me.nick, 'sig', 'good'))),
          fc.constant(encodeEnvelope(685, formatSignedPrivmsg(other, me.nick, 'sig', 'not-the-linked-nick'))),
          fc.constant(encodeEnvelope(687, `${peer.nick}!PUBLIC!orderbook`)),
        ),
        { maxLength: 12 },
      ),
      async (inputs) => {
        const [ours, theirs] = pair();
        const link = new PeerLink({
          stream: ours,
          identity: me,
          network: 'signet',
          location: 'NOT-SERVING-ONION',
          outbound: true,
          expectedNick: peer.nick,
        });
        const heard: string[] = [];
        link.on('privmsg', (m) => heard.push(`${m.from}:${m.data}`));
        theirs.write(handshake(peer.nick));
        const hs = await link.handshake(AbortSignal.timeout(1000));
        assert.equal(hs.nick, peer.nick);
        for (const input of inputs) theirs.write(input);
        await new Promise((r) => setImmediate(r));
        await new Promise((r) => setImmediate(r));
        for (const h of heard) assert.equal(h, `${peer.nick}:good`);
        // Garbage closes the link; without any, every good message is heard.
        const good = inputs.filter((i) => i.includes('!sig good ')).length;
        if (inputs.every((i) => i.startsWith('{"type": 68'))) assert.equal(heard.length, good);
        link.close();
        theirs.destroy();
      },
    ),
    { numRuns: 60 },
  );
});

test('peer link: a handshake from the wrong nick or network is refused with a typed error', async () => {
  for (const [nick, network] of [
    [other.nick, 'signet'],
    [peer.nick, 'mainnet'],
  ] as const) {
    const [ours, theirs] = pair();
    const link = new PeerLink({
      stream: ours,
      identity: me,
      network: 'signet',
      location: 'NOT-SERVING-ONION',
      outbound: true,
      expectedNick: peer.nick,
    });
    theirs.write(handshake(nick, network));
    await assert.rejects(link.handshake(AbortSignal.timeout(1000)), {
      code: 'ERR_DIRECTORY_HANDSHAKE_REJECTED',
    });
    assert.equal(link.connected, false);
    theirs.destroy();
  }
  // Garbage instead of a handshake: the link closes, the wait ends.
  const [ours, theirs] = pair();
  const link = new PeerLink({
    stream: ours,
    identity: me,
    network: 'signet',
    location: 'NOT-SERVING-ONION',
    outbound: false,
  });
  theirs.write('not json at all\r\n');
  await assert.rejects(link.handshake(AbortSignal.timeout(1000)));
  theirs.destroy();
});
