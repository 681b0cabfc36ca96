/**
 * Is a SOCKS5 proxy listening here? Sends the no-auth greeting and checks the two-byte answer;
 * this is how a node finds Tor on its configured port (ElectrumX probes the same way).
 *
 * @module
 */
import type { Socket } from 'node:net';
import { deadline, raceSignal, type AbortOptions } from '../core/index.js';
import { dialTcp, type SocksProxy } from '../transport/index.js';

function greetingReply(socket: Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 2) {
        cleanup();
        resolve(got.subarray(0, 2));
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error('closed'));
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('close', onEnd);
  });
}

/** True when a SOCKS5 proxy without authentication answers at `proxy`. Never throws. */
export async function probeSocks5(
  proxy: SocksProxy,
  options: AbortOptions & { timeout?: number } = {},
): Promise<boolean> {
  const signal = deadline(options.signal, options.timeout ?? 5_000);
  let socket: Socket | undefined;
  try {
    socket = await dialTcp(proxy.host, proxy.port, { signal, timeout: 0 });
    const s = socket;
    s.write(Buffer.from([5, 1, 0]));
    const reply = await raceSignal(greetingReply(s), signal, 'socks5 probe', () => s.destroy());
    return reply[0] === 5 && reply[1] === 0;
  } catch {
    return false;
  } finally {
    socket?.destroy();
  }
}
