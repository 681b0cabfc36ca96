/**
 * IRC stragglers. Before peer discovery, ElectrumX servers announced themselves on IRC (freenode
 * `#electrum`) under nicks starting `E_`, with a real name `<host> v<protocol> [p<pruning>]
 * [t<port>] [s<port>]`; the seed document asks for an occasional visit "to pick up stragglers
 * only advertising themselves there". A visit connects (TCP or TLS), registers a random nick,
 * joins the channel, asks `WHO` for its members, reads the real names of the `E_` nicks, queues
 * each as a claim with source `irc` (verified like any other claim before it is served), parts and
 * quits. Off by default.
 *
 * ```
 *   ──▶ NICK pw<random> / USER peerway 0 * :peerway discovery
 *   ◀── 001 (welcome)            ──▶ JOIN #electrum
 *   ──▶ WHO #electrum            ◀── 352 … E_x … :0 electrum.example.org v1.4 s t   (one per member)
 *   ◀── 315 (end of WHO)         ──▶ PART #electrum / QUIT
 * ```
 *
 * @module
 */
import net from 'node:net';
import tls from 'node:tls';
import { randomBytes } from 'node:crypto';
import {
  ErrorCodes,
  LineDecoder,
  PeerwayError,
  StartableBase,
  bump,
  abortError,
  deadline,
  type AbortOptions,
  type Logger,
  silentLogger,
} from '../core/index.js';
import { isOnion } from '../transport/index.js';
import {
  DEFAULT_PORTS,
  IRC_CHANNEL,
  IRC_INTERVAL_MS,
  IRC_MAX_CLAIMS,
  IRC_MAX_LINE,
  IRC_VISIT_TIMEOUT_MS,
} from './constants.js';
import { isPublicHost, isValidHost } from './net-address.js';
import { parsePeerEntry } from './peer-entry.js';

/** Where and how to visit. */
export interface IrcOptions {
  /** IRC server host. */
  host: string;
  /** @default 6697 with TLS, else 6667 */
  port?: number | undefined;
  /** Connect with TLS (certificates verified unless `insecure`). @default true */
  tls?: boolean | undefined;
  /** Accept any TLS certificate. @default false */
  insecure?: boolean | undefined;
  /** @default '#electrum' */
  channel?: string | undefined;
  /** How often to visit. @default 14400000 (4 h) */
  intervalMs?: number | undefined;
  /** One visit's time limit. @default 60000 */
  timeoutMs?: number | undefined;
}

/** A server advertised on IRC. */
export interface IrcClaim {
  nick: string;
  host: string;
  tcpPort: number | null;
  sslPort: number | null;
  version: string | null;
  pruning: number | null;
}

/**
 * Parses an ElectrumX IRC real name (`host v1.4 p10000 t s50002`); bare `t`/`s` mean the
 * network's default ports. Undefined for anything else.
 */
export function parseIrcRealName(
  realName: string,
  defaults: { t: number; s: number } = DEFAULT_PORTS,
): Omit<IrcClaim, 'nick'> | undefined {
  const parts = realName.trim().split(/\s+/);
  const host = parts[0]?.toLowerCase();
  if (host === undefined || parts.length < 2 || parts.length > 8 || !isValidHost(host)) return undefined;
  try {
    const e = parsePeerEntry([host, host, parts.slice(1)], defaults);
    if (e.tcpPort === null && e.sslPort === null) return undefined;
    return { host, tcpPort: e.tcpPort, sslPort: e.sslPort, version: e.version, pruning: e.pruning };
  } catch {
    return undefined;
  }
}

/** One parsed IRC line: prefix, command, params (the trailing one included). */
interface IrcMessage {
  command: string;
  params: string[];
}

function parseLine(line: string): IrcMessage | undefined {
  let rest = line.replace(/\r$/, '');
  if (rest.startsWith('@')) rest = rest.slice(rest.indexOf(' ') + 1);
  if (rest.startsWith(':')) rest = rest.slice(rest.indexOf(' ') + 1);
  const trailingAt = rest.indexOf(' :');
  const head = trailingAt === -1 ? rest : rest.slice(0, trailingAt);
  const params = head.split(' ').filter((p) => p !== '');
  const command = params.shift();
  if (command === undefined) return undefined;
  if (trailingAt !== -1) params.push(rest.slice(trailingAt + 2));
  return { command: command.toUpperCase(), params };
}

/**
 * One visit: resolves with the claims read from the channel's `E_` nicks. Rejects with
 * ERR_CONNECT_FAILED, ERR_TIMEOUT, ERR_ABORTED or ERR_DISCOVERY_BAD_MESSAGE (the server refused us).
 */
export async function visitIrc(
  options: IrcOptions,
  opts: AbortOptions & { defaults?: { t: number; s: number } | undefined; logger?: Logger | undefined } = {},
): Promise<IrcClaim[]> {
  const useTls = options.tls ?? true;
  const port = options.port ?? (useTls ? 6697 : 6667);
  const channel = options.channel ?? IRC_CHANNEL;
  const signal = deadline(opts.signal, options.timeoutMs ?? IRC_VISIT_TIMEOUT_MS);
  const logger = opts.logger ?? silentLogger;
  const socket = useTls
    ? tls.connect({
        host: options.host,
        port,
        servername: options.host,
        rejectUnauthorized: options.insecure !== true,
      })
    : net.connect({ host: options.host, port });
  const lines = new LineDecoder({ maxLineLength: IRC_MAX_LINE, onOverflow: 'skip' });
  const claims = new Map<string, IrcClaim>();
  const nick = `pw${randomBytes(4).toString('hex')}`;
  const send = (text: string): void => {
    if (!socket.destroyed) socket.write(`${text}\r\n`);
  };
  try {
    return await new Promise<IrcClaim[]>((resolve, reject) => {
      const fail = (err: unknown): void => reject(err instanceof Error ? err : new Error(String(err)));
      const onAbort = (): void => fail(abortError(signal!, 'IRC visit'));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted === true) onAbort();
      socket.once(useTls ? 'secureConnect' : 'connect', () => {
        send(`NICK ${nick}`);
        send('USER peerway 0 * :peerway discovery');
      });
      socket.on('error', (err: Error) =>
        fail(
          new PeerwayError(ErrorCodes.CONNECT_FAILED, `IRC ${options.host}:${port}: ${err.message}`, {
            cause: err,
          }),
        ),
      );
      socket.on('close', () =>
        fail(new PeerwayError(ErrorCodes.DISCOVERY_CONNECTION_CLOSED, 'IRC server closed the connection')),
      );
      socket.on('data', (chunk: Buffer) => {
        lines.push(chunk);
        for (let raw; (raw = lines.next()) !== null;) {
          const m = parseLine(raw.toString('utf8'));
          if (m === undefined) continue;
          switch (m.command) {
            case 'PING':
              send(`PONG :${m.params[0] ?? ''}`);
              break;
            case '001':
              send(`JOIN ${channel}`);
              send(`WHO ${channel}`);
              break;
            case '352': {
              // <me> <channel> <user> <host> <server> <nick> <flags> :<hops> <real name>
              const who = m.params[5] ?? '';
              const real = (m.params[7] ?? '').replace(/^\d+\s+/, '');
              if (!who.startsWith('E_') || claims.size >= IRC_MAX_CLAIMS) break;
              const claim = parseIrcRealName(real, opts.defaults);
              if (claim === undefined) logger.debug({ nick: who, real }, 'unreadable IRC real name');
              else if (!claims.has(claim.host)) claims.set(claim.host, { nick: who, ...claim });
              break;
            }
            case '315':
              send(`PART ${channel}`);
              send('QUIT :bye');
              resolve([...claims.values()]);
              break;
            case '433':
            case '432':
            case '465':
            case 'ERROR':
              fail(
                new PeerwayError(
                  ErrorCodes.DISCOVERY_BAD_MESSAGE,
                  `IRC refused us: ${m.command} ${m.params.join(' ').slice(0, 200)}`,
                ),
              );
              break;
          }
        }
      });
    });
  } finally {
    socket.destroy();
  }
}

/** Options for {@link IrcStragglers}. */
export interface IrcStragglersInit extends IrcOptions {
  /** Called with each visit's claims (the node stores them as `irc` claims to verify). */
  onClaims: (claims: IrcClaim[]) => void;
  /** Ports meant by bare letters. @default { t: 50001, s: 50002 } */
  defaults?: { t: number; s: number } | undefined;
  /** Accept non-public hosts (test networks). @default false */
  privateNetwork?: boolean | undefined;
  /** @default silentLogger */
  logger?: Logger | undefined;
}

/** Visits IRC now and then; a failed visit is logged and counted, never fatal. */
export class IrcStragglers extends StartableBase {
  /** visits, failures, claims. */
  readonly stats: Record<string, number> = {};
  private timer: NodeJS.Timeout | undefined;
  private visiting: Promise<void> | undefined;
  private readonly controller = new AbortController();
  private readonly logger: Logger;

  constructor(private readonly init: IrcStragglersInit) {
    super();
    this.logger = init.logger ?? silentLogger;
  }

  /** Runs one visit now (or joins the one under way). */
  visit(): Promise<void> {
    this.visiting ??= visitIrc(this.init, {
      signal: this.controller.signal,
      defaults: this.init.defaults,
      logger: this.logger,
    })
      .then((claims) => {
        bump(this.stats, 'visits');
        const usable = claims.filter(
          (c) => this.init.privateNetwork === true || isOnion(c.host) || isPublicHost(c.host),
        );
        bump(this.stats, 'claims', usable.length);
        this.logger.info({ claims: usable.length, server: this.init.host }, 'IRC visit done');
        this.init.onClaims(usable);
      })
      .catch((err: unknown) => {
        bump(this.stats, 'failures');
        if (!this.controller.signal.aborted)
          this.logger.warn({ err, server: this.init.host }, 'IRC visit failed');
      })
      .finally(() => {
        this.visiting = undefined;
      });
    return this.visiting;
  }

  protected onStart(): void {
    void this.visit();
    this.timer = setInterval(() => void this.visit(), this.init.intervalMs ?? IRC_INTERVAL_MS);
  }

  protected async onStop(): Promise<void> {
    clearInterval(this.timer);
    this.controller.abort();
    await this.visiting;
  }
}
