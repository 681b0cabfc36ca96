/**
 * Is a SOCKS5 proxy listening here? Sends the no-auth greeting and checks the two-byte answer;
 * this is how a node finds Tor on its configured port (ElectrumX probes the same way).
 *
 * @module
 */
import type { Socket } from 'node:net';
import { ErrorCodes, deadline, raceSignal, type AbortOptions } from '../core/index.js';
import { dialTcp, readExact, type SocksProxy } from '../transport/index.js';
import { TOR_PROBE_TIMEOUT_MS } from './constants.js';

/** True when a SOCKS5 proxy without authentication answers at `proxy` (timeout default 3000 ms). Never throws. */
export async function probeSocks5(
  proxy: SocksProxy,
  options: AbortOptions & { timeout?: number } = {},
): Promise<boolean> {
  const signal = deadline(options.signal, options.timeout ?? TOR_PROBE_TIMEOUT_MS);
  let socket: Socket | undefined;
  try {
    socket = await dialTcp(proxy.host, proxy.port, { signal, timeout: 0 });
    const s = socket;
    s.write(Buffer.from([5, 1, 0]));
    const greeting = readExact(s, 2, ErrorCodes.SOCKS_PROXY_FAILED, 'socks5 probe');
    const reply = await raceSignal(greeting, signal, 'socks5 probe', () => s.destroy());
    return reply[0] === 5 && reply[1] === 0;
  } catch {
    return false;
  } finally {
    socket?.destroy();
  }
}
