/**
 * `server.add_peer(features)`: who may add what. Looks at the first host only; rate-limits per
 * source address and per domain (ElectrumX has one slot for every IP-literal host on the whole
 * server); a clearnet host must resolve to public addresses only (unless the network is private),
 * one of them the caller's; new onions need our Tor proxy and
 * pass a randomly re-opening gate; nothing known is overwritten (new ports are queued as other
 * port pairs); an accepted peer is only scheduled for verification.
 *
 * @module
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { bump, type Logger, silentLogger } from '../core/index.js';
import { ADD_PEER_PAUSE_MS, MAX_OTHER_PORTS, ONION_GATE_MAX_MS, RATE_TABLE_MAX } from './constants.js';
import { parseFeatures } from './features.js';
import { isPublicHost } from './net-address.js';
import { newPeerRecord, type PeerStore, type PortPair } from './peer-store.js';
import { isOnion, isPublicAddress, isValidOnion } from '../transport/index.js';

/** Resolves a host name to its addresses. */
export type Resolver = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo), every address. */
export const systemResolver: Resolver = async (host) =>
  (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Options for {@link AddPeerPolicy}. */
export interface AddPeerPolicyInit {
  store: PeerStore;
  /** Called for each accepted host, to schedule its verification. */
  onAccepted: (host: string) => void;
  /** One call per source address and per domain within this period. @default 600000 */
  pauseMs?: number;
  /** Admit non-public hosts (test networks). @default false */
  privateNetwork?: boolean;
  /** @default () => false */
  hasTorProxy?: () => boolean;
  /** Our own host names, never added. @default [] */
  ownHosts?: readonly string[];
  /** @default systemResolver */
  resolve?: Resolver;
  /** @default Math.random */
  random?: () => number;
  /** @default Date.now */
  now?: () => number;
  /** @default silentLogger */
  logger?: Logger;
}

function normalizeIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip.toLowerCase();
}

/** The rate-limit key of a host: IP literals stand alone, names count under their last two labels. */
export function domainKey(host: string): string {
  if (isIP(host) !== 0) return host;
  return host.split('.').slice(-2).join('.');
}

/** Decides `server.add_peer` calls. */
export class AddPeerPolicy {
  /** Outcome counters: accepted, known, rateLimited, mismatch, invalid, notPublic, onionGate... */
  readonly stats: Record<string, number> = {};
  private readonly bySource = new Map<string, number>();
  private readonly byDomain = new Map<string, number>();
  private onionGateOpens = 0;
  private readonly now: () => number;
  private readonly logger: Logger;

  constructor(private readonly init: AddPeerPolicyInit) {
    this.now = init.now ?? Date.now;
    this.logger = init.logger ?? silentLogger;
  }

  /** Handles one call from `sourceIp`; resolves to the boolean sent back. */
  async handle(params: unknown, sourceIp: string): Promise<boolean> {
    const arg: unknown = Array.isArray(params)
      ? (params as unknown[])[0]
      : (params as Record<string, unknown> | null)?.features;
    const features = parseFeatures(arg);
    const first = features?.hosts.entries().next();
    if (features === undefined || first === undefined || first.done === true) return this.no('invalid');
    const [host, ports] = first.value;
    const source = normalizeIp(sourceIp);
    const now = this.now();
    const pause = this.init.pauseMs ?? ADD_PEER_PAUSE_MS;
    if (this.limited(this.bySource, source, now, pause)) return this.no('rateLimited');
    this.stamp(this.bySource, source, now);
    if ((this.init.ownHosts ?? []).some((h) => h.toLowerCase() === host)) return this.no('self');
    if (isOnion(host)) {
      if (!isValidOnion(host) || this.init.hasTorProxy?.() !== true) return this.no('onionRefused');
      if (!this.init.store.has(host)) {
        if (now < this.onionGateOpens) return this.no('onionGate');
        this.onionGateOpens = now + (this.init.random ?? Math.random)() * ONION_GATE_MAX_MS;
      }
    } else {
      if (this.init.privateNetwork !== true && !isPublicHost(host)) return this.no('notPublic');
      const domain = domainKey(host);
      if (this.limited(this.byDomain, domain, now, pause)) return this.no('rateLimited');
      let addresses: string[];
      try {
        addresses = isIP(host) !== 0 ? [host] : await (this.init.resolve ?? systemResolver)(host);
      } catch (err) {
        this.logger.debug({ err, host }, 'add_peer host does not resolve');
        return this.no('unresolved');
      }
      // A public name may still point at loopback or a private network: judge what it resolves to.
      if (this.init.privateNetwork !== true && !addresses.every(isPublicAddress)) return this.no('notPublic');
      if (!addresses.map(normalizeIp).includes(source)) return this.no('mismatch');
      this.stamp(this.byDomain, domain, now);
    }
    const known = this.init.store.get(host);
    if (known !== undefined) {
      const extra: PortPair[] = [];
      if (ports.sslPort !== null && ports.sslPort !== known.sslPort)
        extra.push({ transport: 'ssl', port: ports.sslPort });
      if (ports.tcpPort !== null && ports.tcpPort !== known.tcpPort)
        extra.push({ transport: 'tcp', port: ports.tcpPort });
      const fresh = extra.filter(
        (p) => !known.otherPorts.some((o) => o.transport === p.transport && o.port === p.port),
      );
      if (fresh.length > 0) {
        known.otherPorts = [...known.otherPorts, ...fresh].slice(-MAX_OTHER_PORTS);
        known.nextCheck = Math.min(known.nextCheck, now);
        this.init.store.put(known);
        this.init.onAccepted(host);
      }
      bump(this.stats, 'known');
      return true;
    }
    const record = newPeerRecord(host, `add_peer:${source}`, now, {
      features: features.raw,
      tcpPort: ports.tcpPort,
      sslPort: ports.sslPort,
      protocolMax: features.protocolMax,
      pruning: features.pruning,
    });
    if (this.init.store.insertIfAbsent(record)) this.init.onAccepted(host);
    bump(this.stats, 'accepted');
    return true;
  }

  private no(reason: string): false {
    bump(this.stats, reason);
    return false;
  }

  private limited(table: Map<string, number>, key: string, now: number, pause: number): boolean {
    const at = table.get(key);
    return at !== undefined && now - at < pause;
  }

  private stamp(table: Map<string, number>, key: string, now: number): void {
    table.delete(key);
    table.set(key, now);
    // Oldest stamps come first (re-stamping moves a key to the end), so trimming the head is cheap.
    while (table.size > RATE_TABLE_MAX) table.delete(table.keys().next().value!);
  }
}
