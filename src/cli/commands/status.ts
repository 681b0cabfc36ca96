import type { Command } from 'commander';
import {
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  ErrorCodes,
  getApi,
  PeerwayError,
  table,
} from '../api-client.js';

interface ApiFlags {
  url: string;
  json?: boolean;
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
  program
    .command('status')
    .description("print a running node's services, their state and peers (as electrumx_rpc getinfo does)")
    .option('--url <url>', "the node's HTTP address", DEFAULT_URL)
    .option('--json', 'print the API answer as JSON')
    .action(async (flags: ApiFlags) => {
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
    });
  program
    .command('peers')
    .description("print a running node's peer table: directory nicks, discovery servers or overlay peers")
    .argument('<kind>', PEER_KINDS.join(' | '))
    .option('--url <url>', "the node's HTTP address", DEFAULT_URL)
    .option('--json', 'print the API answer as JSON')
    .action(async (kind: string, flags: ApiFlags) => {
      if (!(PEER_KINDS as readonly string[]).includes(kind)) {
        throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, `kind must be one of ${PEER_KINDS.join(', ')}`);
      }
      const body = (await getApi(flags.url, `/api/${kind}/peers`)) as { peers: Record<string, unknown>[] };
      if (flags.json === true) return void process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      const rows = body.peers.map((p) =>
        kind === 'discovery' ? { ...p, lastGood: p.lastGood === 0 ? 'never' : ago(Number(p.lastGood)) } : p,
      );
      process.stdout.write(table(rows, PEER_COLUMNS[kind as (typeof PEER_KINDS)[number]]));
    });
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
