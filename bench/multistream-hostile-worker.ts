/**
 * Child processes for bench/hostile-multistream.bench.ts, forked with tsx and driven over IPC.
 *
 * - `listener`: a Multiselect listener on 127.0.0.1:0 (an echo protocol and eight others), alone
 *   in its process so that its RSS is the listener's; it samples its own RSS peak.
 * - `attacker`: opens attacking connections against a port for a given time and reports how many
 *   the listener closed; run apart from the honest client so the attack's own work does not slow
 *   the client being measured.
 */
import net from 'node:net';
import { Multiselect, type ProtocolHandler } from '../src/multistream/index.js';
import { encodeMessage as encodeBytes } from '../src/multistream/frames.js';

/** One multistream message as a Buffer. */
const encodeMessage = (text: string | Uint8Array): Buffer => Buffer.from(encodeBytes(text));

export type AttackKind = 'ls-flood' | 'na-rounds';

export type Command =
  | { cmd: 'listen' }
  | { cmd: 'mark' }
  | { cmd: 'sample' }
  | {
      cmd: 'attack';
      kind: AttackKind;
      /** Requests (`ls`) or proposals (`na` rounds) each connection sends at once. */
      perConnection: number;
      port: number;
      ms: number;
      loops: number;
      maxConnections: number;
    };

/** How long an attacker waits for the listener to close a connection before giving up on it. */
const CLOSE_WAIT_MS = 3000;
/** How often a waiting attacker writes again (a paused socket learns of a reset only by writing). */
const POLL_MS = 20;
const LS = encodeMessage('ls');

const gc = (globalThis as { gc?: () => void }).gc;
const reply = (message: unknown): void => void process.send!(message);

// ---- listener
let peak = 0;
let mss: Multiselect | undefined;

function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

async function listen(): Promise<number> {
  const handlers: Record<string, ProtocolHandler> = {};
  for (let i = 0; i < 8; i++) handlers[`/app/feature-${i}/1.0.0`] = (s) => void s.destroy();
  handlers['/echo/1.0.0'] = (s) => void s.pipe(s);
  mss = new Multiselect({ handlers });
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on('error', () => {});
    mss!.handle(socket).catch(() => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  setInterval(() => (peak = Math.max(peak, rssMb())), 10);
  return (server.address() as net.AddressInfo).port;
}

async function settledRss(): Promise<number> {
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  return rssMb();
}

// ---- attacker
function payload(kind: AttackKind, count: number): Buffer {
  const header = encodeMessage('/multistream/1.0.0');
  if (kind === 'ls-flood') return Buffer.concat([header, ...Array<Buffer>(count).fill(LS)]);
  return Buffer.concat([
    header,
    ...Array.from({ length: count }, (_, i) => encodeMessage(`/unknown/${i}/1.0.0`)),
  ]);
}

/**
 * One connection that writes `bytes` and never reads; true when the listener closed it. A paused
 * socket does not see a reset until it writes, so it keeps asking (`ls`, 4 bytes) now and then.
 */
function attackOnce(port: number, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('error', () => {});
    socket.pause();
    let poll: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, CLOSE_WAIT_MS);
    socket.once('connect', () => {
      socket.write(bytes);
      poll = setInterval(() => socket.write(LS), POLL_MS);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve(true);
    });
  });
}

async function attack(c: Extract<Command, { cmd: 'attack' }>): Promise<{ sent: number; closed: number }> {
  const bytes = payload(c.kind, c.perConnection);
  const until = performance.now() + c.ms;
  let sent = 0;
  let closed = 0;
  const loop = async (): Promise<void> => {
    while (performance.now() < until && sent < c.maxConnections) {
      sent++;
      if (await attackOnce(c.port, bytes)) closed++;
    }
  };
  await Promise.all(Array.from({ length: c.loops }, loop));
  return { sent, closed };
}

process.on('message', (command: Command) => {
  void (async () => {
    switch (command.cmd) {
      case 'listen':
        reply({ port: await listen() });
        break;
      case 'mark': {
        const rss = await settledRss();
        peak = rss;
        reply({ rss, stats: structuredClone(mss!.stats) });
        break;
      }
      case 'sample':
        reply({ rss: await settledRss(), peak, stats: structuredClone(mss!.stats) });
        break;
      case 'attack':
        reply(await attack(command));
        break;
    }
  })();
});
process.on('disconnect', () => process.exit(0));
