import { addressKey, type UdpAddress } from './address.js';
import { BOOTSTRAP_TIMEOUT_MS } from './constants.js';

/** What a bootstrapper needs from a community. */
export interface BootstrapTarget {
  walkTo(address: UdpAddress): void;
  ensureBlacklisted(address: UdpAddress): void;
}

/** Finds first contacts for a community (py-ipv8 `Bootstrapper`). */
export interface Bootstrapper {
  /** Prepares (blacklists the servers so they never become peers). */
  initialize(community: BootstrapTarget): void;
  /** Contacts the servers; returns addresses to walk to (none for server lists: they answer by introducing). */
  getAddresses(community: BootstrapTarget): UdpAddress[];
  /** Pings one server so it keeps us in its list. */
  keepAlive(community: BootstrapTarget): void;
  /** Releases resources. */
  unload(): void;
}

/** Options for {@link AddressBootstrapper}. */
export interface AddressBootstrapperInit {
  /** Bootstrap server addresses (IP literals; resolve names before). */
  addresses: readonly UdpAddress[];
  /** Each server is walked to at most once per this many ms. @default 30000 */
  bootstrapTimeoutMs?: number;
  /** Clock in ms. @default Date.now */
  now?: () => number;
  /**
   * Blacklist the addresses (bootstrap servers: they introduce, never become peers). `false` for
   * known peers that are walked to and taken on, as py-ipv8's `walk_to`. @default true
   */
  blacklist?: boolean;
}

/**
 * py-ipv8's `DispersyBootstrapper` over a configured list: the servers are blacklisted (they
 * introduce, they never become peers) and each is walked to at most once per timeout.
 *
 * @example
 * ```ts
 * const bootstrapper = new AddressBootstrapper({ addresses: [parseUdpAddress('127.0.0.1:6421')] });
 * ```
 */
export class AddressBootstrapper implements Bootstrapper {
  private readonly init: AddressBootstrapperInit;
  private readonly lastWalk = new Map<string, number>();

  constructor(init: AddressBootstrapperInit) {
    this.init = init;
  }

  initialize(community: BootstrapTarget): void {
    if (this.init.blacklist === false) return;
    for (const address of this.init.addresses) community.ensureBlacklisted(address);
  }

  getAddresses(community: BootstrapTarget): UdpAddress[] {
    const now = (this.init.now ?? Date.now)();
    const timeout = this.init.bootstrapTimeoutMs ?? BOOTSTRAP_TIMEOUT_MS;
    for (const address of this.init.addresses) {
      const key = addressKey(address);
      if (now - (this.lastWalk.get(key) ?? -Infinity) < timeout) continue;
      this.lastWalk.set(key, now);
      community.walkTo(address);
    }
    return [];
  }

  keepAlive(community: BootstrapTarget): void {
    const list = this.init.addresses;
    if (list.length > 0) community.walkTo(list[Math.floor(Math.random() * list.length)]!);
  }

  unload(): void {
    this.lastWalk.clear();
  }
}
