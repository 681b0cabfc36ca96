/**
 * Attacks on a discovery node and the honest client measured beside them, shared by
 * test/adversarial/discovery.test.ts and bench/hostile-discovery.bench.ts. Loopback only; every
 * loop is bounded in count and time. Sources are told apart by their loopback address (127.0.0.x).
 */
import net from 'node:net';
import { once } from 'node:events';
import { newPeerRecord, type PeerStore } from '../../src/discovery/peer-store.js';

/** What an honest client saw. */
export interface ProbeResult {
  /** Round-trip times of answered requests, ms. */
  latencies: number[];
  /** Requests sent. */
  sent: number;
  /** Requests not answered (timeout, refusal or close). */
  lost: number;
}

/** The p-th percentile (0..100) of `values`, 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function connect(port: number, localAddress: string): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, localAddress, noDelay: true });
  socket.on('error', () => {});
  return once(socket, 'connect').then(() => socket);
}

const line = (id: number, method: string, params: unknown[] = []): string =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n';

/**
 * An honest client from `localAddress`: connects, sends server.version, then `requests` requests
 * (`server.ping`, every fifth one `server.peers.subscribe`) one after another, each given
 * `timeoutMs`. A refused or closed connection loses every request not yet answered.
 */
export async function honestClient(
  port: number,
  localAddress: string,
  requests: number,
  timeoutMs = 2000,
  gapMs = 0,
): Promise<ProbeResult> {
  const result: ProbeResult = { latencies: [], sent: requests, lost: requests };
  let socket: net.Socket;
  try {
    socket = await connect(port, localAddress);
  } catch {
    return result;
  }
  let buffered = '';
  let waiter: ((ok: boolean) => void) | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    while (buffered.includes('\n')) {
      buffered = buffered.slice(buffered.indexOf('\n') + 1);
      waiter?.(true);
    }
  });
  socket.on('close', () => waiter?.(false));
  const ask = (text: string): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      waiter = (ok) => {
        clearTimeout(timer);
        waiter = undefined;
        resolve(ok);
      };
      socket.write(text);
    });
  try {
    if (!(await ask(line(0, 'server.version', ['honest', '1.4'])))) return result;
    for (let i = 1; i <= requests; i++) {
      const started = performance.now();
      if (!(await ask(line(i, i % 5 === 0 ? 'server.peers.subscribe' : 'server.ping')))) break;
      result.latencies.push(performance.now() - started);
      result.lost--;
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  } finally {
    socket.destroy();
  }
  return result;
}

/** Runs `honestClient` `rounds` times, one after another, and merges the results. */
export async function honestRounds(
  port: number,
  localAddress: string,
  rounds: number,
  requests: number,
): Promise<ProbeResult> {
  const total: ProbeResult = { latencies: [], sent: 0, lost: 0 };
  for (let r = 0; r < rounds; r++) {
    const one = await honestClient(port, localAddress, requests);
    total.latencies.push(...one.latencies);
    total.sent += one.sent;
    total.lost += one.lost;
  }
  return total;
}

/**
 * Honest rounds (one connection each, `requests` requests with `gapMs` between them) one after
 * another for `durationMs`, so the measurement spans an attack rather than its first moment.
 */
export async function honestFor(
  port: number,
  localAddress: string,
  durationMs: number,
  requests = 20,
  gapMs = 5,
): Promise<ProbeResult> {
  const total: ProbeResult = { latencies: [], sent: 0, lost: 0 };
  const stopAt = Date.now() + durationMs;
  while (Date.now() < stopAt) {
    const one = await honestClient(port, localAddress, requests, 2000, gapMs);
    total.latencies.push(...one.latencies);
    total.sent += one.sent;
    total.lost += one.lost;
  }
  return total;
}

/** Idle connections an attacker holds; `close()` drops them. */
export interface IdleHold {
  /** Connections the server accepted and still holds open. */
  readonly open: () => number;
  /** Connections the server closed (refused at accept, or timed out). */
  readonly closed: () => number;
  close(): void;
}

/** Opens `count` connections from `localAddresses` (round robin) that never send a byte. */
export async function holdIdle(
  port: number,
  count: number,
  localAddresses: readonly string[],
): Promise<IdleHold> {
  const sockets: net.Socket[] = [];
  let closed = 0;
  for (let i = 0; i < count; i++) {
    try {
      const socket = await connect(port, localAddresses[i % localAddresses.length]!);
      socket.once('close', () => closed++);
      sockets.push(socket);
    } catch {
      closed++;
    }
  }
  return {
    open: () => sockets.filter((s) => !s.destroyed).length,
    closed: () => closed,
    close: () => {
      for (const s of sockets) s.destroy();
    },
  };
}

/** What a flood of unread requests did. */
export interface FloodResult {
  /** Request bytes the attacker got into its sockets. */
  bytesSent: number;
  /** Sessions the server closed. */
  closedByServer: number;
}

/**
 * `sessions` connections from `localAddress` that say server.version, then write requests for
 * `durationMs` and never read a reply: `server.peers.subscribe` lines, or batches of `batch` of
 * them. The attacker writes only while its own socket takes data, so its memory stays flat and
 * only the server's can grow.
 */
export async function floodWithoutReading(
  port: number,
  localAddress: string,
  sessions: number,
  durationMs: number,
  batch = 1,
): Promise<FloodResult> {
  const result: FloodResult = { bytesSent: 0, closedByServer: 0 };
  const request =
    batch === 1
      ? line(1, 'server.peers.subscribe')
      : JSON.stringify(
          Array.from({ length: batch }, (_, i) => ({
            jsonrpc: '2.0',
            id: i,
            method: 'server.peers.subscribe',
          })),
        ) + '\n';
  // 64 KiB writes: the server reads many requests at once, as it would from a fast sender.
  const chunk = Buffer.from(request.repeat(Math.max(1, Math.floor(65_536 / request.length))));
  const stopAt = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: sessions }, async () => {
      const socket = await connect(port, localAddress);
      socket.pause(); // never read
      let closed = false;
      let ours = false;
      socket.once('close', () => {
        closed = true;
        if (!ours) result.closedByServer++;
      });
      socket.write(line(0, 'server.version', ['flood', '1.4']));
      while (!closed && Date.now() < stopAt) {
        if (socket.write(chunk)) {
          result.bytesSent += chunk.length;
          await new Promise((r) => setImmediate(r));
          continue;
        }
        result.bytesSent += chunk.length;
        // Blocked: wait for the server to read more, or give up at the end of the run.
        await Promise.race([
          once(socket, 'drain').catch(() => undefined),
          new Promise((r) => setTimeout(r, Math.max(0, stopAt - Date.now()))),
        ]);
      }
      ours = true;
      socket.destroy();
    }),
  );
  return result;
}

/** Fills `store` with `count` good public peers in distinct /16s, so a peers.subscribe reply is large. */
export function fillWithPublicPeers(store: PeerStore, count: number, now = Date.now()): void {
  store.insertMany(
    Array.from({ length: count }, (_, i) =>
      newPeerRecord(`peer${i}.example.com`, 'peer', now, {
        ipAddr: `${8 + (i >> 8)}.${i & 0xff}.0.1`,
        tcpPort: 50001,
        sslPort: 50002,
        protocolMax: '1.4.2',
        lastGood: now,
        nextCheck: now + 3_600_000,
      }),
    ),
  );
}
