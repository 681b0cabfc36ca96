/**
 * What one instance knows of the rest of the cluster: the nicks registered on other instances
 * (from the key-value bucket's change feed, newest revision wins) and when each instance was
 * last heard from. Pure bookkeeping, no I/O.
 *
 * @module
 */
import { formatPeerlistEntry } from '../wire/index.js';
import type { RemotePeer } from '../server/index.js';
import type { PresenceRecord } from './cluster-codec.js';

/** A nick on another instance, at a key-value revision. */
export class RemoteNick implements RemotePeer {
  #plain: string | undefined;

  constructor(
    readonly nick: string,
    readonly record: PresenceRecord,
    readonly revision: number,
  ) {}

  get location(): string {
    return this.record.l;
  }

  get instance(): string {
    return this.record.i;
  }

  entry(withFeatures: boolean): string {
    if (!withFeatures || this.record.f.length === 0) return (this.#plain ??= this.nick + ';' + this.record.l);
    return formatPeerlistEntry({
      nick: this.nick,
      location: this.record.l,
      disconnected: false,
      features: this.record.f,
    });
  }
}

/** One other instance. */
export interface InstanceRecord {
  /** Its directory location ('' until its first heartbeat). */
  location: string;
  /** When it was last heard from (ms), or first seen named in a presence record. */
  lastHeard: number;
}

/** Remote nicks and the instances they live on. */
export class PresenceTable {
  readonly nicks = new Map<string, RemoteNick>();
  readonly instances = new Map<string, InstanceRecord>();

  /** Notes a heartbeat. */
  heard(id: string, location: string, now: number): void {
    const known = this.instances.get(id);
    if (known === undefined) this.instances.set(id, { location, lastHeard: now });
    else {
      known.lastHeard = now;
      known.location = location;
    }
  }

  /**
   * Sets a remote nick unless a newer revision is already known. An instance first named here
   * starts its silence clock now, so one that died before we started is found dead too.
   */
  put(nick: RemoteNick, now: number): boolean {
    const known = this.nicks.get(nick.nick);
    if (known !== undefined && known.revision >= nick.revision) return false;
    this.nicks.set(nick.nick, nick);
    if (!this.instances.has(nick.instance))
      this.instances.set(nick.instance, { location: '', lastHeard: now });
    return true;
  }

  /** Removes a remote nick if `revision` is newer than what is known; returns what was removed. */
  remove(nick: string, revision: number): RemoteNick | undefined {
    const known = this.nicks.get(nick);
    if (known === undefined || known.revision >= revision) return undefined;
    this.nicks.delete(nick);
    return known;
  }

  /** Pretends every instance was heard from now (after our own stall or outage, silence proves nothing). */
  forgive(now: number): void {
    for (const record of this.instances.values()) record.lastHeard = now;
  }

  /** Instances silent for longer than `deadAfter`, taken out of the table. */
  takeDead(now: number, deadAfter: number): string[] {
    const dead: string[] = [];
    for (const [id, record] of this.instances) {
      if (now - record.lastHeard > deadAfter) {
        dead.push(id);
        this.instances.delete(id);
      }
    }
    return dead;
  }

  /** Nicks on `instance`. */
  nicksOn(instance: string): RemoteNick[] {
    return [...this.nicks.values()].filter((n) => n.instance === instance);
  }
}
