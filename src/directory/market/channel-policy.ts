/**
 * Which channel a private message to a maker takes, and keeping it the same for the whole
 * session. Makers treat a message on another channel as another session, so once a maker is bound
 * to a channel every message uses it. The only voluntary change is an upgrade from a directory to
 * a direct link; a channel that died is replaced (that is not a choice, and is counted).
 *
 * Unforced choice, as joinmarket-ng binds a session: the direct link if one is up (and preferred),
 * else exactly one directory where the maker is active, else one where a peerlist showed it, else
 * one that relayed a public message from it, else any connected directory (a maker known only
 * from its offers is still reachable: directories relay a privmsg to any nick they hold); never
 * several (that would duplicate).
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import { DIRECT_CHANNEL, DIRECTORY_CHANNEL_PREFIX } from './constants.js';

/** `direct` or `directory:<host:port>`. */
export type Channel = typeof DIRECT_CHANNEL | `${typeof DIRECTORY_CHANNEL_PREFIX}${string}`;

/** What the policy may ask about the current connections. The taker client implements it. */
export interface RouteView {
  /** True when a handshaked direct link to the nick is up. */
  hasDirect(nick: string): boolean;
  /** Connected directories (ids like `host:port`) on which the nick is tracked as active. */
  activeDirectories(nick: string): readonly string[];
  /** Connected directories whose peerlist lists the nick (a weaker hint than activity). */
  listedDirectories(nick: string): readonly string[];
  /** True when the directory with this id is connected. */
  isDirectoryConnected(directory: string): boolean;
  /** Connected directories that relayed a public message (an offer) from the nick. @default none */
  seenDirectories?(nick: string): readonly string[];
  /** Every connected directory: the last resort. @default none */
  connectedDirectories?(): readonly string[];
}

/** Options for {@link ChannelPolicy}. */
export interface ChannelPolicyInit {
  /** Use a direct link when one is up, and upgrade a session to it. @default true */
  preferDirect?: boolean;
  /** Picks one of several equal directories; gets the candidates, returns an index. @default random */
  pick?: (candidates: readonly string[]) => number;
}

/** Counters of {@link ChannelPolicy}. */
export interface ChannelPolicyStats {
  bound: number;
  upgrades: number;
  rebinds: number;
  [key: string]: number;
}

/** The channel name of a directory id: `directory:<host:port>`. */
export function directoryChannel(directory: string): Channel {
  return `${DIRECTORY_CHANNEL_PREFIX}${directory}`;
}

/**
 * Checks a channel name and returns it typed.
 *
 * @throws PeerwayError ERR_ORDERBOOK_CHANNEL_INVALID
 */
export function parseChannel(value: string): Channel {
  if (value === DIRECT_CHANNEL) return DIRECT_CHANNEL;
  if (value.startsWith(DIRECTORY_CHANNEL_PREFIX) && value.length > DIRECTORY_CHANNEL_PREFIX.length) {
    return value as Channel;
  }
  throw new PeerwayError(ErrorCodes.ORDERBOOK_CHANNEL_INVALID, `not a channel: ${value.slice(0, 80)}`);
}

/**
 * Per-session channel pinning.
 *
 * @example
 * ```ts
 * const policy = new ChannelPolicy();
 * const channel = policy.choose('J5maker', routes); // 'directory:dir-a:5222' (pinned)
 * // later, once a direct link is up:
 * policy.choose('J5maker', routes); // 'direct' (the one allowed upgrade)
 * ```
 */
export class ChannelPolicy {
  /** Counters: sessions bound, upgrades to direct, forced rebinds after a channel died. */
  readonly stats: ChannelPolicyStats = { bound: 0, upgrades: 0, rebinds: 0 };
  readonly #preferDirect: boolean;
  readonly #pick: (candidates: readonly string[]) => number;
  readonly #pinned = new Map<string, Channel>();

  constructor(init: ChannelPolicyInit = {}) {
    this.#preferDirect = init.preferDirect ?? true;
    this.#pick = init.pick ?? ((c) => Math.floor(Math.random() * c.length));
  }

  /** The channel the nick's session is pinned to, if any. */
  pinned(nick: string): Channel | undefined {
    return this.#pinned.get(nick);
  }

  /** Ends the nick's session (after the CoinJoin): the next message chooses afresh. */
  endSession(nick: string): void {
    this.#pinned.delete(nick);
  }

  /** Ends every session. */
  clear(): void {
    this.#pinned.clear();
  }

  /**
   * Returns the channel for the next message to `nick` and pins it.
   *
   * @param forceChannel `direct` or `directory:<host:port>`: use exactly this channel.
   * @throws PeerwayError ERR_ORDERBOOK_CHANNEL_INVALID (bad name), ERR_ORDERBOOK_CHANNEL_UNAVAILABLE
   *   (forced channel down), ERR_ORDERBOOK_CHANNEL_CONFLICT (forced channel differs from the pinned
   *   one and is no upgrade), ERR_ORDERBOOK_NO_ROUTE (nothing reaches the nick).
   */
  choose(nick: string, routes: RouteView, forceChannel?: string): Channel {
    const pinned = this.#pinned.get(nick);
    if (forceChannel !== undefined) return this.#forced(nick, routes, parseChannel(forceChannel), pinned);
    if (pinned !== undefined && this.#usable(nick, routes, pinned)) {
      if (pinned !== DIRECT_CHANNEL && this.#preferDirect && routes.hasDirect(nick)) {
        this.stats.upgrades += 1;
        return this.#pin(nick, DIRECT_CHANNEL);
      }
      return pinned;
    }
    const chosen = this.#fresh(nick, routes);
    if (pinned !== undefined) this.stats.rebinds += 1;
    else this.stats.bound += 1;
    return this.#pin(nick, chosen);
  }

  /**
   * Reports that sending on `channel` failed (link closed mid-write): the session is unpinned from
   * it so the next {@link choose} replaces it.
   */
  channelFailed(nick: string, channel: Channel): void {
    if (this.#pinned.get(nick) === channel) this.#pinned.delete(nick);
  }

  #forced(nick: string, routes: RouteView, channel: Channel, pinned: Channel | undefined): Channel {
    if (!this.#usable(nick, routes, channel)) {
      throw new PeerwayError(
        ErrorCodes.ORDERBOOK_CHANNEL_UNAVAILABLE,
        `channel ${channel} is not available`,
        {
          details: { nick, channel },
        },
      );
    }
    const upgrade = pinned !== undefined && pinned !== DIRECT_CHANNEL && channel === DIRECT_CHANNEL;
    if (pinned !== undefined && pinned !== channel && !upgrade && this.#usable(nick, routes, pinned)) {
      throw new PeerwayError(ErrorCodes.ORDERBOOK_CHANNEL_CONFLICT, `session is pinned to ${pinned}`, {
        details: { nick, channel, pinned },
      });
    }
    if (upgrade) this.stats.upgrades += 1;
    else if (pinned === undefined) this.stats.bound += 1;
    else if (pinned !== channel) this.stats.rebinds += 1;
    return this.#pin(nick, channel);
  }

  #fresh(nick: string, routes: RouteView): Channel {
    if (this.#preferDirect && routes.hasDirect(nick)) return DIRECT_CHANNEL;
    for (const candidates of [
      routes.activeDirectories(nick),
      routes.listedDirectories(nick),
      routes.seenDirectories?.(nick) ?? [],
      routes.connectedDirectories?.() ?? [],
    ]) {
      const live = candidates.filter((d) => routes.isDirectoryConnected(d));
      if (live.length > 0) {
        const index = Math.min(Math.max(0, Math.trunc(this.#pick(live))), live.length - 1);
        return directoryChannel(live[index]!);
      }
    }
    if (routes.hasDirect(nick)) return DIRECT_CHANNEL;
    throw new PeerwayError(ErrorCodes.ORDERBOOK_NO_ROUTE, `no channel reaches ${nick}`, {
      details: { nick },
    });
  }

  #usable(nick: string, routes: RouteView, channel: Channel): boolean {
    if (channel === DIRECT_CHANNEL) return routes.hasDirect(nick);
    // A directory the maker has left cannot deliver, even while we are still connected to it.
    const directory = channel.slice(DIRECTORY_CHANNEL_PREFIX.length);
    if (!routes.isDirectoryConnected(directory)) return false;
    const active = routes.activeDirectories(nick);
    const listed = routes.listedDirectories(nick);
    const seen = routes.seenDirectories?.(nick) ?? [];
    if (active.includes(directory) || listed.includes(directory) || seen.includes(directory)) return true;
    // Pinned as a last resort: good while nothing better names the nick.
    return active.length === 0 && listed.length === 0 && seen.length === 0;
  }

  #pin(nick: string, channel: Channel): Channel {
    this.#pinned.set(nick, channel);
    return channel;
  }
}
