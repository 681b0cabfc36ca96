import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  ErrorCodes,
  getApi,
  PeerwayError,
  requestApi,
  table,
} from '../api-client.js';
import { addCommonOptions, type CommonFlags } from '../common-options.js';

interface ApiFlags extends CommonFlags {
  url: string;
  /** `peers discovery --add <peer>`. */
  add?: string;
  /** `peers discovery --remove <host>`. */
  remove?: string;
}

/** The node writes its API token here at start (see `peerway node`). */
const TOKEN_FILE = 'api.token';

/** The token of the node whose data directory is `dataDir`; a one-line error when unreadable. */
function readToken(dataDir: string): string {
  const path = join(dataDir, TOKEN_FILE);
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    const code = (err as { code?: string }).code ?? String(err);
    throw new PeerwayError(
      ErrorCodes.INVALID_ARGUMENT,
      `cannot read the API token ${path} (${code}): give the node's --data-dir`,
    );
  }
}

const DEFAULT_URL = `http://${DEFAULT_HTTP_HOST}:${DEFAULT_HTTP_PORT}`;

/** The peer tables `peerway peers` prints. */
const PEER_KINDS = ['directory', 'discovery', 'overlay'] as const;

/** Columns of each peer table, in order (the API's field names). */
const PEER_COLUMNS: Record<(typeof PEER_KINDS)[number], string[]> = {
  directory: ['nick', 'location', 'verified'],
  discovery: ['host', 'tcpPort', 'sslPort', 'protocol', 'lastGood', 'failures', 'source'],
  overlay: ['community', 'mid', 'address', 'introduced'],
};

/** `peerway status` and `peerway peers <kind>`: read a running node's API and print tables. */
export function registerStatusCommands(program: Command): void {
  const status = program
    .command('status')
    .description("print a running node's services, their state and peers (as electrumx_rpc getinfo does)")
    .option('--url <url>', "the node's HTTP address", DEFAULT_URL);
  addCommonOptions(status, { dataDirHelp: "the node's data directory (unused by status)" }).action(
    async (flags: ApiFlags) => {
      const body = (await getApi(flags.url, '/api/services')) as {
        services: Record<string, { state: string; error?: string; info?: Record<string, unknown> }>;
      };
      if (flags.json === true) return void process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      const rows = Object.entries(body.services).map(([name, s]) => ({
        service: name,
        state: s.state,
        peers: peerCount(s.info),
        reason: s.error ?? '',
      }));
      process.stdout.write(table(rows, ['service', 'state', 'peers', 'reason']));
    },
  );
  const peers = program
    .command('peers')
    .description(
      "print a running node's peer table: directory nicks, discovery servers or overlay peers; add or remove discovery servers",
    )
    .argument('<kind>', PEER_KINDS.join(' | '))
    .option('--url <url>', "the node's HTTP address", DEFAULT_URL)
    .option(
      '--add <peer>',
      'discovery only: add a server (`host:port` or `host s50002 t50001`), as add_peer does',
    )
    .option('--remove <host>', 'discovery only: forget a server');
  addCommonOptions(peers, { dataDirHelp: "the node's data directory, where its API token is" }).action(
    async (kind: string, flags: ApiFlags) => {
      if (!(PEER_KINDS as readonly string[]).includes(kind)) {
        throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `kind must be one of ${PEER_KINDS.join(', ')}`);
      }
      if ((flags.add !== undefined || flags.remove !== undefined) && kind !== 'discovery') {
        throw new PeerwayError(
          ErrorCodes.INVALID_ARGUMENT,
          '--add and --remove work on discovery peers only',
        );
      }
      if (flags.add !== undefined || flags.remove !== undefined) {
        const token = readToken(flags.dataDir);
        const answer =
          flags.add !== undefined
            ? await requestApi(flags.url, '/api/discovery/peers', {
                method: 'POST',
                token,
                body: { peer: flags.add },
              })
            : await requestApi(flags.url, `/api/discovery/peers/${encodeURIComponent(flags.remove!)}`, {
                method: 'DELETE',
                token,
              });
        if (flags.json === true) return void process.stdout.write(`${JSON.stringify(answer)}\n`);
        const a = answer as { added?: boolean; removed?: boolean; host?: string };
        const what = flags.add !== undefined ? (a.added === true ? 'added' : 'already known') : 'removed';
        return void process.stdout.write(`${a.host ?? ''} ${what}\n`);
      }
      const body = (await getApi(flags.url, `/api/${kind}/peers`)) as { peers: Record<string, unknown>[] };
      if (flags.json === true) return void process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      const rows = body.peers.map((p) =>
        kind === 'discovery' ? { ...p, lastGood: p.lastGood === 0 ? 'never' : ago(Number(p.lastGood)) } : p,
      );
      process.stdout.write(table(rows, PEER_COLUMNS[kind as (typeof PEER_KINDS)[number]]));
    },
  );
}

function peerCount(info: Record<string, unknown> | undefined): string {
  if (info === undefined) return '';
  if (typeof info.peers === 'number') return String(info.peers);
  if (Array.isArray(info.communities)) {
    return String(info.communities.reduce((a: number, c: { peers?: number }) => a + (c.peers ?? 0), 0));
  }
  return '';
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}
