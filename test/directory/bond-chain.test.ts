import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { randomBytes } from 'node:crypto';
import { ErrorCodes, isPeerwayError } from '../../src/core/index.js';
import { ChainBondAssessor, checkBond } from '../../src/directory/market/bond-chain.js';
import { bondOutputScript, bondWitnessScript } from '../../src/directory/market/bond-script.js';
import { fidelityBondValue } from '../../src/directory/market/bond-value.js';
import type { FidelityBondProof } from '../../src/directory/market/fidelity-bond.js';
import { publicKeyOf } from '../../src/directory/wire/bitcoin-message.js';
import { ElectrumChain, electrumScriptHash, transactionOutput } from '../../src/node/electrum-chain.js';
import {
  fromDisplayHex,
  p2wshScript,
  scriptHash,
  serializeTx,
  startElectrumRegtest,
  type ElectrumRegtestServer,
} from '../helpers/electrum-regtest/index.js';

const YEAR = 365 * 24 * 3600;

function proofFor(
  utxoPubkey: Uint8Array,
  locktime: number,
  txid: string,
  vout: number,
  certExpiry = 52,
): FidelityBondProof {
  // The signatures are checked before a bond reaches the chain checks; these see only the fields.
  return {
    nickSignature: new Uint8Array(70),
    certSignature: new Uint8Array(70),
    certPubkey: publicKeyOf(randomBytes(32)),
    certExpiry,
    utxoPubkey,
    txid,
    vout,
    locktime,
  };
}

function chainOf(electrum: ElectrumRegtestServer): ElectrumChain {
  return new ElectrumChain({
    host: '127.0.0.1',
    port: electrum.tcpPort,
    transport: 'tcp',
    requestTimeout: 10_000,
  });
}

test('bond on chain: a real timelocked output is valid and valued; missing, spent, unconfirmed, mismatched and expired ones are not', async () => {
  const electrum = await startElectrumRegtest();
  const chain = chainOf(electrum);
  try {
    const key = publicKeyOf(randomBytes(32));
    const locktime = Math.floor(Date.now() / 1000) + 2 * YEAR;
    const witness = bondWitnessScript(key, locktime);
    assert.deepEqual(
      p2wshScript(witness),
      bondOutputScript(key, locktime),
      'our P2WSH agrees with the helper',
    );
    assert.equal(
      electrumScriptHash(bondOutputScript(key, locktime)),
      scriptHash(bondOutputScript(key, locktime)),
    );
    const bond = electrum.chain.addOutput(p2wshScript(witness), 100_000_000n, { confirmations: 3 });
    const tip = await chain.tip();
    assert.equal(tip.height, electrum.chain.height);
    assert.ok(tip.medianTime > 1_600_000_000, 'median time past from real headers');

    const good = await checkBond(proofFor(key, locktime, bond.txid, bond.vout), chain, tip);
    assert.equal(good.status, 'valid', JSON.stringify(good));
    assert.equal(good.amount, 100_000_000);
    assert.equal(good.confirmations, 3);
    assert.equal(good.script, bondOutputScript(key, locktime).toString('hex'));
    const confTime = electrum.chain.header(bond.height)!.readUInt32LE(68);
    assert.equal(good.confirmationTime, confTime);
    assert.equal(
      good.value,
      fidelityBondValue({
        utxoValue: 100_000_000,
        confirmationTime: confTime,
        locktime,
        currentTime: tip.medianTime,
      }),
    );
    assert.ok(good.value > 0, 'a two-year lock has value');

    const missing = await checkBond(proofFor(key, locktime, randomBytes(32).toString('hex'), 0), chain, tip);
    assert.deepEqual([missing.status, missing.reason], ['invalid', 'utxo-missing']);
    const noSuchOutput = await checkBond(proofFor(key, locktime, bond.txid, 7), chain, tip);
    assert.equal(noSuchOutput.reason, 'utxo-missing');

    // The proof names another locktime than the output pays to.
    const mismatch = await checkBond(proofFor(key, locktime + 1, bond.txid, bond.vout), chain, tip);
    assert.deepEqual([mismatch.status, mismatch.reason], ['invalid', 'script-mismatch']);
    assert.equal(mismatch.amount, 100_000_000, 'the output was found, under another script');

    const expired = await checkBond(proofFor(key, locktime, bond.txid, bond.vout, 0), chain, tip);
    assert.equal(expired.reason, 'cert-expired');

    const pendingKey = publicKeyOf(randomBytes(32));
    const pending = electrum.chain.addOutput(p2wshScript(bondWitnessScript(pendingKey, locktime)), 50_000n, {
      confirmations: 0,
    });
    const unconfirmed = await checkBond(
      proofFor(pendingKey, locktime, pending.txid, pending.vout),
      chain,
      tip,
    );
    assert.equal(unconfirmed.reason, 'unconfirmed');

    // Spend the bond output and mine: now it is spent.
    electrum.chain.submit(
      serializeTx({
        version: 2,
        inputs: [
          {
            prevTxid: fromDisplayHex(bond.txid),
            prevVout: bond.vout,
            scriptSig: Buffer.alloc(0),
            sequence: 0xfffffffe,
            witness: [Buffer.alloc(72), witness],
          },
        ],
        outputs: [{ value: 99_990_000n, script: Buffer.from([0x51]) }],
        locktime,
      }),
    );
    electrum.chain.mine(1);
    const later = await chain.tip();
    const spent = await checkBond(proofFor(key, locktime, bond.txid, bond.vout), chain, later);
    assert.deepEqual([spent.status, spent.reason], ['invalid', 'utxo-spent']);
  } finally {
    await chain.close();
    await electrum.stop();
  }
});

test('bond on chain: the assessor gives one outpoint to the first maker only and marks server failures per bond', async () => {
  const electrum = await startElectrumRegtest();
  const chain = chainOf(electrum);
  try {
    const key = publicKeyOf(randomBytes(32));
    const locktime = Math.floor(Date.now() / 1000) + YEAR;
    const bond = electrum.chain.addOutput(p2wshScript(bondWitnessScript(key, locktime)), 20_000_000n);
    const proof = proofFor(key, locktime, bond.txid, bond.vout);
    const assessor = new ChainBondAssessor({ chain });
    const [first, second, fake] = await assessor.assess([
      { counterparty: 'J5aaaaaaaaaaaaaa', proof },
      { counterparty: 'J5bbbbbbbbbbbbbb', proof },
      {
        counterparty: 'J5cccccccccccccc',
        proof: proofFor(key, locktime, randomBytes(32).toString('hex'), 1),
      },
    ]);
    assert.equal(first!.status, 'valid');
    assert.deepEqual([second!.status, second!.reason, second!.value], ['invalid', 'duplicate-utxo', 0]);
    assert.equal(fake!.reason, 'utxo-missing');
  } finally {
    await chain.close();
    await electrum.stop();
  }
});

/** A server that speaks Electrum's version handshake and then answers everything with junk. */
async function junkServer(answer: unknown): Promise<Server> {
  const server = createServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      let nl;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const req = JSON.parse(buffered.slice(0, nl)) as { id: number; method: string };
        buffered = buffered.slice(nl + 1);
        const result = req.method === 'server.version' ? ['junk 1.0', '1.4'] : answer;
        socket.write(JSON.stringify({ jsonrpc: '2.0', id: req.id, result }) + '\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

test('bond on chain: malformed server replies are typed errors, and the assessor turns them into chain-error', async () => {
  for (const answer of [{ height: -1 }, 'nothing', [{ tx_hash: 1, tx_pos: 'x' }], { height: 5, hex: 'zz' }]) {
    const server = await junkServer(answer);
    const port = (server.address() as { port: number }).port;
    const chain = new ElectrumChain({ host: '127.0.0.1', port, transport: 'tcp', requestTimeout: 5000 });
    try {
      await assert.rejects(chain.tip(), (err) => isPeerwayError(err, ErrorCodes.ORDERBOOK_CHAIN_BAD_REPLY));
      await assert.rejects(
        chain.lookupOutput({ txid: '00'.repeat(32), vout: 0 }, Buffer.from([0x51])),
        (err) => isPeerwayError(err, ErrorCodes.ORDERBOOK_CHAIN_BAD_REPLY),
      );
      const tip = { height: 10, medianTime: 1_700_000_000 };
      const fixed = {
        tip: () => Promise.resolve(tip),
        lookupOutput: chain.lookupOutput.bind(chain),
        blockTime: chain.blockTime.bind(chain),
      };
      const [result] = await new ChainBondAssessor({ chain: fixed }).assess([
        {
          counterparty: 'J5aaaaaaaaaaaaaa',
          proof: proofFor(publicKeyOf(randomBytes(32)), 1, '00'.repeat(32), 0),
        },
      ]);
      assert.equal(result!.reason, 'chain-error');
    } finally {
      await chain.close();
      await new Promise((resolve) => server.close(resolve));
    }
  }
});

test('electrum chain: the raw transaction reader keeps to its bounds', () => {
  assert.throws(
    () => transactionOutput('0x', 0),
    (err) => isPeerwayError(err, ErrorCodes.ORDERBOOK_CHAIN_BAD_REPLY),
  );
  assert.throws(
    () => transactionOutput('02000000ff', 0),
    (err) => isPeerwayError(err, ErrorCodes.ORDERBOOK_CHAIN_BAD_REPLY),
  );
  // One input with a claimed huge script length.
  assert.throws(
    () => transactionOutput('0200000001' + '00'.repeat(36) + 'fdffff', 0),
    (err) => isPeerwayError(err, ErrorCodes.ORDERBOOK_CHAIN_BAD_REPLY),
  );
  const tx = serializeTx({
    version: 2,
    inputs: [
      {
        prevTxid: Buffer.alloc(32, 1),
        prevVout: 0,
        scriptSig: Buffer.alloc(0),
        sequence: 0,
        witness: [Buffer.from([1, 2])],
      },
    ],
    outputs: [
      { value: 5n, script: Buffer.from([0x51]) },
      { value: 7n, script: Buffer.from([0x00, 0x14, ...Buffer.alloc(20, 9)]) },
    ],
    locktime: 0,
  }).toString('hex');
  assert.deepEqual(transactionOutput(tx, 1), { value: 7, script: '0014' + '09'.repeat(20) });
  assert.equal(transactionOutput(tx, 2), undefined);
});
