import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/index.js';
import {
  EVENT_HEARTBEAT_MS,
  EVENT_INTERVAL_MS,
  EVENT_STALL_TIMEOUT_MS,
  MAX_EVENT_STREAMS,
} from './constants.js';

/** Counters of an {@link EventStream}. */
export interface EventStreamStats {
  [key: string]: number;
  /** Streams open now. */
  streams: number;
  /** Streams refused because {@link EventStreamInit.maxStreams} were open. */
  refused: number;
  /** Streams closed because their client stopped reading for too long. */
  stalled: number;
  /** Updates skipped for a client whose socket was backed up (it gets a full one on drain). */
  skipped: number;
  /** Events written (one per stream each). */
  sent: number;
  /** Times the sections were read and serialized. */
  ticks: number;
}

/** Options for {@link EventStream}. */
export interface EventStreamInit {
  /**
   * The sections, each read on every tick while a stream is open: its JSON is sent as an event
   * named after it when it differs from the last one sent. A section with `changed` is read only
   * when `changed()` says so (a large one that announces its changes, such as the orderbook).
   */
  sections: Record<string, EventSection>;
  /** Time between ticks. @default EVENT_INTERVAL_MS (500 ms) */
  intervalMs?: number;
  /** @default MAX_EVENT_STREAMS (64) */
  maxStreams?: number;
  /** @default EVENT_STALL_TIMEOUT_MS (10 s) */
  stallTimeoutMs?: number;
  /** @default EVENT_HEARTBEAT_MS (15 s) */
  heartbeatMs?: number;
  logger: Logger;
}

/** A section: a reader, or a reader with a change flag. */
export type EventSection = (() => unknown) | { read: () => unknown; changed: () => boolean };

interface Client {
  res: ServerResponse;
  /** Set while the socket is backed up: nothing is written until it drains. */
  blockedSince: number | undefined;
  /** An update was skipped while backed up: every section is sent again on drain. */
  missed: boolean;
}

/**
 * Server-sent events for the dashboard (`GET /api/events`). One timer reads the sections a few
 * times a second, serializes each once, and writes the ones that changed to every stream, so the
 * cost of a tick is one serialization plus one write per open page. A new stream first gets every
 * section. A client that stops reading is sent nothing while its socket is backed up (when an
 * update was skipped meanwhile, it gets every section again once it drains) and is closed after {@link EVENT_STALL_TIMEOUT_MS}: it holds
 * at most one update beyond the kernel's buffer. Streams are capped; the timer runs only while
 * one is open.
 */
export class EventStream {
  readonly stats: EventStreamStats = { streams: 0, refused: 0, stalled: 0, skipped: 0, sent: 0, ticks: 0 };
  readonly #clients = new Set<Client>();
  readonly #sections: Record<string, EventSection>;
  readonly #last = new Map<string, string>();
  readonly #intervalMs: number;
  readonly #maxStreams: number;
  readonly #stallTimeoutMs: number;
  readonly #heartbeatMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(init: EventStreamInit) {
    this.#sections = init.sections;
    this.#intervalMs = init.intervalMs ?? EVENT_INTERVAL_MS;
    this.#maxStreams = init.maxStreams ?? MAX_EVENT_STREAMS;
    this.#stallTimeoutMs = init.stallTimeoutMs ?? EVENT_STALL_TIMEOUT_MS;
    this.#heartbeatMs = init.heartbeatMs ?? EVENT_HEARTBEAT_MS;
    this.#logger = init.logger;
  }

  /** Bytes waiting in the streams' write buffers (not counting the kernel's). */
  get bufferedBytes(): number {
    let total = 0;
    for (const c of this.#clients) total += c.res.writableLength;
    return total;
  }

  /** Takes a request over as an event stream (the HTTP server's `stream` route). */
  accept(req: IncomingMessage, res: ServerResponse): void {
    if (this.#closed || this.#clients.size >= this.#maxStreams) {
      this.stats.refused++;
      const body = JSON.stringify({ error: 'too many event streams' });
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '5' });
      res.end(`${body}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    // Long-lived: the idle timeout must not cut it (the heartbeat keeps traffic flowing, and a
    // stalled reader is closed by the stall check instead).
    req.socket.setTimeout(0);
    const client: Client = { res, blockedSince: undefined, missed: false };
    this.#clients.add(client);
    this.stats.streams = this.#clients.size;
    res.on('drain', () => {
      client.blockedSince = undefined;
      if (!client.missed) return;
      client.missed = false;
      this.#sendAll(client);
    });
    res.once('close', () => {
      this.#clients.delete(client);
      this.stats.streams = this.#clients.size;
      if (this.#clients.size === 0) this.#stopTimers();
    });
    res.write(`retry: 2000\n\n`);
    this.#sendAll(client);
    this.#startTimers();
  }

  /** Ends every stream and stops the timers; idempotent. */
  close(): void {
    this.#closed = true;
    this.#stopTimers();
    for (const c of this.#clients) c.res.destroy();
    this.#clients.clear();
    this.stats.streams = 0;
  }

  #startTimers(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
    this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs);
  }

  #stopTimers(): void {
    clearInterval(this.#timer);
    clearInterval(this.#heartbeat);
    this.#timer = undefined;
    this.#heartbeat = undefined;
    this.#last.clear();
  }

  /** Serializes one section; a section that throws is logged and skipped this tick. */
  #read(name: string): string | undefined {
    const section = this.#sections[name]!;
    try {
      return JSON.stringify(typeof section === 'function' ? section() : section.read());
    } catch (err) {
      this.#logger.warn({ err: String(err), section: name }, 'event section failed');
      return undefined;
    }
  }

  #tick(): void {
    this.stats.ticks++;
    const now = Date.now();
    const changed: string[] = [];
    for (const [name, section] of Object.entries(this.#sections)) {
      if (typeof section !== 'function' && this.#last.has(name) && !section.changed()) continue;
      const json = this.#read(name);
      if (json === undefined || this.#last.get(name) === json) continue;
      this.#last.set(name, json);
      changed.push(frame(name, json));
    }
    for (const client of this.#clients) {
      if (client.blockedSince !== undefined) {
        if (now - client.blockedSince > this.#stallTimeoutMs) {
          this.stats.stalled++;
          client.res.destroy();
        } else if (changed.length > 0) {
          this.stats.skipped++;
          client.missed = true;
        }
        continue;
      }
      if (changed.length > 0) this.#write(client, changed.join(''), changed.length);
    }
  }

  #beat(): void {
    for (const client of this.#clients) {
      if (client.blockedSince === undefined) this.#write(client, ': ping\n\n', 0);
    }
  }

  /** Every section to one client: its first event, and after its socket drained. */
  #sendAll(client: Client): void {
    const frames: string[] = [];
    for (const name of Object.keys(this.#sections)) {
      const json = this.#last.get(name) ?? this.#read(name);
      if (json !== undefined) frames.push(frame(name, json));
    }
    this.#write(client, frames.join(''), frames.length);
  }

  #write(client: Client, text: string, events: number): void {
    if (client.res.destroyed) return;
    this.stats.sent += events;
    if (!client.res.write(text)) client.blockedSince = Date.now();
  }
}

function frame(name: string, json: string): string {
  return `event: ${name}\ndata: ${json}\n\n`;
}
