import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { addressKey, type UdpAddress } from './address.js';
import type { Bootstrapper, BootstrapTarget } from './bootstrapper.js';
import { BOOTSTRAP_TIMEOUT_MS } from './constants.js';

/** Resolves a host name to IP addresses. */
export type HostResolver = (host: string, signal: AbortSignal) => Promise<string[]>;

/** A name resolution slower than this is given up on (ms). */
const RESOLVE_TIMEOUT_MS = 10_000;
/** Names are resolved again this often (ms), so a moved server is found. */
const RESOLVE_INTERVAL_MS = 10 * 60_000;
/** Addresses kept per name: a hostile resolver cannot make us walk to thousands. */
const MAX_ADDRESSES_PER_NAME = 8;

const defaultResolver: HostResolver = async (host, signal) => {
  const all = await Promise.race([
    lookup(host, { all: true }),
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  ]);
  return all.map((a) => a.address);
};

/** Options for a {@link DnsBootstrapper}. */
export interface DnsBootstrapperInit {
  /** Bootstrap servers by name and port (IP literals are taken as they are). */
  names: readonly UdpAddress[];
  /** Each server is walked to at most once per this many ms. @default 30000 */
  bootstrapTimeoutMs?: number;
  /** Resolver. @default node's `dns.lookup` (all addresses), given up on after 10 s */
  resolve?: HostResolver;
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /**
   * Called when a name does not resolve (it is tried again at the next refresh), so the owner
   * can say which server is unreachable and why. @default none
   */
  onLookupError?: (name: UdpAddress, error: unknown) => void;
}

/**
 * py-ipv8's `DispersyBootstrapper` for servers given by DNS name (its default list has both
 * addresses and names): names are resolved when the community first bootstraps and every ten
 * minutes after; each address found is blacklisted (a server introduces, it is never a peer) and
 * walked to at most once per timeout. A failed lookup is retried at the next bootstrap.
 *
 * @example
 * ```ts
 * const bootstrapper = new DnsBootstrapper({ names: [{ host: 'tracker.example.org', port: 6421 }] });
 * ```
 */
export class DnsBootstrapper implements Bootstrapper {
  private readonly init: DnsBootstrapperInit;
  private readonly resolved = new Map<string, UdpAddress[]>();
  private readonly lastWalk = new Map<string, number>();
  private resolvedAt = -Infinity;
  private resolving = false;
  private readonly abort = new AbortController();

  constructor(init: DnsBootstrapperInit) {
    this.init = init;
  }

  /** Addresses the names resolved to so far. */
  get addresses(): UdpAddress[] {
    return [...this.resolved.values()].flat();
  }

  initialize(community: BootstrapTarget): void {
    this.refresh(community);
  }

  getAddresses(community: BootstrapTarget): UdpAddress[] {
    const now = (this.init.now ?? Date.now)();
    if (now - this.resolvedAt > RESOLVE_INTERVAL_MS) this.refresh(community);
    const timeout = this.init.bootstrapTimeoutMs ?? BOOTSTRAP_TIMEOUT_MS;
    for (const address of this.addresses) {
      const key = addressKey(address);
      if (now - (this.lastWalk.get(key) ?? -Infinity) < timeout) continue;
      this.lastWalk.set(key, now);
      community.walkTo(address);
    }
    return [];
  }

  keepAlive(community: BootstrapTarget): void {
    const list = this.addresses;
    if (list.length > 0) community.walkTo(list[Math.floor(Math.random() * list.length)]!);
  }

  unload(): void {
    this.abort.abort(new Error('bootstrapper unloaded'));
    this.lastWalk.clear();
  }

  private refresh(community: BootstrapTarget): void {
    if (this.resolving || this.abort.signal.aborted) return;
    this.resolving = true;
    this.resolvedAt = (this.init.now ?? Date.now)();
    const resolve = this.init.resolve ?? defaultResolver;
    void Promise.all(
      this.init.names.map(async (name) => {
        let hosts: string[];
        if (isIP(name.host) !== 0) hosts = [name.host];
        else {
          const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(RESOLVE_TIMEOUT_MS)]);
          try {
            hosts = await resolve(name.host, signal);
          } catch (err) {
            if (!this.abort.signal.aborted) this.init.onLookupError?.(name, err);
            return; // Kept from the last lookup; tried again at the next refresh.
          }
        }
        if (this.abort.signal.aborted) return;
        const found = hosts
          .filter((h) => isIP(h) !== 0)
          .slice(0, MAX_ADDRESSES_PER_NAME)
          .map((host) => ({ host, port: name.port }));
        for (const address of found) community.ensureBlacklisted(address);
        this.resolved.set(addressKey(name), found);
        // Walk at once rather than at the next tick: bootstrapping is what we resolved for.
        this.getAddresses(community);
      }),
    ).finally(() => {
      this.resolving = false;
    });
  }
}
