import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { requireBinary } from '../helpers/binaries.js';
import { withElectrumDaemon } from '../helpers/electrum-daemon.js';
import {
  REGTEST_GENESIS_HASH,
  displayHex,
  hash256,
  meetsTarget,
  p2wshScript,
  sha256,
  parseTx,
  startElectrumRegtest,
  txid,
} from '../helpers/electrum-regtest/index.js';
import { merkleRoot } from '../helpers/electrum-regtest/tx.js';

const electrum = requireBinary('electrum');

/** A line-JSON client for the tests: request/response by id, notifications collected. */
async function connect(port: number): Promise<{
  call: (
    method: string,
    params?: unknown[],
  ) => Promise<{ result?: unknown; error?: { code: number; message: string } }>;
  raw: (line: string) => void;
  notes: { method: string; params: unknown[] }[];
  close: () => void;
}> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setEncoding('utf8');
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  const notes: { method: string; params: unknown[] }[] = [];
  let buf = '';
  socket.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>;
      buf = buf.slice(nl + 1);
      if (typeof m.method === 'string') notes.push({ method: m.method, params: m.params as unknown[] });
      else waiting.get(m.id as number)?.(m);
    }
  });
  let id = 0;
  return {
    call: (method, params = []) =>
      new Promise((resolve) => {
        const n = ++id;
        waiting.set(n, resolve);
        socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: n, method, params })}\n`);
      }),
    raw: (line) => socket.write(line),
    notes,
    close: () => socket.destroy(),
  };
}

test('the regtest chain is real: linked headers with valid proof of work, genesis hash, merkle roots', async () => {
  const server = await startElectrumRegtest({ blocks: 120 });
  try {
    const c = await connect(server.tcpPort);
    const v = await c.call('server.version', ['test', '1.4']);
    assert.deepEqual((v.result as string[])[1], '1.4', 'a plain "1.4" is answered exactly');
    const f = await c.call('server.features');
    assert.equal((f.result as Record<string, unknown>).genesis_hash, REGTEST_GENESIS_HASH);
    const tip = (await c.call('blockchain.headers.subscribe')).result as { height: number; hex: string };
    assert.equal(tip.height, 120);
    const hs = (await c.call('blockchain.block.headers', [0, 2016])).result as { count: number; hex: string };
    assert.equal(hs.count, 121);
    const raw = Buffer.from(hs.hex, 'hex');
    assert.equal(
      displayHex(hash256(raw.subarray(0, 80))),
      REGTEST_GENESIS_HASH,
      'the first header is the regtest genesis',
    );
    for (let h = 1; h <= 120; h++) {
      const header = raw.subarray(h * 80, h * 80 + 80);
      const prev = raw.subarray((h - 1) * 80, h * 80);
      assert.ok(hash256(prev).equals(header.subarray(4, 36)), `header ${h} links to its parent`);
      assert.ok(meetsTarget(header), `header ${h} meets the regtest target`);
      assert.equal(header.readUInt32LE(72), 0x207fffff, `header ${h} has regtest bits`);
    }
    assert.equal(raw.subarray(120 * 80).toString('hex'), tip.hex, 'the tip header matches headers.subscribe');
    const one = await c.call('blockchain.block.header', [57]);
    assert.equal(one.result, raw.subarray(57 * 80, 58 * 80).toString('hex'));
    // The merkle root in block 100's header covers its coinbase, fetched over the wire.
    const block = server.chain.block(100)!;
    const cbHex = (await c.call('blockchain.transaction.get', [block.txids[0]])).result as string;
    assert.equal(txid(parseTx(Buffer.from(cbHex, 'hex'))), block.txids[0]);
    assert.ok(
      merkleRoot([Buffer.from(block.txids[0]!, 'hex').reverse()]).equals(block.header.subarray(36, 68)),
      'merkle root',
    );
    const bad = await c.call('blockchain.block.header', [9999]);
    assert.equal(bad.error?.code, 1, 'a height above the tip is an error');
    c.close();
  } finally {
    await server.stop();
  }
});

test('an output with any script goes on chain and is found, fetched, proven and watched by script hash', async () => {
  const server = await startElectrumRegtest();
  try {
    const c = await connect(server.tcpPort);
    await c.call('server.version', ['test', ['1.4', '1.4.2']]);
    // A timelocked P2WSH like a fidelity bond: <locktime> OP_CLTV OP_DROP <33-byte key> OP_CHECKSIG.
    const witnessScript = Buffer.concat([
      Buffer.from([0x04, 0x80, 0x1d, 0x2c, 0x04, 0xb1, 0x75, 0x21]),
      Buffer.alloc(33, 2),
      Buffer.from([0xac]),
    ]);
    const script = p2wshScript(witnessScript);
    const sh = displayHex(sha256(script));
    assert.equal((await c.call('blockchain.scripthash.subscribe', [sh])).result, null, 'no history yet');
    const bond = server.chain.addOutput(script, 123_456_789n, { confirmations: 0 });
    assert.equal(bond.scripthash, sh);
    const pending = (await c.call('blockchain.scripthash.listunspent', [sh])).result as Record<
      string,
      unknown
    >[];
    assert.deepEqual(pending, [{ tx_hash: bond.txid, tx_pos: 0, height: 0, value: 123_456_789 }]);
    server.chain.mine(3);
    const utxos = (await c.call('blockchain.scripthash.listunspent', [sh])).result as Record<
      string,
      unknown
    >[];
    assert.equal(utxos.length, 1);
    assert.equal(utxos[0]!.height, server.chain.height - 2, 'mined in the first of the three blocks');
    const rawHex = (await c.call('blockchain.transaction.get', [bond.txid])).result as string;
    const tx = parseTx(Buffer.from(rawHex, 'hex'));
    assert.equal(txid(tx), bond.txid);
    assert.ok(tx.outputs[0]!.script.equals(script), 'the output carries the caller script');
    const proof = (await c.call('blockchain.transaction.get_merkle', [bond.txid, utxos[0]!.height]))
      .result as {
      merkle: string[];
      pos: number;
      block_height: number;
    };
    let node: Buffer = Buffer.from(bond.txid, 'hex').reverse();
    let pos = proof.pos;
    for (const sib of proof.merkle) {
      const s = Buffer.from(sib, 'hex').reverse();
      node = hash256(pos % 2 === 1 ? Buffer.concat([s, node]) : Buffer.concat([node, s]));
      pos >>= 1;
    }
    assert.ok(
      node.equals(server.chain.header(proof.block_height)!.subarray(36, 68)),
      'the merkle proof reaches the header',
    );
    const bal = (await c.call('blockchain.scripthash.get_balance', [sh])).result;
    assert.deepEqual(bal, { confirmed: 123_456_789, unconfirmed: 0 });
    const hist = (await c.call('blockchain.scripthash.get_history', [sh])).result as unknown[];
    assert.equal(hist.length, 1);
    const statusNotes = c.notes.filter((n) => n.method === 'blockchain.scripthash.subscribe');
    assert.ok(
      statusNotes.length >= 2,
      `status notified on mempool entry and on confirmation (${statusNotes.length})`,
    );
    // A double spend of the funding inputs is refused.
    const again = await c.call('blockchain.transaction.broadcast', [rawHex]);
    assert.equal(again.result, bond.txid, 'rebroadcasting a known transaction is idempotent');
    const garbage = await c.call('blockchain.transaction.broadcast', ['00']);
    assert.equal(garbage.error?.code, 1, 'garbage is rejected');
    c.close();
  } finally {
    await server.stop();
  }
});

test('garbage lines get errors, an over-long line is dropped, and the session goes on', async () => {
  const server = await startElectrumRegtest({ blocks: 1 });
  try {
    const c = await connect(server.tcpPort);
    c.raw('not json\n');
    c.raw(`${'x'.repeat(1_100_000)}\n`);
    const ok = await c.call('server.ping');
    assert.equal(ok.result, null);
    const unknown = await c.call('no.such.method');
    assert.equal(unknown.error?.code, -32601);
    const badArg = await c.call('blockchain.scripthash.listunspent', ['zz']);
    assert.equal(badArg.error?.code, -32602);
    c.close();
  } finally {
    await server.stop();
  }
});

test(
  'the real Electrum wallet connects to the regtest server over TLS and syncs its headers',
  { ...electrum, timeout: 120_000 },
  async () => {
    const server = await startElectrumRegtest({ ssl: true, blocks: 150 });
    try {
      const info = await withElectrumDaemon(`127.0.0.1:${server.sslPort}:s`, (daemon) =>
        daemon.waitForInfo((i) => i.connected === true && i.blockchain_height === 150, 90_000),
      );
      assert.ok(info, 'the daemon answered getinfo');
      assert.equal(info.connected, true, 'connected');
      assert.equal(info.server_height, 150, 'server height');
      assert.equal(info.blockchain_height, 150, 'the wallet verified and stored every header');
    } finally {
      await server.stop();
    }
  },
);
