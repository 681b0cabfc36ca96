/**
 * peerway's drop-in for @libp2p/multistream-select inside a real js-libp2p node: a child process
 * whose module resolution maps the package to the drop-in (what npm `overrides` does) runs a node
 * with TCP, noise, yamux, ping and echo, against a stock node in this process. Connections are
 * upgraded and streams opened both ways, data flows, an unknown protocol is refused cleanly, and
 * the drop-in's own call counters prove it did every negotiation on its side.
 */
import '../helpers/libp2p-polyfill.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { multiaddr } from '@multiformats/multiaddr';
import * as stockMss from '@libp2p/multistream-select';
import { startNode } from '../helpers/libp2p-node.js';

const PEER = fileURLToPath(new URL('./multistream-libp2p-peer.ts', import.meta.url));
const ALIAS = fileURLToPath(new URL('../helpers/libp2p-alias.ts', import.meta.url));

type Message = Record<string, unknown> & { type: string };

/** Starts the drop-in peer and returns a way to talk to it. */
function startPeer(): {
  ask: (cmd: Record<string, unknown>, expect: string) => Promise<Message>;
  next: (expect: string) => Promise<Message>;
  kill: () => void;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', ALIAS, PEER], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (expect: string): Promise<Message> => {
    const deadline = AbortSignal.timeout(30_000);
    const line = await Promise.race([
      lines.next(),
      new Promise<never>((_, reject) =>
        deadline.addEventListener('abort', () => reject(new Error(`no ${expect} from the peer`))),
      ),
    ]);
    assert.ok(line.done !== true, `peer exited before ${expect}`);
    const message = JSON.parse(line.value) as Message;
    assert.equal(message.type, expect, `peer said ${line.value}`);
    return message;
  };
  return {
    next,
    ask: (cmd, expect) => {
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      return next(expect);
    },
    kill: () => child.kill('SIGKILL'),
  };
}

test('js-libp2p node aliased to the drop-in interoperates with a stock node, both directions', async () => {
  assert.equal(
    (stockMss as Record<string, unknown>)['dropInCalls'],
    undefined,
    'this process uses the stock module',
  );
  const stock = await startNode();
  const peer = startPeer();
  try {
    const ready = await peer.next('ready');
    assert.equal(ready['aliased'], true, 'the child resolved @libp2p/multistream-select to the drop-in');
    const before = (await peer.ask({ cmd: 'stats' }, 'stats'))['calls'] as { select: number; handle: number };
    assert.deepEqual(before, { select: 0, handle: 0 });

    // Drop-in dials stock: outbound upgrade, then ping, echo and a refused stream.
    const dialed = await peer.ask({ cmd: 'dial', addr: stock.getMultiaddrs()[0]!.toString() }, 'dialed');
    assert.equal(dialed['echoed'], 'hello from the drop-in');
    assert.equal(typeof dialed['rtt'], 'number');
    assert.equal(dialed['refused'], 'UnsupportedProtocolError');
    const afterDial = (await peer.ask({ cmd: 'stats' }, 'stats'))['calls'] as {
      select: number;
      handle: number;
    };
    // /noise on the connection (noise carries the muxer choice in its handshake extensions, so
    // yamux needs no multistream round), then one stream each for ping, echo and /nobody.
    assert.ok(
      afterDial.select >= 4,
      `drop-in select ran for every upgrade step and stream: ${afterDial.select}`,
    );

    // Stock dials the drop-in: inbound upgrade and inbound streams on the drop-in's side.
    const target = multiaddr(ready['addr'] as string);
    await stock.hangUp(target).catch(() => {});
    const signal = AbortSignal.timeout(20_000);
    const rtt = await stock.services.ping.ping(target, { signal });
    assert.ok(rtt >= 0, 'ping over a stream the drop-in answered');
    const echoed = await stock.services.echo.echo(target, new TextEncoder().encode('hello from stock'), {
      signal,
    });
    assert.equal(new TextDecoder().decode(echoed.subarray()), 'hello from stock');
    await assert.rejects(stock.dialProtocol(target, '/nobody/2.0.0', { signal }), (err: Error) => {
      assert.equal(err.name, 'UnsupportedProtocolError', String(err));
      return true;
    });
    const after = (await peer.ask({ cmd: 'stats' }, 'stats'))['calls'] as { select: number; handle: number };
    // /noise on the inbound connection, then ping, echo and the refused stream.
    assert.ok(
      after.handle >= 4,
      `drop-in handle ran for every inbound upgrade step and stream: ${after.handle}`,
    );
    await peer.ask({ cmd: 'stop' }, 'stopped');
  } finally {
    peer.kill();
    await stock.stop();
  }
});
