// neutrino_compat: the utxo form of !auth and !ioauth follows what both sides support, learnt from
// the maker's `features=` on !pubkey, over a real directory; and the codecs refuse garbage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import {
  formatIoauth,
  formatPubkeyMessage,
  ioauthFormFor,
  parseAuthRevelation,
  parseIoauth,
  parsePubkeyMessage,
  type AuthRevelation,
  type Ioauth,
  type UtxoForm,
} from '../../src/directory/market/index.js';
import { parseUtxo, formatUtxo } from '../../src/directory/market/utxo.js';
import { EncryptionSessions } from '../../src/directory/market/encryption-sessions.js';
import { EncryptionSession } from '../../src/directory/market/encryption.js';
import { QUICK_BOOK, startDirectories, startMaker, startTaker } from './market.js';

const TXID = 'ab'.repeat(32);
const SPK = '0014' + '11'.repeat(20);
const POINT = '02' + '33'.repeat(32);
const REVELATION: AuthRevelation = {
  utxo: { txid: TXID, vout: 1, scriptPubKey: SPK, height: 850_000 },
  P: POINT,
  P2: '03' + '44'.repeat(32),
  sig: '55'.repeat(32),
  e: '66'.repeat(32),
};
const IOAUTH: Ioauth = {
  utxos: [
    { txid: 'cd'.repeat(32), vout: 0, scriptPubKey: SPK, height: 849_999 },
    { txid: 'ef'.repeat(32), vout: 7, scriptPubKey: SPK, height: 850_001 },
  ],
  authPub: POINT,
  cjAddress: 'tb1qcoinjoinaddressxxxxxxxxxxxxxxxxxxxxx',
  changeAddress: 'tb1qchangeaddressxxxxxxxxxxxxxxxxxxxxxxx',
  btcSig: 'MEQCIA' + 'A'.repeat(88) + '==',
};
const code = (c: string) => (err: unknown) => isPeerwayError(err) && err.code === c;

for (const [takerNc, makerNc] of [
  [true, true],
  [true, false],
  [false, true],
  [false, false],
] as const) {
  const expected: UtxoForm = takerNc && makerNc ? 'extended' : 'legacy';
  test(`neutrino_compat: taker ${takerNc ? 'with' : 'without'}, maker ${makerNc ? 'with' : 'without'}: ${expected} utxos on the wire`, async () => {
    const dirs = await startDirectories(1);
    const maker = await startMaker(dirs, 0);
    const taker = await startTaker(dirs, { neutrinoCompat: takerNc });
    const sessions = new EncryptionSessions();
    const seen: { auth?: string; ioauth?: string } = {};
    maker.on('request', (r) => {
      if (r.command === 'fill') {
        const session = sessions.create(r.from, { counterpartyKeyHex: r.data.split(' ')[2]! });
        maker.reply(
          r.from,
          'pubkey',
          formatPubkeyMessage(session.publicKeyHex, makerNc ? ['neutrino_compat'] : []),
        );
      } else if (r.command === 'auth') {
        seen.auth = sessions.decrypt(r.from, r.data);
        const form = ioauthFormFor(parseAuthRevelation(seen.auth), makerNc);
        seen.ioauth = formatIoauth(IOAUTH, form);
        maker.reply(r.from, 'ioauth', sessions.encrypt(r.from, seen.ioauth));
      }
    });
    try {
      await taker.fetchOrderbook(QUICK_BOOK);
      const session = new EncryptionSession();
      await taker.sendPrivmsg(maker.nick, 'fill', `0 500000 ${session.publicKeyHex} Pcommitment`);
      const pubkey = (await taker.waitForResponses([maker.nick], '!pubkey', { timeout: 5000 })).get(
        maker.nick,
      );
      assert.ok(pubkey !== undefined && !pubkey.error, 'the maker answered !fill');
      session.setCounterpartyKey(parsePubkeyMessage(pubkey.data).naclPub);
      assert.equal(taker.neutrinoCompatWith(maker.nick), takerNc && makerNc, 'support learnt from !pubkey');
      assert.equal(taker.utxoFormWith(maker.nick), expected);

      await taker.sendPrivmsg(maker.nick, 'auth', session.encrypt(taker.formatAuth(maker.nick, REVELATION)));
      const decode = (_: string, data: string): string => session.decrypt(data);
      const reply = (await taker.waitForResponses([maker.nick], '!ioauth', { timeout: 5000, decode })).get(
        maker.nick,
      );
      assert.ok(reply !== undefined && !reply.error, 'the maker answered !auth');

      const authUtxo = seen.auth!.split('|')[0]!;
      assert.equal(authUtxo.split(':').length, expected === 'extended' ? 4 : 2, `!auth utxo ${authUtxo}`);
      const wireUtxos = seen.ioauth!.split(' ')[0]!.split(',');
      assert.ok(
        wireUtxos.every((u) => u.split(':').length === (expected === 'extended' ? 4 : 2)),
        `!ioauth utxos ${wireUtxos.join(',')} in the ${expected} form`,
      );
      const parsed = taker.readIoauth(maker.nick, reply.data);
      assert.equal(parsed.form, expected);
      assert.deepEqual(
        parsed.utxos,
        expected === 'extended' ? IOAUTH.utxos : IOAUTH.utxos.map(({ txid, vout }) => ({ txid, vout })),
      );
      // A maker answering in the other form than the one negotiated is refused.
      const other = formatIoauth(IOAUTH, expected === 'extended' ? 'legacy' : 'extended');
      assert.throws(() => taker.readIoauth(maker.nick, other), code(ErrorCodes.ORDERBOOK_UTXO_FORM_MISMATCH));
    } finally {
      await taker.stop();
      await maker.stop();
      for (const d of dirs) await d.stop();
    }
  });
}

test('neutrino_compat codecs: garbage and out-of-range fields are typed errors; what we write reads back', () => {
  for (const bad of [
    '',
    TXID,
    `${TXID}:`,
    `${TXID}:01`,
    `${TXID}:-1`,
    `${TXID}:4294967296`,
    `${'zz'.repeat(32)}:0`,
    `${TXID}:0:${SPK}`,
    `${TXID}:0:abc:5`,
    `${TXID}:0:${'00'.repeat(101)}:5`,
    `${TXID}:0:${SPK}:x`,
    `${TXID}:0:${SPK}:5:6`,
    'x'.repeat(10_000),
  ]) {
    assert.throws(
      () => parseUtxo(bad),
      code(ErrorCodes.ORDERBOOK_COINJOIN_INVALID),
      `utxo ${bad.slice(0, 90)}`,
    );
  }
  const extended = formatIoauth(IOAUTH, 'extended');
  const legacy = formatIoauth(IOAUTH, 'legacy');
  assert.deepEqual(parseIoauth(extended, { expect: 'extended' }).utxos, IOAUTH.utxos);
  const mixed = `${formatUtxo(IOAUTH.utxos[0]!, 'extended')},${formatUtxo(IOAUTH.utxos[1]!, 'legacy')} ${extended.split(' ').slice(1).join(' ')}`;
  const twice = `${TXID}:0,${TXID}:0 ${legacy.split(' ').slice(1).join(' ')}`;
  const many = `${Array.from({ length: 101 }, (_, i) => `${TXID}:${i}`).join(',')} ${legacy.split(' ').slice(1).join(' ')}`;
  for (const [name, text] of [
    ['mixed forms', mixed],
    ['a repeated outpoint', twice],
    ['101 utxos', many],
    ['four fields', legacy.split(' ').slice(0, 4).join(' ')],
    ['a bad key', legacy.replace(POINT, '04' + '33'.repeat(32))],
    ['a bad address', legacy.replace(IOAUTH.cjAddress, 'not an address!')],
    ['a huge payload', `${legacy} ${'A'.repeat(100_000)}`],
  ] as const) {
    assert.throws(() => parseIoauth(text), code(ErrorCodes.ORDERBOOK_COINJOIN_INVALID), name);
  }
  assert.throws(
    () => parseIoauth(legacy, { expect: 'extended' }),
    code(ErrorCodes.ORDERBOOK_UTXO_FORM_MISMATCH),
  );
  assert.throws(
    () => formatIoauth({ ...IOAUTH, utxos: [{ txid: TXID, vout: 0 }] }, 'extended'),
    code(ErrorCodes.INVALID_ARGUMENT),
    'the extended form needs a script and height',
  );
  assert.equal(ioauthFormFor({ form: 'extended' }, true), 'extended');
  assert.equal(ioauthFormFor({ form: 'extended' }, false), 'legacy');
  assert.equal(ioauthFormFor({ form: 'legacy' }, true), 'legacy');
  assert.deepEqual(
    parsePubkeyMessage(`${'77'.repeat(32)} features=neutrino_compat,push_encrypted,BAD!`).features,
    ['neutrino_compat', 'push_encrypted'],
  );
  assert.throws(() => parsePubkeyMessage('nothex features=x'), code(ErrorCodes.ORDERBOOK_COINJOIN_INVALID));
  assert.throws(
    () => parseAuthRevelation(`${TXID}:0|${POINT}|x|y|z`),
    code(ErrorCodes.ORDERBOOK_COINJOIN_INVALID),
  );
});
