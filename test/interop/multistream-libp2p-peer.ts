/**
 * The drop-in side of the js-libp2p interop test, run as a child process with
 * `--import tsx --import test/helpers/libp2p-alias.ts`, so that every import of
 * `@libp2p/multistream-select` in this process (js-libp2p's upgrader and connections included)
 * resolves to peerway's drop-in. Talks JSON lines: prints `ready` with its address, then answers
 * `dial` (ping, echo and an unknown protocol against the given address), `stats` and `stop`.
 */
import '../helpers/libp2p-polyfill.js';
import { createInterface } from 'node:readline';
import { multiaddr } from '@multiformats/multiaddr';
import * as mss from '@libp2p/multistream-select';
import { startNode } from '../helpers/libp2p-node.js';

const dropIn = (mss as unknown as { dropInCalls?: { select: number; handle: number } }).dropInCalls;
const node = await startNode();

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

send({ type: 'ready', addr: node.getMultiaddrs()[0]!.toString(), aliased: dropIn !== undefined });

for await (const line of createInterface({ input: process.stdin })) {
  const command = JSON.parse(line) as { cmd: string; addr?: string };
  if (command.cmd === 'dial') {
    const target = multiaddr(command.addr);
    const signal = AbortSignal.timeout(20_000);
    const rtt = await node.services.ping.ping(target, { signal });
    const payload = new TextEncoder().encode('hello from the drop-in');
    const echoed = await node.services.echo.echo(target, payload, { signal });
    let refused = 'none';
    try {
      await node.dialProtocol(target, '/nobody/1.0.0', { signal });
    } catch (err) {
      refused = (err as Error).name;
    }
    send({
      type: 'dialed',
      rtt,
      echoed: new TextDecoder().decode(echoed.subarray()),
      refused,
    });
  } else if (command.cmd === 'stats') {
    send({ type: 'stats', calls: dropIn ?? null });
  } else if (command.cmd === 'stop') {
    await node.stop();
    send({ type: 'stopped' });
    break;
  }
}
process.exit(0);
