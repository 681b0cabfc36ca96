/**
 * Tor proxy detection: probe the configured SOCKS5 port (or 9050, 9150 and 1080 on 127.0.0.1) and
 * probe again every 15 minutes until one answers, as ElectrumX does.
 *
 * @module
 */
import { StartableBase, type Logger, silentLogger } from '../core/index.js';
import { TOR_PROBE_PORTS, TOR_REPROBE_MS } from './constants.js';
import type { SocksProxy } from '../transport/index.js';
import { probeSocks5 } from './socks5-probe.js';

/** Options for {@link TorProxyDetector}. */
export interface TorProxyDetectorInit {
  /** The address to probe, or 'auto' for 127.0.0.1 on 9050, 9150 and 1080. */
  proxy: SocksProxy | 'auto';
  /** Re-probe interval while nothing answers. @default 900000 */
  reprobeMs?: number;
  /** @default silentLogger */
  logger?: Logger;
}

/** Finds a SOCKS5 proxy and remembers it. */
export class TorProxyDetector extends StartableBase {
  /** The proxy that answered, once one did. */
  proxy: SocksProxy | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly controller = new AbortController();
  private readonly logger: Logger;

  constructor(private readonly init: TorProxyDetectorInit) {
    super();
    this.logger = init.logger ?? silentLogger;
  }

  private async probe(): Promise<void> {
    const candidates =
      this.init.proxy === 'auto'
        ? TOR_PROBE_PORTS.map((port) => ({ host: '127.0.0.1', port }))
        : [this.init.proxy];
    for (const candidate of candidates) {
      if (await probeSocks5(candidate, { signal: this.controller.signal })) {
        this.proxy = candidate;
        this.logger.info({ proxy: `${candidate.host}:${candidate.port}` }, 'SOCKS5 proxy found');
        return;
      }
    }
    if (this.controller.signal.aborted) return;
    this.timer = setTimeout(() => void this.probe(), this.init.reprobeMs ?? TOR_REPROBE_MS);
  }

  /** Probes once now; keeps probing in the background until found or stopped. */
  protected onStart(): Promise<void> {
    return this.probe();
  }

  /** Stops probing. */
  protected onStop(): void {
    this.controller.abort();
    clearTimeout(this.timer);
  }
}
