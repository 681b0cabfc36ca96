/**
 * Options, events and counters of the taker (`MultiDirectoryClient` and its `TakerRouter`).
 *
 * @module
 */
import type { AbortOptions, TypedEmitter, Logger } from '../../core/index.js';
import type { Clock } from './clock.js';
import type { OrderbookProgress } from './orderbook-collector.js';

/** Events of `MultiDirectoryClient`. */
export type MultiDirectoryClientEvents = {
  /** A nick left every directory. */
  nickLeave: [nick: string];
  /** The orderbook being collected changed (for progress displays). */
  orderbookProgress: [progress: OrderbookProgress];
};

/** Options for `TakerRouter`. */
export interface TakerRouterInit {
  /** Where the router's events go: the taker itself (tests pass a bare emitter). */
  events: TypedEmitter<MultiDirectoryClientEvents>;
  /** Our own nick: fidelity-bond proofs must be bound to it. */
  nick: string;
  /** Use direct links when up, and upgrade sessions to them. @default true */
  preferDirectConnections?: boolean;
  /** Time source for collections and waits. @default systemClock */
  clock?: Clock;
  /** Picks among equal directories (tests pass a fixed one). @default random */
  pick?: (candidates: readonly string[]) => number;
  /** Where dropped bond proofs are reported, with the reason. @default silentLogger */
  logger?: Logger;
}

/** Options of `MultiDirectoryClient.fetchOrderbook`. */
export interface FetchOrderbookOptions extends AbortOptions {
  /** @default 120000 */
  timeout?: number;
  /** @default 30000 */
  minWait?: number;
  /** @default 15000 */
  quietPeriod?: number;
}

/** Options of `MultiDirectoryClient.sendPrivmsg`. */
export interface SendPrivmsgOptions extends AbortOptions {
  /** `direct` or `directory:<host:port>`. @default undefined (choose and pin) */
  forceChannel?: string;
}

/** Options of `MultiDirectoryClient.waitForResponses`. */
export interface WaitForResponsesOptions extends AbortOptions {
  /** @default 60000 */
  timeout?: number;
  /** Messages per maker (for `!sig`). @default 1 each */
  expectedCounts?: Readonly<Record<string, number>>;
  /** Payload decoder, for example decryption. @default identity */
  decode?: (nick: string, data: string) => string;
}

/** Counters of the taker's routing logic. */
export interface TakerStats {
  unverified: number;
  badOffers: number;
  badBonds: number;
  sendFailures: number;
  orderbookRequestFailures: number;
  [key: string]: number;
}
