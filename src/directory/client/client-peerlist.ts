/**
 * The client side of getpeerlist: rate-limited requests, chunked answers collected until a quiet
 * gap, and a memory of directories that never answer (the reference ignores 791).
 *
 * @module
 */
import { deferred, raceSignal, type AbortOptions, type Deferred } from '../../core/index.js';
import type { DirectoryClientInit } from './client-options.js';
import {
  GETPEERLIST_CHUNK_GAP_MS,
  GETPEERLIST_MIN_INTERVAL_MS,
  GETPEERLIST_TIMEOUT_MS,
} from './constants.js';
import { MessageType, PEERLIST_CHUNK_SIZE, parsePeerlist, type PeerlistEntry } from '../wire/index.js';

/** What the helper needs from its client. */
interface PeerlistHost {
  send(type: number, line: string): boolean;
  readonly connected: boolean;
  /** True when the directory advertised `feature` in its handshake. */
  directoryHas(feature: string): boolean;
}

/** getpeerlist state of one {@link DirectoryClient}. */
export class ClientPeerlist {
  /** False once the directory let a request go unanswered. */
  supported = true;
  private readonly interval: number;
  private readonly firstTimeout: number;
  private readonly gap: number;
  private lastAt = -Infinity;
  private last: PeerlistEntry[] | undefined;
  private pending: { done: Deferred<void>; entries: PeerlistEntry[]; timer: NodeJS.Timeout } | undefined;
  private inflight: Promise<PeerlistEntry[] | undefined> | undefined;
  private answered = false;

  constructor(
    private readonly host: PeerlistHost,
    init: DirectoryClientInit,
  ) {
    this.interval = init.getpeerlistInterval ?? GETPEERLIST_MIN_INTERVAL_MS;
    this.firstTimeout = init.getpeerlistTimeout ?? GETPEERLIST_TIMEOUT_MS;
    this.gap = init.getpeerlistChunkGap ?? GETPEERLIST_CHUNK_GAP_MS;
  }

  /** Sends 791 (rate-limited) and collects the answer. */
  request(options: AbortOptions): Promise<PeerlistEntry[] | undefined> {
    if (!this.supported) return Promise.resolve(undefined);
    if (this.inflight !== undefined) return this.inflight;
    if (Date.now() - this.lastAt < this.interval) return Promise.resolve(this.last);
    this.inflight = this.run(options).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async run(options: AbortOptions): Promise<PeerlistEntry[] | undefined> {
    this.lastAt = Date.now();
    const done = deferred<void>();
    const timer = setTimeout(() => {
      if (this.pending?.entries.length === 0 && !this.answered) this.supported = false;
      done.resolve();
    }, this.firstTimeout);
    this.answered = false;
    this.pending = { done, entries: [], timer };
    try {
      if (!this.host.send(MessageType.GETPEERLIST, '')) return this.last;
      await raceSignal(done.promise, options.signal, 'getpeerlist');
      if (!this.supported) return undefined;
      this.last = this.pending.entries;
      return this.last;
    } finally {
      clearTimeout(this.pending?.timer);
      this.pending = undefined;
    }
  }

  /**
   * Every 789 passes through here; while a request waits, it is taken as a chunk, but only from a
   * directory that answers getpeerlist (it advertised `peerlist_features`). The reference
   * directory never answers 791, yet sends a short 789 after each privmsg it forwards: taken as
   * the answer, it would drop every maker that is not in it.
   */
  onPeerlist(line: string): PeerlistEntry[] {
    const { entries } = parsePeerlist(line);
    const p = this.pending;
    if (p !== undefined && this.host.directoryHas('peerlist_features')) {
      this.answered = true;
      p.entries.push(...entries);
      clearTimeout(p.timer);
      // A short chunk is the last one; a full one may be followed by more.
      if (entries.length < PEERLIST_CHUNK_SIZE) p.done.resolve();
      else p.timer = setTimeout(() => p.done.resolve(), this.gap);
    }
    return entries;
  }

  /** The connection closed: end any wait. */
  onClose(): void {
    if (this.pending !== undefined) {
      clearTimeout(this.pending.timer);
      this.pending.done.resolve();
    }
  }
}
