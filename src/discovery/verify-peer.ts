/**
 * Verifying a peer by connecting to it ourselves: TLS first, then TCP, then other port pairs
 * (onions only through the SOCKS5 proxy). On the first session that answers: `server.version`,
 * then `server.features` and `server.peers.subscribe` together. The genesis hash must match, the
 * host we dialled must be listed in `hosts`, and every peers entry must parse; then any extra
 * checks run (a chain-specific header check would plug in there). On a public network a peer
 * whose name resolves to (or who is reached at) a loopback, private or reserved address is bad.
 *
 * @module
 */
import { isIP } from 'node:net';
import { ErrorCodes, PeerwayError, type AbortOptions, type Logger, silentLogger } from '../core/index.js';
import { systemResolver, type Resolver } from './add-peer.js';
import { DEFAULT_PORTS, DIAL_REQUEST_TIMEOUT_MS, TOR_REQUEST_TIMEOUT_MS } from './constants.js';
import { ElectrumClient, type DialTarget } from './electrum-client.js';
import { parseFeatures, type ParsedFeatures } from './features.js';
import { parsePeersReply, type PeerEntry } from './peer-entry.js';
import type { PeerRecord } from './peer-store.js';
import { isPublicHost } from './net-address.js';
import { isOnion, isPublicAddress, type SocksProxy } from '../transport/index.js';

/** What an extra check gets. Throw ERR_DISCOVERY_BAD_PEER to mark the peer bad. */
export interface PeerCheckContext extends AbortOptions {
  readonly client: ElectrumClient;
  readonly host: string;
  readonly features: ParsedFeatures;
}

/** A network-specific check run after the generic ones pass. */
export type PeerCheck = (context: PeerCheckContext) => Promise<void>;

/** The result of one verification. */
export type VerifyOutcome =
  | {
      readonly status: 'good';
      readonly target: DialTarget;
      /** The address connected to (null through a proxy). */
      readonly ipAddr: string | null;
      readonly features: ParsedFeatures;
      readonly peers: PeerEntry[];
    }
  | {
      readonly status: 'bad';
      readonly reason: string;
      /** Forget the peer at once (refused before dialling: blacklisted, or the sybil rule). */
      readonly drop?: boolean;
    }
  | { readonly status: 'unreachable'; readonly reason: string };

/** Options for {@link verifyPeer}. */
export interface VerifyOptions extends AbortOptions {
  /** The genesis hash (network id) a peer must report. */
  genesisHash: string;
  /** The SOCKS5 proxy, when we have one. @default undefined */
  proxy?: SocksProxy | undefined;
  /** Send every connection through the proxy, not only onions. @default false */
  forceProxy?: boolean | undefined;
  /** Per-request timeout, clearnet. @default 30000 */
  requestTimeout?: number | undefined;
  /** Per-request timeout over Tor. @default 120000 */
  torRequestTimeout?: number | undefined;
  /** Connect timeout. @default 30000 */
  connectTimeout?: number | undefined;
  /** Local address for direct connections. @default undefined */
  localAddress?: string | undefined;
  /** Extra checks. @default [] */
  checks?: readonly PeerCheck[] | undefined;
  /** Runs while the session is still open, after the peer proved good (self-announcement). */
  afterGood?:
    | ((client: ElectrumClient, outcome: Extract<VerifyOutcome, { status: 'good' }>) => Promise<void>)
    | undefined;
  /**
   * Dial peers whose names or addresses are loopback, private or reserved (test networks); off,
   * such a peer is bad before any connection and after one that landed there. @default false
   */
  allowPrivate?: boolean | undefined;
  /** Resolves a peer's name before it is dialled, to judge its addresses. @default systemResolver */
  resolve?: Resolver | undefined;
  /** Ports meant by bare `s`/`t` tokens. @default { t: 50001, s: 50002 } */
  defaultPorts?: { t: number; s: number } | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
}

/** The connection attempts for a record (or a crawl candidate), in ElectrumX's order: SSL, TCP, others. */
export function dialTargets(
  record: Pick<PeerRecord, 'host' | 'sslPort' | 'tcpPort'> & { otherPorts?: PeerRecord['otherPorts'] },
): DialTarget[] {
  const out: DialTarget[] = [];
  const add = (transport: 'tcp' | 'ssl', port: number | null): void => {
    if (port !== null && !out.some((t) => t.transport === transport && t.port === port)) {
      out.push({ host: record.host, port, transport });
    }
  };
  add('ssl', record.sslPort);
  add('tcp', record.tcpPort);
  for (const pair of record.otherPorts ?? []) add(pair.transport, pair.port);
  return out;
}

function bad(message: string): PeerwayError {
  return new PeerwayError(ErrorCodes.DISCOVERY_BAD_PEER, message);
}

async function session(
  client: ElectrumClient,
  target: DialTarget,
  opts: VerifyOptions,
): Promise<Extract<VerifyOutcome, { status: 'good' }>> {
  const signal = opts.signal;
  await client.version(undefined, undefined, { signal });
  const [rawFeatures, rawPeers] = await Promise.all([client.features({ signal }), client.peers({ signal })]);
  const features = parseFeatures(rawFeatures);
  if (features === undefined) throw bad('server.features is not a dict with a dict "hosts"');
  if (features.genesisHash !== opts.genesisHash)
    throw bad(`genesis hash ${String(features.genesisHash)} differs`);
  if (!features.hosts.has(target.host.toLowerCase()))
    throw bad(`${target.host} is not among the advertised hosts`);
  const peers = parsePeersReply(rawPeers, opts.defaultPorts ?? DEFAULT_PORTS);
  for (const check of opts.checks ?? []) await check({ client, host: target.host, features, signal });
  const viaProxy = opts.proxy !== undefined && (isOnion(target.host) || opts.forceProxy === true);
  return { status: 'good', target, ipAddr: viaProxy ? null : client.remoteAddress || null, features, peers };
}

/**
 * Verifies `record`. Never throws for network trouble: the outcome says good, bad (a protocol
 * violation: mark the peer bad) or unreachable (no attempt got through: count a failure).
 */
export async function verifyPeer(record: PeerRecord, opts: VerifyOptions): Promise<VerifyOutcome> {
  const logger = opts.logger ?? silentLogger;
  const onion = isOnion(record.host);
  if (onion && opts.proxy === undefined)
    return { status: 'unreachable', reason: 'onion peer and no Tor proxy' };
  const viaProxy = onion || opts.forceProxy === true;
  const targets = dialTargets(record);
  if (targets.length === 0) return { status: 'bad', reason: 'no ports advertised' };
  if (!viaProxy && opts.allowPrivate !== true) {
    const refused = await nonPublicAddress(record.host, opts.resolve ?? systemResolver);
    if (refused !== undefined) return { status: 'bad', reason: refused };
  }
  let lastReason = 'no attempt';
  for (const target of targets) {
    opts.signal?.throwIfAborted();
    let client: ElectrumClient | undefined;
    try {
      client = await ElectrumClient.connect({
        ...target,
        proxy: viaProxy ? opts.proxy : undefined,
        signal: opts.signal,
        connectTimeout: opts.connectTimeout,
        requestTimeout: viaProxy
          ? (opts.torRequestTimeout ?? TOR_REQUEST_TIMEOUT_MS)
          : (opts.requestTimeout ?? DIAL_REQUEST_TIMEOUT_MS),
        localAddress: viaProxy ? undefined : opts.localAddress,
      });
      // The name may have resolved differently for the dial than for the check above.
      if (
        !viaProxy &&
        opts.allowPrivate !== true &&
        client.remoteAddress !== '' &&
        !isPublicAddress(client.remoteAddress)
      ) {
        return { status: 'bad', reason: `${record.host} was reached at non-public ${client.remoteAddress}` };
      }
      const outcome = await session(client, target, opts);
      if (opts.afterGood !== undefined) {
        await opts
          .afterGood(client, outcome)
          .catch((err: unknown) => logger.debug({ err }, 'after-verify step failed'));
      }
      return outcome;
    } catch (err) {
      const code = err instanceof PeerwayError ? err.code : undefined;
      const reason = err instanceof Error ? err.message : String(err);
      if (code === ErrorCodes.DISCOVERY_BAD_PEER || code === ErrorCodes.DISCOVERY_VERSION_REFUSED) {
        return { status: 'bad', reason };
      }
      if (code === ErrorCodes.ABORTED && opts.signal?.aborted === true) throw err;
      lastReason = `${target.transport}:${target.port}: ${reason}`;
      logger.debug({ host: record.host, target, reason }, 'verification attempt failed');
    } finally {
      await client?.close();
    }
  }
  return { status: 'unreachable', reason: lastReason };
}

/** Why `host` must not be dialled (it is or resolves to a non-public address), or undefined. */
async function nonPublicAddress(host: string, resolve: Resolver): Promise<string | undefined> {
  if (isIP(host) !== 0) return isPublicAddress(host) ? undefined : `${host} is not a public address`;
  if (!isPublicHost(host)) return `${host} is not a public name`;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch {
    return undefined; // the dial fails the same way and counts as unreachable
  }
  const inner = addresses.find((a) => !isPublicAddress(a));
  return inner === undefined ? undefined : `${host} resolves to non-public ${inner}`;
}
