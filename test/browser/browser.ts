// What the browser tests share: chromium (launched by test/helpers/chromium.ts, with the flags
// every browser test uses), where screenshots go, and free ports for a test's own servers.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';

/** Where screenshots of a test run go (not committed): `<tmpdir>/peerway-test-output/<name>`. */
export function screenshotDir(name: string): string {
  return join(tmpdir(), 'peerway-test-output', name);
}

/** Free TCP ports on 127.0.0.1 (bound and released; good enough for a test's own servers). */
export async function freePorts(count: number): Promise<number[]> {
  const { createServer } = await import('node:net');
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
