/**
 * The attacker of bench/hostile-node.bench.ts, in a process of its own so its CPU does not slow
 * the honest poller: `hostile-node-attacker.ts <attack name> <port>` runs that attack against the
 * node's HTTP port until the parent sends `{ cmd: 'stop' }`, then exits. It connects from
 * 127.0.0.2 (all of 127.0.0.0/8 is loopback on Linux) while the honest poller uses 127.0.0.1, so
 * the server's per-address budget can tell the two apart as it would two hosts.
 */
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';

/** The attacker's source address: loopback, but not the honest poller's. */
const ATTACKER_ADDRESS = '127.0.0.2';

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: ATTACKER_ADDRESS }, () =>
      resolve(socket),
    );
    socket.on('error', reject);
  });
}

/** An attack: runs until `signal` aborts; returns what to clean up afterwards. */
type Attack = (port: number, signal: AbortSignal) => Promise<Socket[]>;

const attacks: Array<{ name: string; run: Attack }> = [
  {
    name: 'pipelined /metrics, 500 every 500 ms',
    run: async (port, signal) => {
      while (!signal.aborted) {
        openSocket(port).then(
          (s) => {
            s.on('error', () => {});
            s.resume();
            s.write('GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(500));
          },
          () => {},
        );
        await delay(500);
      }
      return [];
    },
  },
  {
    name: 'pipelined /metrics, 20 conns x 100 back to back',
    run: async (port, signal) => {
      while (!signal.aborted) {
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            const s = await openSocket(port);
            s.on('error', () => {});
            s.resume();
            s.write('GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n'.repeat(100));
            await new Promise((r) => s.once('close', r));
          }),
        );
      }
      return [];
    },
  },
  {
    name: '100 MB bodies to a 405, 4 at once',
    run: async (port, signal) => {
      const chunk = Buffer.alloc(256 * 1024, 0x61);
      while (!signal.aborted) {
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            const s = await openSocket(port);
            s.on('error', () => {});
            s.resume();
            s.write(`POST /health HTTP/1.1\r\nhost: x\r\ncontent-length: ${100 * 1024 * 1024}\r\n\r\n`);
            let sent = 0;
            while (!s.destroyed && !signal.aborted && sent < 100 * 1024 * 1024) {
              if (!s.write(chunk)) {
                await Promise.race([
                  new Promise((r) => s.once('drain', r)),
                  new Promise((r) => s.once('close', r)),
                  delay(100),
                ]);
              }
              sent += chunk.length;
            }
            s.destroy();
          }),
        );
      }
      return [];
    },
  },
  {
    name: '1,100 idle connections (cap 256)',
    run: async (port, signal) => {
      const held: Socket[] = [];
      for (let i = 0; i < 1100 && !signal.aborted; i++) {
        try {
          const s = await openSocket(port);
          s.on('error', () => {});
          held.push(s);
        } catch {
          // refused: counted by the server
        }
      }
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      return held;
    },
  },
];

const [name, portText] = process.argv.slice(2);
const attack = attacks.find((a) => a.name === name);
if (attack === undefined) throw new Error(`no attack named ${name}`);
const stop = new AbortController();
process.on('message', () => stop.abort());
const running = attack.run(Number(portText), stop.signal);
process.send!({ started: true });
const held = await running;
for (const s of held) s.destroy();
process.disconnect();
