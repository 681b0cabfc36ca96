/**
 * The listener's state machine: header first, then answer each proposal with its echo, `na`, or
 * the `ls` list, until a protocol is echoed. Replies to one received chunk leave in one write, so
 * a pipelined header + proposal gets header + answer in a single segment. Portable.
 *
 * @module
 */
import { ErrorCodes } from '../core/portable.js';
import { MAX_LS_PER_NEGOTIATION, MAX_NA_PER_NEGOTIATION } from './constants.js';
import { badHeader, messageText, multistreamError } from './errors.js';
import { Exchange } from './exchange.js';
import { HEADER_FRAME, HEADER_LINE, LS_LINE, NA_FRAME, sameBytes } from './frames.js';
import type { ProtocolTable, ResultPicker } from './protocol-table.js';

/** Most refused proposals kept for an error's details. */
const TRIED_KEPT = 16;

/** Counters a listener keeps (owned by {@link Multiselect}). */
export interface ListenerCounters {
  na: number;
  ls: number;
}

/** The listener side of one negotiation; resolves with what `pick` takes from the chosen entry. */
export class ListenerExchange<H, R> extends Exchange<R> {
  private gotHeader = false;
  private headerSent = false;
  private tried: string[] | undefined;
  private lsAnswered = 0;
  private refused = 0;

  constructor(
    private readonly table: ProtocolTable<H>,
    private readonly counters: ListenerCounters,
    private readonly eagerHeader: boolean,
    private readonly pick: ResultPicker<H, R>,
  ) {
    super();
  }

  begin(): void {
    if (this.eagerHeader) {
      this.send(HEADER_FRAME);
      this.headerSent = true;
    }
  }

  protected onMessage(message: Uint8Array): boolean {
    if (!this.gotHeader) {
      if (!sameBytes(message, HEADER_LINE)) throw badHeader(message);
      this.gotHeader = true;
      if (!this.headerSent) {
        this.send(HEADER_FRAME);
        this.headerSent = true;
      }
      return false;
    }
    const entry = this.table.lookup(message);
    if (entry !== undefined) {
      // The common pipelined case: header + echo as one cached frame.
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
    if (this.tried.length < TRIED_KEPT) this.tried.push(messageText(message));
    this.send(NA_FRAME);
    return false;
  }

  context(): Record<string, unknown> {
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
