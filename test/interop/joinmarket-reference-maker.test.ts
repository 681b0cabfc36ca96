/**
 * Replays a maker that ran the reference implementation's message channel code (recorded on
 * loopback, test/fixtures/joinmarket-live-reference-maker.json) against our directory and our
 * taker on real sockets: the taker, holding the nick key it had in the recording, must read the
 * maker's offers and its bond from the signed privmsg answer, byte for byte as the reference sent
 * it, and must drop a copy whose signed text was altered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { MultiDirectoryClient } from '../../src/directory/market/multi-directory-client.js';
import type { OrderbookEntry } from '../../src/directory/market/orderbook-collector.js';
import { DirectoryServer } from '../../src/directory/server/server.js';
import { NickIdentity } from '../../src/directory/wire/nick.js';
import { RawPeer } from '../directory/raw-peer.js';

interface Recording {
  network: 'signet';
  takerSecretHex: string;
  takerNick: string;
  makerNick: string;
  maker: string[];
  directoryToMaker: string[];
  expectedOffers: Array<Record<string, unknown>>;
  expectedBond: {
    certPubkey: string;
    certExpiry: number;
    utxoPubkey: string;
    txid: string;
    vout: number;
    locktime: number;
  };
}

const REC = JSON.parse(
  readFileSync(new URL('../fixtures/joinmarket-live-reference-maker.json', import.meta.url), 'utf8'),
) as Recording;

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** The recorded lines of one message type, in order. */
function sent(type: number): string[] {
  return REC.maker.filter((l) => (JSON.parse(l) as { type: number }).type === type);
}

/** The next line the maker's socket receives whose envelope matches, skipping others. */
async function nextOfType(peer: RawPeer, type: number, ms: number): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const line = await peer.next(Math.max(1, end - Date.now()));
    if ((JSON.parse(line) as { type: number }).type === type) return line;
  }
}

/**
 * Our directory, the recorded maker on a raw socket (handshake and public offers before the taker
 * joins, as in the recording), our taker with the recorded nick key; when the taker's `!orderbook`
 * reaches the maker's socket, `answer` is sent there. Returns the taker's book.
 */
async function replay(answer: string): Promise<OrderbookEntry[]> {
  const server = new DirectoryServer({ port: 0, network: REC.network });
  await server.start();
  const maker = await RawPeer.connect(server.address.port);
  const taker = new MultiDirectoryClient({
    directoryServers: [`127.0.0.1:${server.address.port}`],
    identity: NickIdentity.fromSecret(REC.takerSecretHex),
    network: REC.network,
    connectionTimeout: 20_000,
  });
  try {
    const [handshake] = sent(793);
    maker.send(handshake!);
    const reply = JSON.parse(await nextOfType(maker, 795, 10_000)) as { line: string };
    assert.equal(
      (JSON.parse(reply.line) as { accepted: boolean }).accepted,
      true,
      'our directory accepts the reference handshake',
    );
    maker.send(sent(687).join(''));
    // Barrier (not in the recording): our directory handles a connection's lines in order, so
    // once it answers this 791 the public offers went out, to nobody. Without it they could
    // still be in flight when the taker joins, and a public copy would mask a dropped answer.
    maker.send('{"type": 791, "line": ""}\r\n');
    await nextOfType(maker, 789, 10_000);

    await taker.start();
    assert.equal(taker.identity.nick, REC.takerNick, 'the taker has the nick of the recording');
    const book = taker.fetchOrderbook({ minWait: 1_500, quietPeriod: 1_000, timeout: 20_000 });
    const request = JSON.parse(await nextOfType(maker, 687, 15_000)) as { line: string };
    assert.equal(request.line, `${REC.takerNick}!PUBLIC!orderbook`, 'the taker asks as in the recording');
    maker.send(answer);
    const result = await book;
    return result.offers.filter((o) => o.counterparty === REC.makerNick);
  } finally {
    await taker.stop();
    maker.socket.destroy();
    await server.stop();
  }
}

test('our taker reads a reference maker through our directory: offers and bond from the signed answer', async () => {
  const [answer] = sent(685);
  const offers = await replay(answer!);
  assert.equal(offers.length, REC.expectedOffers.length, `offers of the reference maker: ${offers.length}`);
  for (const [i, want] of REC.expectedOffers.entries()) {
    const got = offers[i]!;
    const { type, oid, minsize, maxsize, txfee, cjfee } = got;
    assert.deepEqual({ type, oid, minsize, maxsize, txfee, cjfee }, want, `offer ${i}`);
    assert.ok(got.bond !== undefined, `offer ${i} carries the maker's bond`);
    const bond = got.bond;
    assert.equal(hex(bond.certPubkey), REC.expectedBond.certPubkey, 'bond cert pubkey');
    assert.equal(hex(bond.utxoPubkey), REC.expectedBond.utxoPubkey, 'bond utxo pubkey');
    assert.equal(bond.certExpiry, REC.expectedBond.certExpiry, 'bond cert expiry');
    assert.equal(bond.txid, REC.expectedBond.txid, 'bond txid, in the proof byte order');
    assert.equal(bond.vout, REC.expectedBond.vout, 'bond vout');
    assert.equal(bond.locktime, REC.expectedBond.locktime, 'bond locktime');
  }
});

test('our taker drops the reference answer once its signed text is altered', async () => {
  const [answer] = sent(685);
  const altered = answer!.replace('0.00025!', '0.00026!');
  assert.notEqual(altered, answer, 'the alteration applies to the recorded line');
  const offers = await replay(altered);
  assert.deepEqual(
    offers.map((o) => `${o.type} ${o.oid}`),
    [],
    'no offer of the maker survives a bad signature',
  );
});
