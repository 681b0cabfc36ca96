import type { Command } from 'commander';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { raceSignal } from '../../core/index.js';
import type { ConfigLayer, PeerwayNode } from '../../node/index.js';
import { PrivateKey } from '../../overlay/index.js';
import { formatAddress, parseAddress, writeSecretFile } from '../../transport/index.js';
import { PEER_POLL_MS, RESOLVE_TIMEOUT_MS } from '../constants.js';
import { optionError } from '../errors.js';
import { collect, limitOrUnlimited, listenAddress, oneOf, secondsOption } from '../parse-flags.js';
import { httpUrls, printHttp, printJsonLine, serviceInfo } from '../print-node.js';
import { runNode } from '../run-node.js';
import {
  addServeOptions,
  oneServiceLayers,
  serviceLayer,
  splitByValueSource,
  type ServeFlags,
} from '../serve-options.js';

const SERVICE = 'overlay';

/** The key file a `--key` is written to, in a private folder removed when the command ends. */
const KEY_FILE = 'overlay.key';

/** The walk strategies `--walk` accepts. */
const WALKS = ['random', 'edge'] as const;

/** The flags of `overlay join`. */
export interface JoinFlags extends ServeFlags {
  community: string;
  bootstrap: string[];
  listen: string;
  maxPeers: number;
  walk: (typeof WALKS)[number];
  /** Undefined unless `--churn` or `--no-churn` is given: the service's default applies. */
  churn?: boolean;
  key?: string;
  /** `--duration` in milliseconds (the flag is in seconds). */
  duration?: number;
}

/** 40 hex digits. */
function communityId(value: string): string {
  if (!/^[0-9a-fA-F]{40}$/.test(value)) throw optionError('--community', 'expected 40 hex digits');
  return value.toLowerCase();
}

/** `overlay join`: a node in one IPv8 community, printing its peer count as it changes. */
export function registerOverlayCommands(program: Command): void {
  const overlay = program.command('overlay').description('IPv8-compatible overlay communities over UDP');
  const joinCommand = overlay
    .command('join')
    .description('join a community through bootstrap addresses and print the peers found')
    .requiredOption('--community <hex>', 'community id: 40 hex digits')
    .option('--bootstrap <host:port>', 'bootstrap address (repeatable; names are resolved once)', collect, [])
    .option('--listen <host:port>', 'UDP address to bind', listenAddress, '0.0.0.0:0')
    .option('--max-peers <n>', 'answer requesters up to this many peers (-1: no limit)', limitOrUnlimited, 30)
    .option('--walk <strategy>', WALKS.join(' or '), oneOf(WALKS), 'random')
    .option('--churn', 'drop verified peers that stop answering (the default)')
    .option('--no-churn', 'keep verified peers however long they stay silent')
    .option('--key <hex>', 'LibNaCLSK key bin in hex, for this run (default: the key in the data directory)')
    .addOption(
      secondsOption('--duration <seconds>', 'leave after this many seconds (default: until Ctrl-C)'),
    );
  addServeOptions(joinCommand, 'where the key and the address book are kept').action(
    (flags: JoinFlags, command: Command) => runJoin(flags, command),
  );
}

/**
 * Resolves each `--bootstrap` name to an IP literal (the overlay dials IP literals only); a name
 * that does not resolve fails the command rather than leaving it alone on the network.
 */
export async function resolveBootstrap(addresses: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const text of addresses) {
    let address;
    try {
      address = parseAddress(text);
    } catch (err) {
      throw optionError('--bootstrap', err instanceof Error ? err.message : String(err));
    }
    if (isIP(address.host) !== 0) {
      out.push(formatAddress(address));
      continue;
    }
    try {
      const found = await raceSignal(lookup(address.host), AbortSignal.timeout(RESOLVE_TIMEOUT_MS), 'lookup');
      out.push(formatAddress({ host: found.address, port: address.port }));
    } catch (err) {
      const reason = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
      throw optionError('--bootstrap', `cannot resolve ${address.host} (${reason})`);
    }
  }
  return out;
}

async function runJoin(flags: JoinFlags, command?: Command): Promise<void> {
  const id = communityId(flags.community);
  const bootstrap = await resolveBootstrap(flags.bootstrap);
  let keyFile: string | undefined;
  let keyDir: string | undefined;
  if (flags.key !== undefined) {
    const key = keyFromHex(flags.key);
    keyDir = mkdtempSync(join(tmpdir(), 'peerway-overlay-key-'));
    keyFile = join(keyDir, KEY_FILE);
    writeSecretFile(keyFile, key.keyToBin());
  }
  try {
    const layers = joinLayers({ ...flags, community: id, bootstrap }, keyFile);
    await runNode({
      config: { env: process.env, ...splitByValueSource(command, layers) },
      required: SERVICE,
      statsIntervalMs: flags.statsInterval,
      ...(flags.duration === undefined ? {} : { durationMs: flags.duration }),
      onStarted: (node) => watchPeers(node, flags.json === true),
    });
  } finally {
    if (keyDir !== undefined) rmSync(keyDir, { recursive: true, force: true });
  }
}

function keyFromHex(hex: string): PrivateKey {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw optionError('--key', 'expected a key bin in hex');
  try {
    return PrivateKey.fromBin(Buffer.from(hex, 'hex'));
  } catch (err) {
    throw optionError('--key', err instanceof Error ? err.message : String(err));
  }
}

/** The node config layers `overlay join` runs with; `keyFile` is the `--key` file, if any. */
export function joinLayers(flags: JoinFlags, keyFile?: string): ConfigLayer[] {
  const set = (flag: string, field: string, value: unknown): ConfigLayer =>
    serviceLayer(SERVICE, flag, field, value);
  const community: Record<string, unknown> = {
    id: flags.community,
    maxPeers: flags.maxPeers,
    walk: flags.walk,
  };
  const layers = [
    ...oneServiceLayers(SERVICE, flags),
    set('--listen', 'listen', flags.listen),
    set('--bootstrap', 'bootstrap', flags.bootstrap),
  ];
  if (keyFile !== undefined) layers.push(set('--key', 'keyFile', keyFile));
  if (flags.churn !== undefined) {
    community.churn = flags.churn;
    layers.push(set(flags.churn ? '--churn' : '--no-churn', 'churn', flags.churn));
  }
  layers.push(set('--community', 'communities', [community]));
  return layers;
}

/** Prints the address and identity, then the community's peer count whenever it changes. */
function watchPeers(node: PeerwayNode, json: boolean): () => void {
  const info = serviceInfo(node, SERVICE);
  const listen = info.listen as { host: string; port: number };
  const mid = typeof info.mid === 'string' ? info.mid : '';
  if (json) printJsonLine({ listen: `${listen.host}:${listen.port}`, mid, ...httpUrls(node) });
  else {
    process.stdout.write(`listening on ${listen.host}:${listen.port} as ${mid}\n`);
    printHttp(node);
  }
  let shown = 0;
  const timer = setInterval(() => {
    const communities = serviceInfo(node, SERVICE).communities as Array<{ peers: number }> | undefined;
    const peers = communities?.[0]?.peers ?? 0;
    if (peers !== shown) {
      if (json) printJsonLine({ peers });
      else process.stdout.write(`peers ${peers} known\n`);
    }
    shown = peers;
  }, PEER_POLL_MS);
  return () => clearInterval(timer);
}
