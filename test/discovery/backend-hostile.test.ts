import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { startElectrumRegtest } from '../helpers/electrum-regtest/index.js';
import { LineClient, makeNode } from './harness.js';

test(
  'backend mode under attack: a client that never reads cannot push unbounded work to the backend; many sessions from one address cannot open unbounded backend sessions; an honest client is served throughout',
  { timeout: 90_000 },
  async () => {
    const backend = await startElectrumRegtest({ blocks: 600 });
    const node = makeNode({ backend: backend.tcpUrl, privateNetwork: true, schedule: { tickMs: 60_000 } });
    await node.start();
    const sockets: net.Socket[] = [];
    try {
      // Attacker 1: asks for 2,000 big header chunks and never reads a byte of the answers.
      const flood = net.connect(node.tcpPort!, '127.0.0.1');
      sockets.push(flood);
      await once(flood, 'connect');
      flood.pause();
      flood.write(
        JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['x', '1.4'], id: 0 }) + '\n',
      );
      let text = '';
      for (let i = 1; i <= 2000; i++) {
        text +=
          JSON.stringify({ jsonrpc: '2.0', method: 'blockchain.block.headers', params: [0, 600], id: i }) +
          '\n';
      }
      flood.write(text);
      // Attacker 2: 40 sessions from one address, each asking something that opens a backend session.
      for (let i = 0; i < 40; i++) {
        const s = net.connect(node.tcpPort!, '127.0.0.1');
        sockets.push(s);
        s.on('error', () => {});
        s.on('connect', () => {
          s.write(
            JSON.stringify({ jsonrpc: '2.0', method: 'server.version', params: ['y', '1.4'], id: 0 }) + '\n',
          );
          s.write(
            JSON.stringify({ jsonrpc: '2.0', method: 'blockchain.headers.subscribe', params: [], id: 1 }) +
              '\n',
          );
        });
      }
      await new Promise((r) => setTimeout(r, 3000));
      // The honest client, from another address, beside both.
      const honest = await LineClient.connect(node.tcpPort!, '127.0.0.1', '127.0.0.2');
      await honest.call('server.version', ['honest', '1.4']);
      const started = Date.now();
      for (let i = 0; i < 20; i++) {
        const r = await honest.call('blockchain.block.header', [i * 10], i + 10);
        assert.equal(r.result, backend.chain.header(i * 10)!.toString('hex'), `answer ${i}`);
      }
      const took = Date.now() - started;
      assert.ok(took < 20_000, `the honest client was answered (20 requests in ${took} ms)`);
      const fromFlood = backend.requests.filter((r) => r.method === 'blockchain.block.headers').length;
      assert.ok(
        fromFlood < 500,
        `the non-reading client's requests were held back (${fromFlood} of 2,000 reached the backend)`,
      );
      // The monitor, the honest client's session and at most 16 per source (the node's limit).
      assert.ok(backend.sessions <= 1 + 1 + 16, `backend sessions bounded: ${backend.sessions}`);
      honest.close();
    } finally {
      for (const s of sockets) s.destroy();
      await node.stop();
      await backend.stop();
    }
  },
);
