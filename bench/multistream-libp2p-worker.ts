/**
 * Worker of bench/multistream.bench.ts: two js-libp2p nodes (TCP, noise, yamux, echo) in this
 * process, measured on request. Started either plainly (stock @libp2p/multistream-select) or with
 * `--import test/helpers/libp2p-alias.ts` (every negotiation through peerway's drop-in). Reads
 * JSON commands on stdin (`setup` or `streams`, with `seconds`) and prints one JSON line per
 * answer: `{ rate, calls }`, `calls` being the drop-in's counters (null for the stock module).
 */
import '../test/helpers/libp2p-polyfill.js';
import { createInterface } from 'node:readline';
import * as mss from '@libp2p/multistream-select';
import { startNode } from '../test/helpers/libp2p-node.js';

const calls = (mss as unknown as { dropInCalls?: { select: number; handle: number } }).dropInCalls ?? null;
const listener = await startNode({ unthrottled: true });
const dialer = await startNode({ unthrottled: true });
const target = listener.getMultiaddrs()[0]!;
const protocol = listener.services.echo.protocol;
const byte = new Uint8Array([1]);

/** Opens a stream for the echo protocol, sends one byte, reads it back and closes. */
async function roundTrip(connection: Awaited<ReturnType<typeof dialer.dial>>): Promise<void> {
  const stream = await connection.newStream(protocol, { signal: AbortSignal.timeout(10_000) });
  const echoed = new Promise<void>((resolve) =>
    stream.addEventListener('message', () => resolve(), { once: true }),
  );
  stream.send(byte);
  await echoed;
  await stream.close();
}

/** Runs `step` back to back for `seconds`; returns steps per second. */
async function rate(seconds: number, step: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 20; i++) await step();
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await step();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

let shared: Awaited<ReturnType<typeof dialer.dial>> | undefined;

for await (const line of createInterface({ input: process.stdin })) {
  const { cmd, seconds } = JSON.parse(line) as { cmd: string; seconds: number };
  let value = 0;
  if (cmd === 'setup') {
    // Dial (TCP), noise and yamux, then the first stream; closed again before the next.
    value = await rate(seconds, async () => {
      const connection = await dialer.dial(target, { force: true, signal: AbortSignal.timeout(10_000) });
      await roundTrip(connection);
      await connection.close();
    });
  } else if (cmd === 'streams') {
    shared ??= await dialer.dial(target, { signal: AbortSignal.timeout(10_000) });
    const connection = shared;
    value = await rate(seconds, () => roundTrip(connection));
  } else if (cmd === 'stop') {
    break;
  }
  process.stdout.write(`${JSON.stringify({ rate: value, calls })}\n`);
}
await Promise.all([dialer.stop(), listener.stop()]);
process.exit(0);
