/**
 * The directory server of bench/hostile-directory.bench.ts, alone in its process (fork with tsx
 * and --expose-gc) so that its RSS is the server's own. It starts a DirectoryServer with the
 * options it is sent, samples its RSS every 20 ms, and answers the parent over IPC.
 */
import { DirectoryServer, type DirectoryServerInit } from '../src/directory/index.js';

type Command =
  { cmd: 'start'; init: DirectoryServerInit } | { cmd: 'rss' } | { cmd: 'stats' } | { cmd: 'stop' };

let server: DirectoryServer | undefined;
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);

function settledRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

process.on('message', (m: Command) => {
  void (async () => {
    if (m.cmd === 'start') {
      server = new DirectoryServer({ port: 0, network: 'signet', ...m.init });
      await server.start();
      process.send?.({ port: server.address.port });
    } else if (m.cmd === 'rss') {
      // The current figure and the peak since the last question; the peak starts again from now.
      const rss = settledRss();
      process.send?.({ rss, peak: Math.max(peak, rss) });
      peak = rss;
    } else if (m.cmd === 'stats') {
      process.send?.({ stats: server?.stats });
    } else {
      clearInterval(sampler);
      await server?.stop();
      process.send?.({ stopped: true });
      process.exit(0);
    }
  })();
});
