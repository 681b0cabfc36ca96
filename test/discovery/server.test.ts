import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineClient, makeNode, REGTEST_GENESIS } from './harness.js';
import { RpcServer } from '../../src/discovery/rpc-server.js';
import { RpcError } from '../../src/discovery/rpc-error.js';

async function withNode(
  fn: (client: LineClient, node: ReturnType<typeof makeNode>) => Promise<void>,
  init: Parameters<typeof makeNode>[0] = {},
): Promise<void> {
  const node = makeNode(init);
  await node.start();
  const client = await LineClient.connect(node.tcpPort!);
  try {
    await fn(client, node);
  } finally {
    client.close();
    await node.stop();
  }
}

test('server.version negotiation follows ElectrumX (a plain "1.4" gets exactly "1.4")', async () => {
  const cases: Array<[unknown, string | null]> = [
    ['1.4', '1.4'],
    [['1.4', '1.4.2'], '1.4.2'],
    [['1.2', '1.6'], '1.4.2'],
    [['1.4', '1.4.1'], '1.4.1'],
    [undefined, '1.4'],
    [['1.7', '1.8'], null],
    ['1.3', null],
    ['garbage', null],
    [['1.4'], null],
  ];
  for (const [requested, expected] of cases) {
    await withNode(async (client) => {
      const params = requested === undefined ? ['x'] : ['x', requested];
      const reply = await client.call('server.version', params);
      if (expected === null) {
        assert.equal(reply.error.code, 1, JSON.stringify(requested));
        assert.match(reply.error.message, /unsupported protocol version/);
        assert.equal(await client.closedWithin(1000), true, 'a refusal disconnects');
      } else {
        assert.deepEqual(reply.result, ['peerway-discovery 0.1', expected], JSON.stringify(requested));
      }
    });
  }
});

test('a second server.version is refused; the connection stays', async () => {
  await withNode(async (client) => {
    assert.ok((await client.call('server.version', ['x', '1.4'])).result);
    const again = await client.call('server.version', ['x', '1.4'], 2);
    assert.equal(again.error.code, 1);
    assert.match(again.error.message, /already sent/);
    assert.equal((await client.call('server.ping', [], 3)).result, null);
  });
});

test('anything before server.version is refused and disconnected when required', async () => {
  await withNode(async (client) => {
    const reply = await client.call('server.features');
    assert.equal(reply.error.code, 1);
    assert.match(reply.error.message, /use server.version/);
    assert.equal(await client.closedWithin(1000), true);
  });
  await withNode(
    async (client) => {
      const reply = await client.call('server.features');
      assert.equal(reply.result.genesis_hash, REGTEST_GENESIS);
    },
    { requireVersionFirst: false },
  );
});

test('client name is capped, named params work, a non-string name is refused', async () => {
  await withNode(async (client) => {
    client.send({
      jsonrpc: '2.0',
      method: 'server.version',
      params: { client_name: 'n'.repeat(500), protocol_version: ['1.4', '1.4.2'] },
      id: 'a',
    });
    const reply = await client.next();
    assert.deepEqual(reply, { jsonrpc: '2.0', result: ['peerway-discovery 0.1', '1.4.2'], id: 'a' });
  });
  await withNode(async (client) => {
    const reply = await client.call('server.version', [42, '1.4']);
    assert.equal(reply.error.code, 1);
  });
});

test('features, peers.subscribe and ping answer in the documented shapes', async () => {
  await withNode(
    async (client, node) => {
      await client.call('server.version', ['x', '1.4']);
      const f = (await client.call('server.features', [], 2)).result;
      assert.deepEqual(f.hosts, { 'node.example.org': { tcp_port: node.tcpPort, ssl_port: null } });
      assert.equal(f.genesis_hash, REGTEST_GENESIS);
      assert.equal(f.hash_function, 'sha256');
      assert.equal(f.protocol_min, '1.4');
      assert.equal(f.protocol_max, '1.4.2');
      assert.equal(f.pruning, null);
      assert.equal(typeof f.server_version, 'string');
      assert.deepEqual(f.services, [`tcp://node.example.org:${node.tcpPort}`]);
      assert.deepEqual((await client.call('server.peers.subscribe', [], 3)).result, []);
      assert.deepEqual(await client.call('server.ping', [], 4), { jsonrpc: '2.0', result: null, id: 4 });
    },
    { reportedHosts: ['node.example.org'] },
  );
});

test('bad input: invalid JSON, wrong jsonrpc, unknown method, bad params, empty batch', async () => {
  await withNode(async (client) => {
    await client.call('server.version', ['x', '1.4']);
    client.write('{not json\n');
    assert.deepEqual((await client.next()).error.code, -32700);
    client.send({ method: 'server.ping', params: [], id: 7 });
    const noVersion = await client.next();
    assert.equal(noVersion.error.code, -32600);
    assert.equal(noVersion.id, 7);
    assert.equal((await client.call('no.such', [], 8)).error.code, -32601);
    client.send({ jsonrpc: '2.0', method: 'server.ping', params: 5, id: 9 });
    assert.equal((await client.next()).error.code, -32602);
    client.write('[]\n');
    assert.equal((await client.next()).error.code, -32600);
    client.write('"just a string"\n');
    assert.equal((await client.next()).error.code, -32600);
    assert.equal((await client.call('server.ping', [], 10)).result, null, 'still serving');
  });
});

test('batches, padding before the closing bracket, and several messages in one write', async () => {
  await withNode(async (client) => {
    await client.call('server.version', ['x', '1.4']);
    client.write(
      '[{"jsonrpc":"2.0","method":"server.ping","id":10},{"jsonrpc":"2.0","method":"server.ping"},' +
        '{"jsonrpc":"2.0","method":"server.features","id":11}          ]\n',
    );
    const batch = await client.next();
    assert.ok(Array.isArray(batch));
    assert.deepEqual(
      batch.map((r: { id: number }) => r.id),
      [10, 11],
      'the notification gets no entry',
    );
    client.write(
      '{"jsonrpc":"2.0","method":"server.ping","id":12' +
        ' '.repeat(900) +
        '}\n{"jsonrpc":"2.0","method":"server.ping","id":13}\r\n',
    );
    assert.equal((await client.next()).id, 12);
    assert.equal((await client.next()).id, 13);
    client.write('{"jsonrpc":"2.0","method":"server.ping","id":14}\n'.slice(0, 20));
    await new Promise((r) => setTimeout(r, 30));
    client.write('{"jsonrpc":"2.0","method":"server.ping","id":14}\n'.slice(20));
    assert.equal((await client.next()).id, 14, 'a message split over writes');
  });
});

test('an oversized line is dropped and counted; the connection keeps working', async () => {
  await withNode(
    async (client, node) => {
      await client.call('server.version', ['x', '1.4']);
      client.write('{"jsonrpc":"2.0","method":"server.ping","id":1,"pad":"' + 'x'.repeat(5000) + '"}\n');
      assert.equal((await client.call('server.ping', [], 2)).id, 2);
      assert.equal((node.stats.rpc as Record<string, number>).oversize, 1);
    },
    { limits: { maxLine: 1000 } },
  );
});

test('idle sessions are closed', async () => {
  await withNode(
    async (client) => {
      assert.equal(await client.closedWithin(2000), true);
    },
    { limits: { idleTimeout: 150 } },
  );
});

test('a slow handler is answered with -102 and requests in flight are capped per connection', async () => {
  let running = 0;
  let peak = 0;
  const server = new RpcServer({
    handler: async (req) => {
      if (req.method === 'slow') await new Promise((r) => setTimeout(r, 1000));
      if (req.method === 'work') {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        return 'done';
      }
      if (req.method === 'refuse') throw new RpcError(1, 'no', true);
      return null;
    },
    limits: { handlerTimeout: 100, maxInFlight: 3 },
  });
  await server.start();
  const client = await LineClient.connect(server.tcpPort!);
  try {
    const slow = await client.call('slow');
    assert.equal(slow.error.code, -102);
    let text = '';
    for (let i = 0; i < 20; i++) text += JSON.stringify({ jsonrpc: '2.0', method: 'work', id: i }) + '\n';
    client.write(text);
    const ids = new Set<number>();
    for (let i = 0; i < 20; i++) ids.add((await client.next()).id as number);
    assert.equal(ids.size, 20);
    assert.equal(peak, 3, 'never more than maxInFlight at once');
    const refused = await client.call('refuse', [], 99);
    assert.equal(refused.error.code, 1);
    assert.equal(await client.closedWithin(1000), true);
  } finally {
    client.close();
    await server.stop();
    await server.stop();
  }
});

test('TLS listener serves the same methods', async () => {
  const { ElectrumClient } = await import('../../src/discovery/electrum-client.js');
  const node = makeNode({ sslPort: 0, tcpPort: null });
  await node.start();
  try {
    const client = await ElectrumClient.connect({ host: '127.0.0.1', port: node.sslPort!, transport: 'ssl' });
    try {
      assert.deepEqual(await client.version(), ['peerway-discovery 0.1', '1.4.2']);
      const f = (await client.features()) as { hosts: Record<string, unknown> };
      assert.deepEqual(f.hosts, { '127.0.0.1': { tcp_port: null, ssl_port: node.sslPort } });
    } finally {
      await client.close();
    }
  } finally {
    await node.stop();
  }
});

test('a node starts once and stops once: concurrent starts share one bind, stop returns one promise', async () => {
  const node = makeNode({ sslPort: 0 });
  const a = node.start();
  assert.equal(node.start(), a);
  await a;
  assert.ok(node.tcpPort !== null && node.sslPort !== null);
  const client = await LineClient.connect(node.tcpPort);
  const stopped = node.stop();
  assert.equal(node.stop(), stopped);
  await stopped;
  assert.equal(await client.closedWithin(1000), true, 'stop ends open sessions');
  await assert.rejects(node.start(), { code: 'ERR_CLOSED' });
});
