import { InvalidArgumentError, type Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stopOnSignals } from '../../core/index.js';
import type { ConfigLayer, PeerwayNode } from '../../node/index.js';
import { Endpoint, parseUdpAddress, PrivateKey, Tracker } from '../../overlay/index.js';
import { loadOrCreateSecret, writeSecretFile } from '../../transport/index.js';
import { PEER_POLL_MS } from '../constants.js';
import { collect, secondsToMs } from '../parse-flags.js';
import { printHttp, serviceInfo } from '../print-node.js';
import { runNode } from '../run-node.js';
import { addServeOptions, oneServiceLayers, serviceLayer, type ServeFlags } from '../serve-options.js';

const SERVICE = 'overlay';

/** The key file `overlay join` writes into its private data directory. */
const KEY_FILE = 'overlay.key';

/** The flags of `overlay join`. */
export interface JoinFlags extends Omit<ServeFlags, 'dataDir'> {
  community: string;
  bootstrap: string[];
  peer: string[];
  keyFile?: string;
  json?: boolean;
  listen: string;
  maxPeers: string;
  walk: string;
  /** Undefined unless `--churn` or `--no-churn` is given: the service's default applies. */
  churn?: boolean;
  key?: string;
  duration?: number;
}

/** `peerway overlay join`: a node in one IPv8 community, printing its peer count as it changes. */
export function registerOverlayCommands(program: Command): void {
  const overlay = program.command('overlay').description('IPv8-compatible overlay communities over UDP');
  const join = overlay
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
    .option('--listen <host:port>', 'UDP address to bind', '0.0.0.0:0')
    .option('--max-peers <n>', 'answer requesters up to this many peers (-1: no limit)', '30')
    .option('--walk <strategy>', 'random or edge', 'random')
    .option('--churn', 'drop verified peers that stop answering (the default)')
    .option('--no-churn', 'keep verified peers however long they stay silent')
    .option('--key <hex>', 'LibNaCLSK key bin in hex (default: a fresh key)')
    .option('--key-file <path>', 'keep the identity in this file (created, mode 0600, when missing)')
    .option('--json', 'print one JSON line per event')
    .option('--duration <seconds>', 'leave after this many seconds (default: until Ctrl-C)', secondsToMs);
  addServeOptions(join).action((flags: JoinFlags) => runJoin(flags));
  overlay
    .command('tracker')
    .description('answer introduction requests for any community, as py-ipv8 bootstrap servers do')
    .option('--listen <host:port>', 'UDP address to bind', '0.0.0.0:6421')
    .option('--key-file <path>', 'keep the tracker identity in this file (default: a fresh key)')
    .option('--max-peers <n>', 'peers remembered per community', '100')
    .option('--json', 'print one JSON line per event')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)', secondsToMs)
    .action((flags: TrackerFlags) => runTracker(flags));
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
export interface TrackerFlags {
  listen: string;
  keyFile?: string;
  maxPeers: string;
  json?: boolean;
  duration?: number;
}

async function runTracker(flags: TrackerFlags): Promise<void> {
  const listen = parseUdpAddress(flags.listen);
  const maxPeers = Number(flags.maxPeers);
  if (!Number.isInteger(maxPeers) || maxPeers < 1)
    throw new InvalidArgumentError(`not a peer count: ${flags.maxPeers}`);
  const key = flags.keyFile === undefined ? PrivateKey.generate() : loadOrCreateKey(resolve(flags.keyFile));
  const endpoint = new Endpoint({ host: listen.host, port: listen.port });
  await endpoint.start();
  const tracker = new Tracker({ endpoint, key, maxPeersPerCommunity: maxPeers });
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

async function runJoin(flags: JoinFlags): Promise<void> {
  if (flags.key !== undefined && flags.keyFile !== undefined) {
    throw new InvalidArgumentError('give --key or --key-file, not both');
  }
  // --key-file keeps the identity across runs; otherwise it lives only as long as this run.
  const keyFile = flags.keyFile === undefined ? undefined : resolve(flags.keyFile);
  const key =
    keyFile !== undefined
      ? loadOrCreateKey(keyFile)
      : flags.key === undefined
        ? PrivateKey.generate()
        : PrivateKey.fromBin(Buffer.from(flags.key, 'hex'));
  // A private folder per run holds the database and its address book; gone afterwards.
  const dataDir = mkdtempSync(join(tmpdir(), 'peerway-overlay-'));
  try {
    if (keyFile === undefined) writeSecretFile(join(dataDir, KEY_FILE), key.keyToBin());
    const mid = Buffer.from(key.publicKey.mid).toString('hex');
    await runNode({
      config: { layers: joinLayers({ ...flags, ...(keyFile === undefined ? {} : { keyFile }) }, dataDir) },
      required: SERVICE,
      ...(flags.duration === undefined ? {} : { durationMs: flags.duration }),
      onStarted: (node) => watchPeers(node, mid, flags.json === true),
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The node config layers `overlay join` runs with, its data in `dataDir`. */
export function joinLayers(flags: JoinFlags, dataDir: string): ConfigLayer[] {
  const set = (flag: string, field: string, value: unknown): ConfigLayer =>
    serviceLayer(SERVICE, flag, field, value);
  const community: Record<string, unknown> = {
    id: flags.community,
    maxPeers: Number(flags.maxPeers),
    walk: flags.walk,
  };
  const layers = [
    ...oneServiceLayers(SERVICE, { ...flags, dataDir }),
    set('--listen', 'listen', flags.listen),
    set('--bootstrap', 'bootstrap', flags.bootstrap),
    set('--peer', 'peers', flags.peer ?? []),
    flags.keyFile === undefined
      ? set('--key', 'keyFile', KEY_FILE)
      : set('--key-file', 'keyFile', flags.keyFile),
  ];
  if (flags.churn !== undefined) {
    community.churn = flags.churn;
    layers.push(set(flags.churn ? '--churn' : '--no-churn', 'churn', flags.churn));
  }
  layers.push(set('--community', 'communities', [community]));
  return layers;
}

/**
 * Prints the address and identity, then the community's peer count whenever it changes; with
 * `json`, one JSON object per line (`listening`, then `peers`).
 */
function watchPeers(node: PeerwayNode, mid: string, json: boolean): () => void {
  const info = serviceInfo(node, SERVICE);
  const listen = info.listen as { host: string; port: number };
  const address = `${listen.host}:${listen.port}`;
  const print = (event: Record<string, unknown>, text: string): void => {
    process.stdout.write(json ? `${JSON.stringify(event)}\n` : `${text}\n`);
  };
  print({ event: 'listening', address, mid }, `listening on ${address} as ${mid}`);
  if (!json) printHttp(node);
  let shown = 0;
  const timer = setInterval(() => {
    const communities = serviceInfo(node, SERVICE).communities as Array<{ peers: number }> | undefined;
    const peers = communities?.[0]?.peers ?? 0;
    if (peers !== shown) print({ event: 'peers', count: peers }, `peers ${peers} known`);
    shown = peers;
  }, PEER_POLL_MS);
  return () => clearInterval(timer);
}
