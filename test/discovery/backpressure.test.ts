import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RpcConnection } from '../../src/discovery/rpc-connection.js';

// A Unix socket pair: the kernel buffers about 200 KB between the ends (loopback TCP buffers
// megabytes), so the server's own buffering shows within a few replies.
async function socketPair(t: { after: (fn: () => void) => void }): Promise<[net.Socket, net.Socket]> {
  const dir = mkdtempSync(join(tmpdir(), 'peerway-bp-'));
  const path = join(dir, 's');
  const server = net.createServer();
  server.listen(path);
  await once(server, 'listening');
  const accepted = once(server, 'connection') as Promise<[net.Socket]>;
  const client = net.connect(path);
  await once(client, 'connect');
  const [serverSide] = await accepted;
  t.after(() => {
    client.destroy();
    serverSide.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return [serverSide, client];
}

const REPLY = 'x'.repeat(15_000);
const request = (id: number): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'big' }) + '\n';

test('a peer that never reads stops being served once its replies back up, and stays connected', async (t) => {
  const [serverSide, client] = await socketPair(t);
  client.pause();
  let handled = 0;
  const rpc = new RpcConnection({
    socket: serverSide,
    handler: () => {
      handled++;
      return REPLY;
    },
  });
  let text = '';
  for (let i = 0; i < 2000; i++) text += request(i);
  client.write(text);
  await new Promise((r) => setTimeout(r, 1000));
  // About 200 KB sit in the kernel and 64 KB plus the requests in flight in our buffer.
  assert.ok(handled < 100, `${handled} of 2000 unread replies were made`);
  assert.equal(rpc.closed, false);
  assert.ok(rpc.stats.backpressure >= 1);
  // Once the peer reads, it is served again.
  let received = 0;
  client.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 0x0a) received++;
  });
  client.resume();
  const deadline = Date.now() + 10_000;
  while (received < 2000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(received, 2000);
  await rpc.close();
});

test('a reply that would take the unread output past the bound closes the connection', async (t) => {
  const [serverSide, client] = await socketPair(t);
  client.pause();
  const rpc = new RpcConnection({
    socket: serverSide,
    handler: () => REPLY,
    maxWriteBuffer: 100_000,
  });
  // One batch of 64 answers in one reply of about 1 MB.
  client.write(
    JSON.stringify(Array.from({ length: 64 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'big' }))) + '\n',
  );
  await Promise.race([rpc.finished, new Promise((r) => setTimeout(r, 5000))]);
  assert.equal(rpc.closed, true, 'closed instead of queueing the reply');
  assert.equal(rpc.stats.outputOverflow, 1);
});
