/**
 * The logic behind `waitForResponses(nicks, command, { timeout, expectedCounts })`: the taker
 * client pushes every privmsg it receives, from every directory and direct link, into one collector.
 * A message counts only if its signature was verified and its from-nick is one we wait for; an
 * `!error` ends that maker's wait; the same payload arriving through several directories counts
 * once; `!sig` payloads accumulate until the maker's expected count. The wait ends as soon as every
 * maker is complete, or at the timeout with whatever arrived.
 *
 * @module
 */
import { ErrorCodes, PeerwayError, abortError } from '../../core/index.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { DEFAULT_RESPONSE_TIMEOUT_MS, MAX_SIGS_PER_MAKER } from './constants.js';

/** A privmsg as the directory layer hands it over, after signature checking. */
export interface IncomingPrivmsg {
  /** The sender's nick, as parsed from the line. */
  from: string;
  /** The command word, with or without `!` (`pubkey`, `!sig`). */
  command: string;
  /** The command's data (signature words already removed). */
  data: string;
  /** Where it arrived: `direct` or `directory:<host:port>`. */
  channel: string;
  /** True when the signature verified and its key hashes to `from`. Unverified messages never count. */
  verified: boolean;
}

/** A maker's answer. */
export type MakerResponse =
  | {
      error: false;
      /** The first payload (the only one except for `!sig`). */
      data: string;
      /** Every distinct payload in arrival order (one per input for `!sig`). */
      messages: string[];
      /** The channel of the first payload. */
      channel: string;
    }
  | {
      error: true;
      /** The maker's error text. */
      data: string;
      /** The channel the error came through. */
      channel: string;
    };

/** Options for {@link ResponseCollector}. */
export interface ResponseCollectorInit {
  /** Makers to wait for. */
  nicks: Iterable<string>;
  /** Command to wait for, with or without `!` (`pubkey`, `!ioauth`, `!sig`). */
  command: string;
  /** How long to wait; the result then holds whoever answered. @default 60000 */
  timeout?: number;
  /**
   * Messages needed per maker before it counts as complete (for `!sig`: its number of inputs).
   * @default 1 for every maker
   */
  expectedCounts?: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
  /**
   * Turns a payload into the form that is compared and returned, for example decrypting an
   * encrypted command with the maker's session. A throw drops that message (`stats.undecodable`).
   * @default the payload unchanged
   */
  decode?: (nick: string, data: string) => string;
  /** Time source. @default systemClock */
  clock?: Clock;
  /** Rejects the wait with ERR_ABORTED (or ERR_TIMEOUT for a timeout signal). @default undefined */
  signal?: AbortSignal | undefined;
}

/** What {@link ResponseCollector.push} did with a message. */
export type PushOutcome = 'accepted' | 'duplicate' | 'unverified' | 'ignored' | 'undecodable';

/** Counters of {@link ResponseCollector}. */
export interface ResponseCollectorStats {
  accepted: number;
  duplicates: number;
  unverified: number;
  ignored: number;
  undecodable: number;
  errors: number;
  [key: string]: number;
}

interface Pending {
  expected: number;
  payloads: string[];
  seen: Set<string>;
  channel: string;
  error: { data: string; channel: string } | undefined;
}

function bare(command: string): string {
  return command.startsWith('!') ? command.slice(1) : command;
}

/**
 * One wait for responses from a set of makers.
 *
 * @example
 * ```ts
 * const wait = new ResponseCollector({ nicks: ['J5a', 'J5b'], command: '!sig', expectedCounts: { J5a: 2, J5b: 1 } });
 * pool.on('privmsg', (msg) => wait.push(msg));
 * const answers = await wait.wait(); // Map nick -> MakerResponse
 * ```
 */
export class ResponseCollector {
  /** Counters; read at any time. */
  readonly stats: ResponseCollectorStats = {
    accepted: 0,
    duplicates: 0,
    unverified: 0,
    ignored: 0,
    undecodable: 0,
    errors: 0,
  };
  readonly #command: string;
  readonly #pending = new Map<string, Pending>();
  readonly #decode: ((nick: string, data: string) => string) | undefined;
  readonly #clock: Clock;
  readonly #timeout: number;
  readonly #signal: AbortSignal | undefined;
  #incomplete: number;
  #timer: TimerHandle | undefined;
  #promise: Promise<Map<string, MakerResponse>> | undefined;
  #resolve: ((value: Map<string, MakerResponse>) => void) | undefined;
  #reject: ((reason: unknown) => void) | undefined;
  #done = false;
  readonly #onAbort = (): void => this.#end(abortError(this.#signal!, 'waitForResponses'));

  constructor(init: ResponseCollectorInit) {
    this.#command = bare(init.command);
    this.#decode = init.decode;
    this.#clock = init.clock ?? systemClock;
    this.#timeout = init.timeout ?? DEFAULT_RESPONSE_TIMEOUT_MS;
    this.#signal = init.signal;
    const counts = init.expectedCounts;
    const countOf = (nick: string): number => {
      if (counts === undefined) return 1;
      const map = counts as ReadonlyMap<string, number>;
      const value: number | undefined =
        typeof map.get === 'function' ? map.get(nick) : (counts as Readonly<Record<string, number>>)[nick];
      return value ?? 1;
    };
    for (const nick of init.nicks) {
      const expected = countOf(nick);
      if (!Number.isInteger(expected) || expected < 1 || expected > MAX_SIGS_PER_MAKER) {
        throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `expected count for ${nick} out of range`);
      }
      this.#pending.set(nick, { expected, payloads: [], seen: new Set(), channel: '', error: undefined });
    }
    this.#incomplete = this.#pending.size;
  }

  /** True once every maker answered, errored, or the wait ended. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * Starts the timeout and resolves with nick → response for every maker that answered (complete
   * or not) when all are complete or the timeout passes. A second call returns the same promise.
   */
  wait(): Promise<Map<string, MakerResponse>> {
    if (this.#promise !== undefined) return this.#promise;
    const promise = this.#ensurePromise();
    if (this.#signal?.aborted === true) this.#end(abortError(this.#signal, 'waitForResponses'));
    else if (this.#incomplete === 0) this.#end();
    else {
      this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
      this.#timer = this.#clock.setTimeout(() => this.#end(), this.#timeout);
    }
    return promise;
  }

  #ensurePromise(): Promise<Map<string, MakerResponse>> {
    this.#promise ??= new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    return this.#promise;
  }

  /** Offers one received privmsg. Safe to call for every message; unrelated ones are ignored. */
  push(message: IncomingPrivmsg): PushOutcome {
    const pending = this.#pending.get(message.from);
    const command = bare(message.command);
    if (this.#done || pending === undefined || (command !== this.#command && command !== 'error')) {
      this.stats.ignored += 1;
      return 'ignored';
    }
    if (!message.verified) {
      this.stats.unverified += 1;
      return 'unverified';
    }
    if (pending.error !== undefined || pending.payloads.length >= pending.expected) {
      this.stats.duplicates += 1;
      return 'duplicate';
    }
    if (command === 'error') {
      pending.error = { data: message.data, channel: message.channel };
      this.stats.errors += 1;
      this.#completed();
      return 'accepted';
    }
    let payload = message.data;
    if (this.#decode !== undefined) {
      try {
        payload = this.#decode(message.from, message.data);
      } catch {
        this.stats.undecodable += 1;
        return 'undecodable';
      }
    }
    if (pending.seen.has(payload)) {
      this.stats.duplicates += 1;
      return 'duplicate';
    }
    pending.seen.add(payload);
    pending.payloads.push(payload);
    if (pending.payloads.length === 1) pending.channel = message.channel;
    this.stats.accepted += 1;
    if (pending.payloads.length === pending.expected) this.#completed();
    return 'accepted';
  }

  /** The responses gathered so far. */
  results(): Map<string, MakerResponse> {
    const out = new Map<string, MakerResponse>();
    for (const [nick, p] of this.#pending) {
      if (p.error !== undefined) out.set(nick, { error: true, ...p.error });
      else if (p.payloads.length > 0) {
        out.set(nick, { error: false, data: p.payloads[0]!, messages: [...p.payloads], channel: p.channel });
      }
    }
    return out;
  }

  /**
   * Ends the wait now with what arrived and returns the wait's promise (the same one on every
   * call). Leaves no timer or abort listener behind.
   */
  stop(): Promise<Map<string, MakerResponse>> {
    this.#end();
    return this.#ensurePromise();
  }

  /** Stops the wait, for `await using`; never rejects. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop().catch(() => undefined);
  }

  #completed(): void {
    this.#incomplete -= 1;
    if (this.#incomplete === 0 && this.#promise !== undefined) this.#end();
  }

  #end(error?: PeerwayError): void {
    if (this.#done) return;
    const promise = this.#ensurePromise();
    // A rejection nobody awaits yet must not become an unhandled rejection.
    promise.catch(() => {});
    this.#done = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    if (error !== undefined) this.#reject!(error);
    else this.#resolve!(this.results());
  }
}
