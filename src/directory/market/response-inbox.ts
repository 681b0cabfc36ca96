/**
 * Replies no wait has taken yet. A maker's answer can arrive before the taker calls
 * `waitForResponses` for it (the call usually follows the send), so verified privmsgs that no
 * running wait took are kept here, bounded in count and age, and offered to the next wait.
 * They belong to the session they answer: when a new session with a maker starts (the taker
 * sends it a `!fill`), what that maker sent before is dropped, so a late `!pubkey` from an
 * earlier `!fill` can never answer the new one.
 *
 * @module
 */
import { systemClock, type Clock } from './clock.js';
import { INBOX_MAX_AGE_MS, INBOX_MAX_MESSAGES } from './constants.js';
import type { IncomingPrivmsg, PushOutcome, ResponseCollector } from './response-collector.js';

/** Options for {@link ResponseInbox}. */
export interface ResponseInboxInit {
  /** Most messages kept; the oldest is dropped first. @default 1000 */
  maxMessages?: number;
  /** Messages older than this are forgotten. @default 60000 */
  maxAgeMs?: number;
  /** Time source. @default systemClock */
  clock?: Clock;
}

/** A bounded queue of unclaimed replies. */
export class ResponseInbox {
  /** Counters: kept, taken by a later wait, dropped over the limit, expired, stale (an older session's). */
  readonly stats = { kept: 0, taken: 0, dropped: 0, expired: 0, stale: 0 };
  readonly #max: number;
  readonly #maxAge: number;
  readonly #clock: Clock;
  #entries: Array<{ at: number; message: IncomingPrivmsg }> = [];

  constructor(init: ResponseInboxInit = {}) {
    this.#max = init.maxMessages ?? INBOX_MAX_MESSAGES;
    this.#maxAge = init.maxAgeMs ?? INBOX_MAX_AGE_MS;
    this.#clock = init.clock ?? systemClock;
  }

  /** True when a wait used the message up (took it, or recognised it as a copy). */
  static consumed(outcome: PushOutcome): boolean {
    return outcome === 'accepted' || outcome === 'duplicate';
  }

  /** Keeps a message nobody took. */
  keep(message: IncomingPrivmsg): void {
    this.#prune();
    if (this.#entries.length >= this.#max) {
      this.#entries.shift();
      this.stats.dropped += 1;
    }
    this.#entries.push({ at: this.#clock.now(), message });
    this.stats.kept += 1;
  }

  /** Offers every kept message to a new wait; the ones it uses leave the inbox. */
  drainInto(wait: ResponseCollector): void {
    this.#prune();
    const before = this.#entries.length;
    this.#entries = this.#entries.filter(({ message }) => !ResponseInbox.consumed(wait.push(message)));
    this.stats.taken += before - this.#entries.length;
  }

  /** A new session with `nick` starts: its kept replies belong to the old one and go. */
  startSession(nick: string): void {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter(({ message }) => message.from !== nick);
    this.stats.stale += before - this.#entries.length;
  }

  /** Number of messages kept. */
  get size(): number {
    return this.#entries.length;
  }

  #prune(): void {
    const cutoff = this.#clock.now() - this.#maxAge;
    let stale = 0;
    while (stale < this.#entries.length && this.#entries[stale]!.at < cutoff) stale += 1;
    if (stale > 0) {
      this.#entries.splice(0, stale);
      this.stats.expired += stale;
    }
  }
}
