/**
 * Replays a client that ran the reference implementation's message channel and orderbook code
 * (recorded on loopback, test/fixtures/joinmarket-live-reference-client.json) against our
 * directory and our maker on real sockets. In the recording the reference accepted our
 * directory's handshake reply and stored our maker's answer as offers and a bond; here the same
 * requests, byte for byte, must get a reply with every field the reference client requires and an
 * answer spelled exactly like the one it stored (apart from keys, signatures and nicks), which
 * read the way the reference reads it gives the same rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseBondProof } from '../../src/directory/market/fidelity-bond.js';
import { MakerClient } from '../../src/directory/market/maker-client.js';
import { parseOffer } from '../../src/directory/market/offer.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { verifyBitcoinMessage } from '../../src/directory/wire/message-signature.js';
import { NickIdentity, nickFromPublicKey } from '../../src/directory/wire/nick.js';
import { bondCertificate } from '../directory/market.js';
import { RawPeer } from '../directory/raw-peer.js';

interface Row {
  counterparty: string;
  oid: number;
  ordertype: string;
  minsize: number;
  maxsize: number;
  txfee: number;
  cjfee: string;
}
interface Recording {
  network: 'signet';
  clientNick: string;
  ourMakerNick: string;
  client: string[];
  received: string[];
  parsed: { offers: Row[]; fidelitybonds: Array<{ counterparty: string; takernick: string; proof: string }> };
  bondChecks: string[];
}

const REC = JSON.parse(
  readFileSync(new URL('../fixtures/joinmarket-live-reference-client.json', import.meta.url), 'utf8'),
) as Recording;
const OFFER_NAMES = ['sw0reloffer', 'sw0absoffer', 'swreloffer', 'swabsoffer', 'reloffer', 'absoffer'];

const envelope = (text: string): { type: number; line: string } =>
  JSON.parse(text) as { type: number; line: string };

/** A 685 line with nicks, bond proof, key and signature replaced by placeholders. */
function shape(text: string, maker: string): string {
  return text
    .replaceAll(maker, 'MAKER')
    .replaceAll(REC.clientNick, 'CLIENT')
    .replace(/!tbond [A-Za-z0-9+/=]+ [0-9a-f]{66} [A-Za-z0-9+/=]+"/, '!tbond PROOF PUB SIG"');
}

/**
 * Reads a privmsg as the reference client does (message_channel.on_privmsg, the signature and
 * nick-hash check, then on_verified_privmsg / check_for_orders / check_for_fidelity_bond): the
 * rows it would store, or a reason it would ignore the message.
 */
function readAsReference(line: string): { rows: Row[]; proof: string | undefined } | string {
  const [from = '', to, ...rest] = line.split('!');
  if (to !== REC.clientNick) return 'not for the client';
  const message = '!' + rest.join('!');
  const words = message.slice(1).split(' ');
  if (words.length < 4) return 'no signature';
  const [pub, sig] = words.slice(-2) as [string, string];
  const raw = words.slice(1, -2).join(' ');
  if (!verifyBitcoinMessage(raw + 'onion-network', sig, Buffer.from(pub, 'hex'))) return 'bad signature';
  if (nickFromPublicKey(pub) !== from) return 'nick is not the key hash';
  const rows: Row[] = [];
  let proof: string | undefined;
  for (const command of words.slice(0, -2).join(' ').split('!')) {
    const chunks = command.split(' ');
    if (OFFER_NAMES.includes(chunks[0]!) && chunks.length >= 6) {
      const [ordertype, oid, minsize, maxsize, txfee, cjfee] = chunks as [string, ...string[]];
      rows.push({
        counterparty: from,
        oid: Number(oid),
        ordertype,
        minsize: Number(minsize),
        maxsize: Number(maxsize),
        txfee: Number(txfee),
        cjfee: cjfee!,
      });
    } else if (chunks[0] === 'tbond') proof = chunks[1];
  }
  return { rows, proof };
}

test('our directory and maker answer the reference client as it accepted in the recording', async () => {
  const server = new DirectoryServer({ port: 0, network: REC.network });
  await server.start();
  const identity = NickIdentity.generate();
  const recordedRows = REC.parsed.offers.filter((o) => o.counterparty === REC.ourMakerNick);
  const maker = new MakerClient({
    directoryServers: [`127.0.0.1:${server.address.port}`],
    identity,
    network: REC.network,
    offers: recordedRows.map((r) =>
      parseOffer(`${r.ordertype} ${r.oid} ${r.minsize} ${r.maxsize} ${r.txfee} ${r.cjfee}`),
    ),
    bond: bondCertificate(),
  });
  const client = await RawPeer.connect(server.address.port);
  try {
    await maker.start();
    const [handshake, request] = REC.client as [string, string];
    client.send(handshake);
    const reply = envelope(await client.next(10_000));
    assert.equal(reply.type, 795, 'a directory handshake reply');
    const hs = JSON.parse(reply.line) as Record<string, unknown>;
    for (const key of [
      'app-name',
      'directory',
      'proto-ver-min',
      'proto-ver-max',
      'features',
      'accepted',
      'nick',
      'network',
    ])
      assert.ok(key in hs, `the reply has ${key}, which the reference client requires`);
    assert.equal(hs['app-name'], 'joinmarket', 'app-name');
    assert.equal(hs['directory'], true, 'directory');
    assert.ok(Number(hs['proto-ver-min']) <= 5 && Number(hs['proto-ver-max']) >= 5, 'protocol 5 in range');
    assert.equal(hs['accepted'], true, 'accepted');
    assert.equal(hs['network'], REC.network, 'network');

    client.send(request);
    let answer: string | undefined;
    const end = Date.now() + 15_000;
    while (answer === undefined && Date.now() < end) {
      const text = await client.next(Math.max(1, end - Date.now()));
      const env = envelope(text);
      if (env.type === 685 && env.line.startsWith(`${identity.nick}!`)) answer = text;
    }
    assert.ok(answer !== undefined, 'our maker answered the recorded !orderbook');

    const recorded = REC.received.find((t) => envelope(t).line.startsWith(`${REC.ourMakerNick}!`));
    assert.ok(recorded !== undefined, 'the recording holds the answer the reference stored');
    assert.equal(
      shape(answer, identity.nick),
      shape(recorded, REC.ourMakerNick),
      'spelled as the answer the reference client stored',
    );

    const read = readAsReference(envelope(answer).line);
    assert.ok(typeof read !== 'string', `the reference would keep the answer: ${JSON.stringify(read)}`);
    assert.deepEqual(
      read.rows,
      recordedRows.map((r) => ({ ...r, counterparty: identity.nick })),
      'the rows the reference stored in the recording',
    );
    assert.ok(read.proof !== undefined, 'a bond proof');
    const proof = parseBondProof(read.proof, { takerNick: REC.clientNick, makerNick: identity.nick });
    assert.equal(proof.certExpiry, 52, 'the proof is bound to the client and verifies');
  } finally {
    client.socket.destroy();
    await maker.stop();
    await server.stop();
  }
});
