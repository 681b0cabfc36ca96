import type net from 'node:net';
import {
  ErrorCodes,
  abortError,
  LineDecoder,
  PeerwayError,
  TypedEmitter,
  deadline,
  deferred,
  isPeerwayError,
  raceSignal,
  silentLogger,
  type AbortOptions,
  type Deferred,
  type Logger,
} from '../core/index.js';
import { DEFAULT_TOR_COMMAND_TIMEOUT_MS, TOR_CONTROL_DEFAULT_PORT, TOR_MAX_LINE_BYTES } from './constants.js';
import { dialTcp } from './tcp.js';
import { TorReplyParser, type TorReply } from './tor-reply.js';

/** Options of one control command. */
export interface TorCommandOptions extends AbortOptions {
  /** Give up after this many ms; the connection is then closed. @default the client's timeout */
  timeout?: number | undefined;
}

/** Init for {@link connectTorControl}. */
export interface TorControlInit extends AbortOptions {
  /** Control port host. @default '127.0.0.1' */
  host?: string | undefined;
  /** Control port. @default 9051 */
  port?: number | undefined;
  /** Connect timeout, and the default timeout of every command, in ms. @default 30000 */
  timeout?: number | undefined;
  /** Where protocol problems are logged (never keys or passwords). @default silent */
  logger?: Logger | undefined;
}

/** Events of a {@link TorControlConnection}. */
export type TorControlEvents = {
  /** An asynchronous (650) reply, for a caller that ran SETEVENTS. Ignored when nobody listens. */
  event: [reply: TorReply];
  /** The connection closed; `error` says why when it was not our own close(). */
  close: [error: PeerwayError | undefined];
};

/**
 * A raw tor control-port connection: sends one command line at a time in order and matches each
 * reply to its command. A command that times out or is aborted closes the connection, since a
 * late reply would otherwise be taken for the next command's. {@link TorControl} builds the
 * typed commands on this.
 */
export class TorControlConnection extends TypedEmitter<TorControlEvents> {
  /** Counters. */
  readonly stats = { commands: 0, replies: 0, events: 0, protocolErrors: 0, listenerErrors: 0 };
  private readonly pending: Array<Deferred<TorReply>> = [];
  private readonly decoder = new LineDecoder({ maxLineLength: TOR_MAX_LINE_BYTES });
  private readonly parser = new TorReplyParser();
  private closed: PeerwayError | undefined;
  private closing: Promise<void> | undefined;
  private closedByUs = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly timeout: number,
    private readonly logger: Logger,
  ) {
    super();
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) =>
      this.fail(new PeerwayError(ErrorCodes.TOR_CONTROL, 'tor control connection failed', { cause: err })),
    );
    socket.on('close', () =>
      this.fail(new PeerwayError(ErrorCodes.TOR_CONTROL, 'tor control connection closed')),
    );
  }

  /** True once the connection is closed. */
  get isClosed(): boolean {
    return this.closed !== undefined;
  }

  /**
   * Sends one command line (no CRLF) and resolves with its reply. A 5xx/4xx reply rejects with
   * ERR_TOR_CONTROL (`details.status`, `details.text`), or ERR_TOR_AUTH_FAILED for 515.
   */
  async command(line: string, options: TorCommandOptions = {}): Promise<TorReply> {
    if (/[\r\n]/.test(line)) throw new PeerwayError(ErrorCodes.INVALID_ARGUMENT, 'a tor command is one line');
    if (this.closed !== undefined) {
      throw new PeerwayError(ErrorCodes.CLOSED, 'tor control connection is closed', { cause: this.closed });
    }
    const verb = line.split(' ', 1)[0]!;
    const slot = deferred<TorReply>();
    this.pending.push(slot);
    this.stats.commands++;
    this.socket.write(`${line}\r\n`);
    const signal = deadline(options.signal, options.timeout ?? this.timeout);
    let reply: TorReply;
    try {
      reply = await raceSignal(slot.promise, signal, `tor ${verb}`, () =>
        this.fail(new PeerwayError(ErrorCodes.TOR_CONTROL, `tor ${verb} cancelled; connection closed`)),
      );
    } catch (err) {
      // Closing the connection on abort also rejects the slot; the caller should see why.
      if (signal?.aborted === true) throw abortError(signal, `tor ${verb}`);
      throw err;
    }
    if (reply.status >= 200 && reply.status < 300) return reply;
    const text = reply.lines.map((l) => l.text).join(' | ');
    const code = reply.status === 515 ? ErrorCodes.TOR_AUTH_FAILED : ErrorCodes.TOR_CONTROL;
    throw new PeerwayError(code, `tor ${verb} failed: ${reply.status} ${text}`, {
      details: { status: reply.status, text, command: verb },
    });
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
      for (let line = this.decoder.next(); line !== null; line = this.decoder.next()) {
        const reply = this.parser.push(line.toString('utf8'));
        if (reply !== undefined) this.onReply(reply);
      }
    } catch (err) {
      this.stats.protocolErrors++;
      this.fail(
        err instanceof PeerwayError
          ? err
          : new PeerwayError(ErrorCodes.TOR_CONTROL, 'bad control reply', { cause: err }),
      );
    }
  }

  private onReply(reply: TorReply): void {
    if (reply.status === 650) {
      this.stats.events++;
      try {
        this.emit('event', reply);
      } catch (err) {
        // A listener's bug must not be taken for a protocol error and close the connection.
        this.stats.listenerErrors++;
        this.logger.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'tor event listener failed',
        );
      }
      return;
    }
    const slot = this.pending.shift();
    if (slot === undefined) {
      this.stats.protocolErrors++;
      this.logger.warn({ status: reply.status }, 'tor control reply without a command');
      this.fail(new PeerwayError(ErrorCodes.TOR_CONTROL, 'tor sent a reply nobody asked for'));
      return;
    }
    this.stats.replies++;
    slot.resolve(reply);
  }

  private fail(error: PeerwayError): void {
    if (this.closed !== undefined) return;
    this.closed = error;
    this.socket.destroy();
    for (const slot of this.pending.splice(0)) slot.reject(error);
    this.emit('close', this.closedByUs ? undefined : error);
  }

  /** Closes the connection (tor then drops onion services it was not told to detach); idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.closedByUs = this.closed === undefined;
      if (this.socket.destroyed) resolve();
      else this.socket.once('close', () => resolve());
      this.fail(new PeerwayError(ErrorCodes.CLOSED, 'tor control connection closed by us'));
    });
    return this.closing;
  }
}

/**
 * Opens a raw control connection; see {@link connectTorControl} for the typed client.
 *
 * @example
 * ```ts
 * const connection = await openTorControlConnection({ port: 9051 });
 * const reply = await connection.command('PROTOCOLINFO 1');
 * ```
 */
export async function openTorControlConnection(init: TorControlInit = {}): Promise<TorControlConnection> {
  const timeout = init.timeout ?? DEFAULT_TOR_COMMAND_TIMEOUT_MS;
  const host = init.host ?? '127.0.0.1';
  const port = init.port ?? TOR_CONTROL_DEFAULT_PORT;
  const socket = await dialTcp(host, port, { timeout, signal: init.signal }).catch((err: unknown) => {
    if (!isPeerwayError(err, ErrorCodes.CONNECT_FAILED)) throw err;
    throw new PeerwayError(ErrorCodes.TOR_CONTROL, `tor control port ${host}:${port} unreachable`, {
      cause: err,
    });
  });
  return new TorControlConnection(socket, timeout, init.logger ?? silentLogger);
}
