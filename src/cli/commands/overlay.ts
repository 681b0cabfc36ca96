import type { Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigLayer, PeerwayNode } from '../../node/index.js';
import { PrivateKey } from '../../overlay/index.js';
import { writeSecretFile } from '../../transport/index.js';
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
    .option('--bootstrap <host:port>', 'bootstrap address (repeatable)', collect, [])
    .option('--listen <host:port>', 'UDP address to bind', '0.0.0.0:0')
    .option('--max-peers <n>', 'answer requesters up to this many peers (-1: no limit)', '30')
    .option('--walk <strategy>', 'random or edge', 'random')
    .option('--churn', 'drop verified peers that stop answering (the default)')
    .option('--no-churn', 'keep verified peers however long they stay silent')
    .option('--key <hex>', 'LibNaCLSK key bin in hex (default: a fresh key)')
    .option('--duration <seconds>', 'leave after this many seconds (default: until Ctrl-C)', secondsToMs);
  addServeOptions(join).action((flags: JoinFlags) => runJoin(flags));
}

async function runJoin(flags: JoinFlags): Promise<void> {
  const key =
    flags.key === undefined ? PrivateKey.generate() : PrivateKey.fromBin(Buffer.from(flags.key, 'hex'));
  // A private folder per run holds the key, the database and its address book; gone afterwards.
  const dataDir = mkdtempSync(join(tmpdir(), 'peerway-overlay-'));
  try {
    writeSecretFile(join(dataDir, KEY_FILE), key.keyToBin());
    const mid = Buffer.from(key.publicKey.mid).toString('hex');
    await runNode({
      config: { layers: joinLayers(flags, dataDir) },
      required: SERVICE,
      ...(flags.duration === undefined ? {} : { durationMs: flags.duration }),
      onStarted: (node) => watchPeers(node, mid),
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
    set('--key', 'keyFile', KEY_FILE),
  ];
  if (flags.churn !== undefined) {
    community.churn = flags.churn;
    layers.push(set(flags.churn ? '--churn' : '--no-churn', 'churn', flags.churn));
  }
  layers.push(set('--community', 'communities', [community]));
  return layers;
}

/** Prints the address and identity, then the community's peer count whenever it changes. */
function watchPeers(node: PeerwayNode, mid: string): () => void {
  const info = serviceInfo(node, SERVICE);
  const listen = info.listen as { host: string; port: number };
  process.stdout.write(`listening on ${listen.host}:${listen.port} as ${mid}\n`);
  printHttp(node);
  let shown = 0;
  const timer = setInterval(() => {
    const communities = serviceInfo(node, SERVICE).communities as Array<{ peers: number }> | undefined;
    const peers = communities?.[0]?.peers ?? 0;
    if (peers !== shown) process.stdout.write(`peers ${peers} known\n`);
    shown = peers;
  }, PEER_POLL_MS);
  return () => clearInterval(timer);
}
