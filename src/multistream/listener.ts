/**
 * The listener's state machine: header first, then answer each proposal with its echo, `na`, or
 * the `ls` list, until a protocol is echoed. Replies to one received chunk leave in one write, so
 * a pipelined header + proposal gets header + answer in a single segment.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import {
  HEADER_FRAME,
  HEADER_TEXT,
  LS_TEXT,
  NA_FRAME,
  encodeLsReply,
  protocolFrames,
  sameBytes,
  type ProtocolFrames,
} from './codec.js';
import { badHeader } from './errors.js';
import { Exchange, type NegotiateOptions } from './exchange.js';

/** Most refused proposals kept for an error's details. */
const TRIED_KEPT = 16;

/** One offered protocol: its frames, its handler, and the result handed out when it is chosen. */
export interface TableEntry<H> {
  readonly frames: ProtocolFrames;
  readonly handler: H;
  readonly negotiated: Negotiated<H>;
}

/** What a negotiation resolves with, picked from the chosen entry (no allocation per call). */
export type ResultPicker<H, R> = (entry: TableEntry<H>) => R;

/** The protocols a listener offers, indexed by their exact bytes. */
export class ProtocolTable<H> {
  private readonly byKey = new Map<string, TableEntry<H>>();
  private lsReply: Buffer | undefined;

  /** Adds or replaces `protocol`; throws ERR_INVALID_ARGUMENT for an invalid id. */
  set(protocol: string, handler: H): void {
    const frames = protocolFrames(protocol);
    this.byKey.set(frames.key, { frames, handler, negotiated: { protocol, handler } });
    this.lsReply = undefined;
  }

  /** Removes `protocol`; returns whether it was there. */
  delete(protocol: string): boolean {
    const removed = this.byKey.delete(protocolFrames(protocol).key);
    if (removed) this.lsReply = undefined;
    return removed;
  }

  /** The entry whose bytes equal `text`, if any. */
  lookup(text: Buffer): TableEntry<H> | undefined {
    return this.byKey.get(text.toString('latin1'));
  }

  /** The offered ids in insertion order. */
  protocols(): string[] {
    return [...this.byKey.values()].map((e) => e.frames.protocol);
  }

  /** The cached `ls` reply. */
  ls(): Buffer {
    this.lsReply ??= encodeLsReply(this.protocols());
    return this.lsReply;
  }
}

/** What the listener agreed on. */
export interface Negotiated<H> {
  /** The protocol echoed to the dialer. */
  protocol: string;
  /** What was registered for it. */
  handler: H;
}

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

export class ListenExchange<H, R> extends Exchange<R> {
  private gotHeader = false;
  private headerSent = false;
  private tried: string[] | undefined;

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
      if (!sameBytes(message, HEADER_TEXT)) {
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
    if (sameBytes(message, LS_TEXT)) {
      this.counters.ls++;
      this.send(this.table.ls());
      return false;
    }
    this.counters.na++;
    this.tried ??= [];
    if (this.tried.length < TRIED_KEPT) this.tried.push(message.toString('utf8'));
    this.send(NA_FRAME);
    return false;
  }

  protected context(): Record<string, unknown> {
    return { role: 'listener', protocols: this.table.protocols(), tried: this.tried ?? [] };
  }
}
