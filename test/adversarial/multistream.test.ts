/**
 * A multistream listener under attack (issue 12, finding 10): `ls` flooders that never read and
 * dialers that propose unknown ids forever, beside an honest dialer that negotiates and uses a
 * protocol over and over on fresh connections. The honest dialer must lose nothing and stay fast,
 * the listener's memory must stay bounded, and every attacking stream must be closed and counted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { ErrorCodes } from '../../src/core/index.js';
import { Multiselect, select, type ProtocolHandler } from '../../src/multistream/index.js';
import { encodeMessage as encodeBytes } from '../../src/multistream/frames.js';
import { connect, testServer } from '../multistream/tcp-pair.js';

/** One multistream message as a Buffer. */
const encodeMessage = (text: string | Uint8Array): Buffer => Buffer.from(encodeBytes(text));

const HEADER = encodeMessage('/multistream/1.0.0');
const ECHO = '/echo/1.0.0';
/** How long the attack runs, and how many attacking connections each loop opens at most. */
const ATTACK_MS = 4000;
const CONNECTIONS_PER_LOOP = 150;
/** The finding's flood: 150,000 `ls` (600 KB), spread over the flooder's connections. */
const LS_PER_CONNECTION = 1000;
const NA_PER_CONNECTION = 2000;
const HONEST_ROUNDS = 300;

function listener(): Multiselect {
  const handlers: Record<string, ProtocolHandler> = {};
  // A realistic list to amplify: every ls answer is about 25 times the request.
  for (let i = 0; i < 8; i++) handlers[`/app/feature-${i}/1.0.0`] = (s) => void s.destroy();
  handlers[ECHO] = (s) => void s.pipe(s);
  return new Multiselect({ handlers, timeout: 5000 });
}

/** One attacking connection: writes `payload`, never reads, resolves once the listener closed it. */
async function attackOnce(port: number, payload: Buffer): Promise<boolean> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.pause();
  socket.write(payload);
  // events.once() would reject on the reset's 'error'; the close is what counts.
  const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
  const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, 3000, false).unref());
  const result = await Promise.race([closed, timeout]);
  socket.destroy();
  return result;
}

async function attackLoop(
  port: number,
  payload: Buffer,
  until: number,
): Promise<{ sent: number; closed: number }> {
  let sent = 0;
  let closed = 0;
  while (performance.now() < until && sent < CONNECTIONS_PER_LOOP) {
    sent++;
    if (await attackOnce(port, payload)) closed++;
  }
  return { sent, closed };
}

/** The honest dialer: a fresh connection, select, one echo round trip, close. Returns ms. */
async function honestRound(port: number): Promise<number> {
  const start = performance.now();
  const socket = await connect(port);
  socket.on('error', () => {});
  try {
    assert.equal(await select(socket, ['/missing/1.0.0', ECHO], { timeout: 5000 }), ECHO);
    socket.write('ping');
    const [reply] = (await once(socket, 'data')) as [Buffer];
    assert.equal(reply.toString(), 'ping');
  } finally {
    socket.destroy();
  }
  return performance.now() - start;
}

test('multistream listener: ls flooders and na-round attackers cost only themselves', async (t) => {
  const mss = listener();
  await using server = await testServer((socket) => {
    socket.on('error', () => {});
    mss.handle(socket).catch(() => {});
  });
  const port = server.port;
  const lsFlood = Buffer.concat([HEADER, ...Array<Buffer>(LS_PER_CONNECTION).fill(encodeMessage('ls'))]);
  const naFlood = Buffer.concat([
    HEADER,
    ...Array.from({ length: NA_PER_CONNECTION }, (_, i) => encodeMessage(`/unknown/${i}/1.0.0`)),
  ]);

  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 25);

  const until = performance.now() + ATTACK_MS;
  const attacks = [
    attackLoop(port, lsFlood, until),
    attackLoop(port, lsFlood, until),
    attackLoop(port, naFlood, until),
    attackLoop(port, naFlood, until),
  ];
  const latencies: number[] = [];
  let lost = 0;
  for (let i = 0; i < HONEST_ROUNDS; i++) {
    try {
      latencies.push(await honestRound(port));
    } catch {
      lost++;
    }
  }
  const results = await Promise.all(attacks);
  clearInterval(sampler);

  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  const attackers = results.reduce((n, r) => n + r.sent, 0);
  const closed = results.reduce((n, r) => n + r.closed, 0);
  const info = `p99 ${p99.toFixed(1)} ms, lost ${lost}/${HONEST_ROUNDS}, ${attackers} attacking connections, RSS +${((rssPeak - rssBefore) / 2 ** 20).toFixed(1)} MB, stats ${JSON.stringify(mss.stats)}`;
  t.diagnostic(info);
  assert.equal(lost, 0, info);
  assert.ok(p99 < 100, info);
  assert.ok(attackers >= 8, `the attack ran: ${info}`);
  assert.equal(closed, attackers, `every attacking stream was closed by the listener: ${info}`);
  assert.equal(mss.stats.failed[ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS], attackers, info);
  assert.ok(mss.stats.negotiated >= HONEST_ROUNDS, info);
  assert.ok(rssPeak - rssBefore < 64 * 2 ** 20, info);
});
