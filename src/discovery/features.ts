/**
 * `server.features`: the dict a server describes itself with, both ways. Parsing is lenient the way
 * ElectrumX is (ports may be strings, unknown keys are kept) and strict where it matters (the
 * result must be a dict with a dict `hosts`).
 *
 * @module
 */
import { MAX_FEATURE_HOSTS } from './constants.js';
import { isValidHost } from './net-address.js';

/** The ports one advertised host offers; null when that transport is not offered. */
export interface HostPorts {
  tcpPort: number | null;
  sslPort: number | null;
}

/** A parsed `server.features` result. */
export interface ParsedFeatures {
  /** Advertised hosts, lower-cased, in the order sent (the first is what add_peer looks at). */
  readonly hosts: Map<string, HostPorts>;
  readonly genesisHash: string | null;
  readonly protocolMin: string | null;
  readonly protocolMax: string | null;
  readonly serverVersion: string | null;
  readonly hashFunction: string | null;
  readonly pruning: number | null;
  /** The dict as received, unknown keys included. */
  readonly raw: Record<string, unknown>;
}

/** A port from a number or a digit string; null outside 1..65535 (ElectrumX `Peer._port`). */
export function toPort(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d{1,5}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Parses a features dict; undefined when it is not a dict with a dict `hosts`. */
export function parseFeatures(value: unknown): ParsedFeatures | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const raw = value as Record<string, unknown>;
  const hostsValue = raw.hosts;
  if (typeof hostsValue !== 'object' || hostsValue === null || Array.isArray(hostsValue)) return undefined;
  const hosts = new Map<string, HostPorts>();
  for (const [name, ports] of Object.entries(hostsValue as Record<string, unknown>).slice(
    0,
    MAX_FEATURE_HOSTS,
  )) {
    const host = name.toLowerCase();
    if (!isValidHost(host)) continue;
    const p = typeof ports === 'object' && ports !== null ? (ports as Record<string, unknown>) : {};
    hosts.set(host, { tcpPort: toPort(p.tcp_port), sslPort: toPort(p.ssl_port) });
  }
  const pruning = raw.pruning;
  return {
    hosts,
    genesisHash: str(raw.genesis_hash),
    protocolMin: str(raw.protocol_min),
    protocolMax: str(raw.protocol_max),
    serverVersion: str(raw.server_version),
    hashFunction: str(raw.hash_function),
    pruning: typeof pruning === 'number' && Number.isInteger(pruning) && pruning > 0 ? pruning : null,
    raw,
  };
}

/** What we say about ourselves. */
export interface OwnIdentity {
  /** Host name (or IP, or onion) to ports. */
  hosts: Record<string, { tcpPort?: number | undefined; sslPort?: number | undefined }>;
  genesisHash: string;
  serverVersion: string;
  protocolMin: string;
  protocolMax: string;
  pruning?: number | null | undefined;
}

/** Builds our `server.features` result. */
export function buildFeatures(own: OwnIdentity): Record<string, unknown> {
  const hosts: Record<string, { tcp_port: number | null; ssl_port: number | null }> = {};
  const services: string[] = [];
  for (const [host, p] of Object.entries(own.hosts)) {
    hosts[host] = { tcp_port: p.tcpPort ?? null, ssl_port: p.sslPort ?? null };
    const shown = host.includes(':') ? `[${host}]` : host;
    if (p.tcpPort !== undefined) services.push(`tcp://${shown}:${p.tcpPort}`);
    if (p.sslPort !== undefined) services.push(`ssl://${shown}:${p.sslPort}`);
  }
  return {
    hosts,
    pruning: own.pruning ?? null,
    server_version: own.serverVersion,
    protocol_min: own.protocolMin,
    protocol_max: own.protocolMax,
    genesis_hash: own.genesisHash,
    hash_function: 'sha256',
    services,
  };
}
