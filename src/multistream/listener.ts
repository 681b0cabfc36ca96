/**
 * The listener's state machine: header first, then answer each proposal with its echo, `na`, or
 * the `ls` list, until a protocol is echoed. Replies to one received chunk leave in one write, so
 * a pipelined header + proposal gets header + answer in a single segment.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import { ErrorCodes } from '../core/index.js';
import { MAX_LS_PER_NEGOTIATION, MAX_NA_PER_NEGOTIATION } from './constants.js';
import { badHeader, multistreamError } from './errors.js';
import { HEADER_FRAME, HEADER_LINE, LS_LINE, NA_FRAME, sameBytes } from './frames.js';
import { Negotiation, type NegotiateOptions } from './negotiation.js';
import type { ProtocolTable, ResultPicker } from './protocol-table.js';

/** Most refused proposals kept for an error's details. */
const TRIED_KEPT = 16;

/** Options for a listener negotiation. */
export interface ListenOptions extends NegotiateOptions {
  /**
   * Write our header at once instead of after the dialer's, as go does. Saves nothing on the
   * wire for a pipelining dialer, so it is off by default. @default false
   */
  eagerHeader?: boolean;
}

/** Counters a listener keeps (owned by {@link Multiselect}). */
export interface ListenerCounters {
  na: number;
  ls: number;
}

/** The listener side of one negotiation; resolves with what `pick` takes from the chosen entry. */
export class ListenerNegotiation<H, R> extends Negotiation<R> {
  private gotHeader = false;
  private headerSent = false;
  private tried: string[] | undefined;
  private lsAnswered = 0;
  private refused = 0;

  constructor(
    stream: Duplex,
    private readonly table: ProtocolTable<H>,
    private readonly counters: ListenerCounters,
    private readonly eagerHeader: boolean,
    private readonly pick: ResultPicker<H, R>,
    options: NegotiateOptions,
  ) {
    super(stream, options);
  }

  protected begin(): void {
    if (this.eagerHeader) {
      this.send(HEADER_FRAME);
      this.headerSent = true;
    }
  }

  protected onMessage(message: Buffer): boolean {
    if (!this.gotHeader) {
      if (!sameBytes(message, HEADER_LINE)) {
        throw badHeader(message);
      }
      this.gotHeader = true;
      if (!this.headerSent) {
        this.send(HEADER_FRAME);
        this.headerSent = true;
      }
      return false;
    }
    const entry = this.table.lookup(message);
    if (entry !== undefined) {
      // The common pipelined case: header + echo as one cached buffer.
      if (!this.replaceQueued(HEADER_FRAME, entry.frames.withHeader)) this.send(entry.frames.frame);
      this.result = this.pick(entry);
      return true;
    }
    if (sameBytes(message, LS_LINE)) {
      if (++this.lsAnswered > MAX_LS_PER_NEGOTIATION)
        throw tooManyRounds('ls requests', MAX_LS_PER_NEGOTIATION);
      this.counters.ls++;
      this.send(this.table.ls());
      return false;
    }
    if (++this.refused > MAX_NA_PER_NEGOTIATION)
      throw tooManyRounds('refused proposals', MAX_NA_PER_NEGOTIATION);
    this.counters.na++;
    this.tried ??= [];
    if (this.tried.length < TRIED_KEPT) this.tried.push(message.toString('utf8', 0, message.length - 1));
    this.send(NA_FRAME);
    return false;
  }

  protected context(): Record<string, unknown> {
    return { role: 'listener', protocols: this.table.protocols(), tried: this.tried ?? [] };
  }
}

function tooManyRounds(what: string, limit: number): Error {
  return multistreamError(
    ErrorCodes.MULTISTREAM_TOO_MANY_ROUNDS,
    `more than ${limit} ${what} in one negotiation`,
    { limit },
  );
}
