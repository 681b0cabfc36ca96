/**
 * Which nicks are present on which directory. A nick stays active while at least one directory
 * still lists it; `nickLeave` fires once, when the last directory that had it says it is gone
 * (the reference's `active_directories` map and joinmarket-ng's NickTracker behave the same way).
 *
 * @module
 */
import { TypedEmitter } from '../../core/index.js';
import { MAX_TRACKED_NICKS } from './constants.js';

/** Events of {@link NickTracker}. */
export type NickTrackerEvents = {
  /** The nick is gone from every directory. */
  nickLeave: [nick: string];
  /** The nick was seen for the first time (or again after it had left). */
  nickJoin: [nick: string];
};

/** Options for {@link NickTracker}. */
export interface NickTrackerInit {
  /**
   * Most nicks tracked at once; new nicks beyond it are ignored and counted in `stats.overflow`.
   * @default MAX_TRACKED_NICKS (100,000)
   */
  maxNicks?: number;
}

/** Counters of {@link NickTracker}. */
export interface NickTrackerStats {
  joins: number;
  leaves: number;
  overflow: number;
  [key: string]: number;
}

/**
 * Multi-directory nick presence.
 *
 * @example
 * ```ts
 * const nicks = new NickTracker();
 * nicks.on('nickLeave', (nick) => orderbook.removeCounterparty(nick));
 * nicks.markPresent('J5maker', 'dir-a:5222');
 * nicks.markPresent('J5maker', 'dir-b:5222');
 * nicks.markGone('J5maker', 'dir-a:5222'); // still active through dir-b
 * ```
 */
export class NickTracker extends TypedEmitter<NickTrackerEvents> {
  /** Counters: joins, leaves and nicks refused over the limit. */
  readonly stats: NickTrackerStats = { joins: 0, leaves: 0, overflow: 0 };
  readonly #servers = new Map<string, Set<string>>();
  readonly #maxNicks: number;

  constructor(init: NickTrackerInit = {}) {
    super();
    this.#maxNicks = init.maxNicks ?? MAX_TRACKED_NICKS;
  }

  /** Records that `server` lists `nick` (a message from it, or a peerlist entry without `D`). */
  markPresent(nick: string, server: string): void {
    const servers = this.#servers.get(nick);
    if (servers !== undefined) {
      servers.add(server);
      return;
    }
    if (this.#servers.size >= this.#maxNicks) {
      this.stats.overflow += 1;
      return;
    }
    this.#servers.set(nick, new Set([server]));
    this.stats.joins += 1;
    this.emit('nickJoin', nick);
  }

  /** Records that `server` reports `nick` gone; fires `nickLeave` when no server has it any more. */
  markGone(nick: string, server: string): void {
    const servers = this.#servers.get(nick);
    if (servers === undefined || !servers.delete(server)) return;
    if (servers.size > 0) return;
    this.#servers.delete(nick);
    this.stats.leaves += 1;
    this.emit('nickLeave', nick);
  }

  /** True while at least one directory lists the nick. */
  isNickActive(nick: string): boolean {
    return this.#servers.has(nick);
  }

  /** The directories that currently list the nick, in the order they first did. */
  serversOf(nick: string): string[] {
    return [...(this.#servers.get(nick) ?? [])];
  }

  /** Every active nick. */
  activeNicks(): string[] {
    return [...this.#servers.keys()];
  }

  /**
   * Applies a directory's full peerlist: listed nicks are present on `server`, every other nick
   * is gone from it (and leaves if no other directory has it).
   */
  syncNicksWithPeerlist(server: string, nicks: Iterable<string>): void {
    const listed = new Set(nicks);
    for (const nick of listed) this.markPresent(nick, server);
    for (const [nick, servers] of [...this.#servers]) {
      if (servers.has(server) && !listed.has(nick)) this.markGone(nick, server);
    }
  }

  /** A directory connection closed: everything it listed is gone from it. */
  forgetServer(server: string): void {
    for (const [nick, servers] of [...this.#servers]) {
      if (servers.has(server)) this.markGone(nick, server);
    }
  }
}
