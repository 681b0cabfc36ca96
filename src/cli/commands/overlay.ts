import type { Command } from 'commander';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { raceSignal, stopOnSignals } from '../../core/index.js';
import type { ConfigLayer, PeerwayNode } from '../../node/index.js';
import { Endpoint, parseUdpAddress, PrivateKey, Tracker } from '../../overlay/index.js';
import { formatAddress, loadOrCreateSecret, parseAddress, writeSecretFile } from '../../transport/index.js';
import { addCommonOptions, type CommonFlags } from '../common-options.js';
import { PEER_POLL_MS, RESOLVE_TIMEOUT_MS } from '../constants.js';
import { optionError } from '../errors.js';
import {
  collect,
  limitOrUnlimited,
  listenAddress,
  oneOf,
  positiveInt,
  secondsOption,
} from '../parse-flags.js';
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
  /** `--peer`: known peers walked to, which become peers (py-ipv8's walk_to). */
  peer?: string[];
  /** `--key-file`: a persistent identity kept in this file. */
  keyFile?: string;
  listen: string;
  maxPeers: number;
  walk: (typeof WALKS)[number];
  /** Undefined unless `--churn` or `--no-churn` is given: the service's default applies. */
  churn?: boolean;
  key?: string;
  /** `--duration` in milliseconds (the flag is in seconds). */
  duration?: number;
  /** `--verify-thread`: check request signatures on a second thread. */
  verifyThread?: boolean;
}

/** 40 hex digits. */
function communityId(value: string): string {
  if (!/^[0-9a-fA-F]{40}$/.test(value)) throw optionError('--community', 'expected 40 hex digits');
  return value.toLowerCase();
}

/**
 * `overlay join`: a node in one IPv8 community, printing its peer count as it changes;
 * `overlay tracker`: a bootstrap server for any community.
 */
export function registerOverlayCommands(program: Command): void {
  const overlay = program.command('overlay').description('IPv8-compatible overlay communities over UDP');
  const joinCommand = overlay
    .command('join')
    .description('join a community through bootstrap addresses and print the peers found')
    .requiredOption('--community <hex>', 'community id: 40 hex digits')
    .option(
      '--bootstrap <host:port>',
      'bootstrap server, by address or DNS name (repeatable): asked for introductions, never a peer',
      collect,
      [],
    )
    .option('--peer <host:port>', 'known peer to walk to (repeatable): it becomes a peer', collect, [])
    .option('--listen <host:port>', 'UDP address to bind', listenAddress, '0.0.0.0:0')
    .option('--max-peers <n>', 'answer requesters up to this many peers (-1: no limit)', limitOrUnlimited, 30)
    .option('--walk <strategy>', WALKS.join(' or '), oneOf(WALKS), 'random')
    .option('--churn', 'drop verified peers that stop answering (the default)')
    .option('--no-churn', 'keep verified peers however long they stay silent')
    .option('--key <hex>', 'LibNaCLSK key bin in hex, for this run (default: the key in the data directory)')
    .option('--key-file <path>', 'keep the identity in this file (created, mode 0600, when missing)')
    .option(
      '--verify-thread',
      'check request signatures on a second thread: more answers/s when a core is free (libsodium only)',
    )
    .addOption(
      secondsOption('--duration <seconds>', 'leave after this many seconds (default: until Ctrl-C)'),
    );
  addServeOptions(joinCommand, 'where the key and the address book are kept').action(
    (flags: JoinFlags, command: Command) => runJoin(flags, command),
  );
  const trackerCommand = overlay
    .command('tracker')
    .description('answer introduction requests for any community, as py-ipv8 bootstrap servers do')
    .option('--listen <host:port>', 'UDP address to bind', listenAddress, '0.0.0.0:6421')
    .option('--key-file <path>', 'keep the tracker identity in this file (default: a fresh key)')
    .option('--max-peers <n>', 'peers remembered per community', positiveInt, 100)
    .addOption(secondsOption('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)'));
  addCommonOptions(trackerCommand, { dataDirHelp: 'unused by the tracker (it keeps no state)' }).action(
    (flags: TrackerFlags) => runTracker(flags),
  );
}

/** Reads a key file, or creates it (mode 0600) with a fresh key. */
function loadOrCreateKey(path: string): PrivateKey {
  return loadOrCreateSecret(path, {
    decode: (bytes) => PrivateKey.fromBin(bytes),
    create: () => {
      const key = PrivateKey.generate();
      return { value: key, bytes: key.keyToBin() };
    },
  });
}

/** The flags of `overlay tracker`. */
export interface TrackerFlags extends CommonFlags {
  listen: string;
  keyFile?: string;
  maxPeers: number;
  /** `--duration` in milliseconds (the flag is in seconds). */
  duration?: number;
}

async function runTracker(flags: TrackerFlags): Promise<void> {
  const listen = parseUdpAddress(flags.listen);
  const key = flags.keyFile === undefined ? PrivateKey.generate() : loadOrCreateKey(resolve(flags.keyFile));
  const endpoint = new Endpoint({ host: listen.host, port: listen.port });
  await endpoint.start();
  const tracker = new Tracker({ endpoint, key, maxPeersPerCommunity: flags.maxPeers });
  await tracker.start();
  const mid = Buffer.from(key.publicKey.mid).toString('hex');
  const address = `${endpoint.address.host}:${endpoint.address.port}`;
  const print = (event: Record<string, unknown>, text: string): void => {
    process.stdout.write(flags.json === true ? `${JSON.stringify(event)}\n` : `${text}\n`);
  };
  print({ event: 'listening', address, mid }, `tracker listening on ${address} as ${mid}`);
  let shown = '';
  const timer = setInterval(() => {
    const now = `${tracker.communityCount}/${tracker.stats.answered}`;
    if (now === shown) return;
    shown = now;
    print(
      {
        event: 'stats',
        communities: tracker.communityCount,
        answered: tracker.stats.answered,
        introduced: tracker.stats.introduced,
      },
      `communities ${tracker.communityCount}, answered ${tracker.stats.answered}, introduced ${tracker.stats.introduced}`,
    );
  }, PEER_POLL_MS);
  const stop = async (): Promise<void> => {
    clearInterval(timer);
    await tracker.stop();
    await endpoint.stop();
  };
  if (flags.duration !== undefined) {
    await new Promise((r) => setTimeout(r, flags.duration));
    await stop();
    return;
  }
  stopOnSignals({ stop });
}

/**
 * Checks each `--bootstrap` address: an IP literal is kept as it is, and a DNS name must resolve
 * now (a name that does not fails the command rather than leaving it alone on the network). Names
 * are kept as names, for the overlay's DNS bootstrapper looks them up again as py-ipv8 does.
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
      await raceSignal(lookup(address.host), AbortSignal.timeout(RESOLVE_TIMEOUT_MS), 'lookup');
      out.push(formatAddress(address));
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
  if (flags.key !== undefined && flags.keyFile !== undefined)
    throw optionError('--key-file', 'give --key or --key-file, not both');
  let keyFile: string | undefined;
  let keyDir: string | undefined;
  if (flags.keyFile !== undefined) {
    keyFile = resolve(flags.keyFile);
    loadOrCreateKey(keyFile);
  } else if (flags.key !== undefined) {
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

/** The node config layers `overlay join` runs with; `keyFile` is the `--key` or `--key-file` file, if any. */
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
    set('--peer', 'peers', flags.peer ?? []),
  ];
  if (keyFile !== undefined)
    layers.push(set(flags.keyFile !== undefined ? '--key-file' : '--key', 'keyFile', keyFile));
  if (flags.churn !== undefined) {
    community.churn = flags.churn;
    layers.push(set(flags.churn ? '--churn' : '--no-churn', 'churn', flags.churn));
  }
  if (flags.verifyThread === true) layers.push(set('--verify-thread', 'verifyThread', true));
  layers.push(set('--community', 'communities', [community]));
  return layers;
}

/**
 * Prints the address and identity, then the community's peer count whenever it changes; with
 * `json`, one JSON object per line (`{"event":"listening",...}`, then `{"event":"peers","count":n}`).
 */
function watchPeers(node: PeerwayNode, json: boolean): () => void {
  const info = serviceInfo(node, SERVICE);
  const listen = info.listen as { host: string; port: number };
  const mid = typeof info.mid === 'string' ? info.mid : '';
  const address = `${listen.host}:${listen.port}`;
  if (json) printJsonLine({ event: 'listening', address, mid, ...httpUrls(node) });
  else {
    process.stdout.write(`listening on ${listen.host}:${listen.port} as ${mid}\n`);
    printHttp(node);
  }
  let shown = 0;
  const timer = setInterval(() => {
    const communities = serviceInfo(node, SERVICE).communities as Array<{ peers: number }> | undefined;
    const peers = communities?.[0]?.peers ?? 0;
    if (peers !== shown) {
      if (json) printJsonLine({ event: 'peers', count: peers });
      else process.stdout.write(`peers ${peers} known\n`);
    }
    shown = peers;
  }, PEER_POLL_MS);
  return () => clearInterval(timer);
}
