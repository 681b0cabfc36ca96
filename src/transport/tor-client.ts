import { randomBytes } from 'node:crypto';
import { ErrorCodes, PeerwayError } from '../core/index.js';
import { TOR_NONCE_BYTES } from './constants.js';
import { onionPublicKey } from './onion.js';
import { readAuthCookie, safeCookieClientHash, safeCookieServerHash, verifyServerHash } from './tor-auth.js';
import {
  openTorControlConnection,
  type TorCommandOptions,
  type TorControlConnection,
  type TorControlInit,
} from './tor-control.js';
import { parseKeyValues, quoteString, readQuoted, type TorReply } from './tor-reply.js';

/** What PROTOCOLINFO says. */
export interface TorProtocolInfo {
  /** PROTOCOLINFO version (1). */
  protocolVersion: number;
  /** Accepted methods: NULL, HASHEDPASSWORD, COOKIE, SAFECOOKIE. */
  authMethods: string[];
  /** Path of the auth cookie, when a cookie method is on. */
  cookieFile?: string;
  /** Tor's version string. */
  torVersion?: string;
}

/** Options for {@link TorControl.authenticate}. */
export interface TorAuthenticateOptions extends TorCommandOptions {
  /** Control password (for HashedControlPassword). Used when tor offers HASHEDPASSWORD. @default none */
  password?: string | undefined;
  /** The cookie itself, instead of reading the file tor names. @default read from COOKIEFILE */
  cookie?: Uint8Array | undefined;
  /**
   * Use this method, if tor offers it, instead of choosing.
   * @default password if given and offered, else SAFECOOKIE, COOKIE, NULL in that order
   */
  method?: TorAuthMethod | undefined;
}

/** Authentication methods of the control port. */
export type TorAuthMethod = 'HASHEDPASSWORD' | 'SAFECOOKIE' | 'COOKIE' | 'NULL';

/** One `Port=` mapping of an onion service. */
export interface OnionPort {
  /** Port the service is reached on, in the onion address. */
  virtualPort: number;
  /** Where tor forwards: `host:port` or a port on 127.0.0.1. @default the virtual port on 127.0.0.1 */
  target?: string | number | undefined;
}

/** Options for {@link TorControl.addOnion}. */
export interface AddOnionOptions extends TorCommandOptions {
  /**
   * `NEW:ED25519-V3` for a fresh key, or a stored `ED25519-V3:<base64>` key to bring a service
   * back with the same address.
   * @default 'NEW:ED25519-V3'
   */
  key?: string | undefined;
  /** The port mappings; at least one. */
  ports: OnionPort[];
  /** Do not return the new private key (Flags=DiscardPK). @default false */
  discardPrivateKey?: boolean | undefined;
  /** Keep the service after this control connection closes (Flags=Detach). @default false */
  detach?: boolean | undefined;
  /** Most simultaneous streams (MaxStreams). @default tor's (unlimited) */
  maxStreams?: number | undefined;
}

/** A created onion service. */
export interface OnionService {
  /** The 56-character service id (the address without `.onion`). */
  serviceId: string;
  /** `<serviceId>.onion`. */
  address: string;
  /** The new key as `ED25519-V3:<base64>`, to store; absent for a stored key or DiscardPK. Secret. */
  privateKey?: string;
}

const KEY_SPEC = /^(?:NEW:(?:ED25519-V3|BEST)|ED25519-V3:[A-Za-z0-9+/]+={0,2})$/;
const TARGET = /^[A-Za-z0-9.:[\]_-]+$/;
const INFO_KEY = /^[A-Za-z0-9/_.:@-]+$/;

function invalid(message: string): PeerwayError {
  return new PeerwayError(ErrorCodes.INVALID_ARGUMENT, message);
}

/**
 * A tor control-port client: PROTOCOLINFO, AUTHENTICATE (SAFECOOKIE, COOKIE, password or none),
 * ADD_ONION, DEL_ONION and GETINFO, with a timeout and signal on every command.
 *
 * @example
 * ```ts
 * await using tor = await connectTorControl({ port: 9051 });
 * await tor.authenticate();
 * const service = await tor.addOnion({ ports: [{ virtualPort: 5222, target: '127.0.0.1:8080' }] });
 * console.log(service.address); // store service.privateKey to keep the address
 * ```
 */
export class TorControl {
  private info: Promise<TorProtocolInfo> | undefined;

  constructor(
    /** The raw connection, for commands this class has no method for. */
    readonly connection: TorControlConnection,
  ) {}

  /** Counters of the connection. */
  get stats(): TorControlConnection['stats'] {
    return this.connection.stats;
  }

  /** Sends any command line and returns the reply; errors as {@link TorControlConnection.command}. */
  command(line: string, options?: TorCommandOptions): Promise<TorReply> {
    return this.connection.command(line, options);
  }

  /** PROTOCOLINFO 1. Asked once per connection (tor allows one before authentication), then cached. */
  protocolInfo(options: TorCommandOptions = {}): Promise<TorProtocolInfo> {
    this.info ??= this.command('PROTOCOLINFO 1', options).then(parseProtocolInfo);
    return this.info;
  }

  /**
   * Authenticates with the best method tor offers: a password when one is given and accepted,
   * else SAFECOOKIE, else COOKIE, else NULL. Throws ERR_TOR_AUTH_FAILED when refused or when no
   * method fits.
   */
  async authenticate(options: TorAuthenticateOptions = {}): Promise<void> {
    const commandOptions = { signal: options.signal, ...timeoutOf(options) };
    const info = await this.protocolInfo(commandOptions);
    const method = options.method ?? chooseMethod(info.authMethods, options.password !== undefined);
    if (method === undefined || !info.authMethods.includes(method)) {
      throw new PeerwayError(ErrorCodes.TOR_AUTH_FAILED, 'no tor authentication method we can use', {
        details: { methods: info.authMethods, wanted: method, passwordGiven: options.password !== undefined },
      });
    }
    if (method === 'HASHEDPASSWORD') {
      await this.command(`AUTHENTICATE ${quoteString(options.password ?? '')}`, commandOptions);
    } else if (method === 'SAFECOOKIE') {
      await this.safeCookie(options.cookie ?? (await this.cookie(info)), commandOptions);
    } else if (method === 'COOKIE') {
      const cookie = options.cookie ?? (await this.cookie(info));
      await this.command(`AUTHENTICATE ${Buffer.from(cookie).toString('hex')}`, commandOptions);
    } else {
      await this.command('AUTHENTICATE', commandOptions);
    }
  }

  private async cookie(info: TorProtocolInfo): Promise<Buffer> {
    if (info.cookieFile === undefined) {
      throw new PeerwayError(
        ErrorCodes.TOR_AUTH_FAILED,
        'tor offers cookie authentication but names no cookie file',
      );
    }
    return readAuthCookie(info.cookieFile);
  }

  private async safeCookie(cookie: Uint8Array, options: TorCommandOptions): Promise<void> {
    const clientNonce = randomBytes(TOR_NONCE_BYTES);
    const reply = await this.command(`AUTHCHALLENGE SAFECOOKIE ${clientNonce.toString('hex')}`, options);
    const fields = parseKeyValues(reply.lines[0]!.text);
    const serverHash = Buffer.from(fields.get('SERVERHASH') ?? '', 'hex');
    const serverNonce = Buffer.from(fields.get('SERVERNONCE') ?? '', 'hex');
    if (serverNonce.length !== TOR_NONCE_BYTES) {
      throw new PeerwayError(ErrorCodes.TOR_CONTROL, 'tor AUTHCHALLENGE reply lacks a server nonce');
    }
    verifyServerHash(safeCookieServerHash(cookie, clientNonce, serverNonce), serverHash);
    const clientHash = safeCookieClientHash(cookie, clientNonce, serverNonce);
    await this.command(`AUTHENTICATE ${clientHash.toString('hex')}`, options);
  }

  /** Creates an onion service (ADD_ONION) and checks that the id tor returns is a valid v3 name. */
  async addOnion(options: AddOnionOptions): Promise<OnionService> {
    const key = options.key ?? 'NEW:ED25519-V3';
    if (!KEY_SPEC.test(key)) throw invalid('ADD_ONION key must be NEW:ED25519-V3 or ED25519-V3:<base64>');
    if (options.ports.length === 0) throw invalid('ADD_ONION needs at least one port');
    const parts = ['ADD_ONION', key];
    const flags = [
      ...(options.discardPrivateKey === true ? ['DiscardPK'] : []),
      ...(options.detach === true ? ['Detach'] : []),
    ];
    if (flags.length > 0) parts.push(`Flags=${flags.join(',')}`);
    if (options.maxStreams !== undefined) {
      if (!Number.isInteger(options.maxStreams) || options.maxStreams < 0 || options.maxStreams > 65535) {
        throw invalid('MaxStreams must be 0 to 65535');
      }
      parts.push(`MaxStreams=${options.maxStreams}`);
    }
    for (const { virtualPort, target } of options.ports) {
      if (!Number.isInteger(virtualPort) || virtualPort < 1 || virtualPort > 65535)
        throw invalid(`bad virtual port ${virtualPort}`);
      const where = String(target ?? virtualPort);
      if (!TARGET.test(where)) throw invalid(`bad onion port target ${JSON.stringify(where)}`);
      parts.push(`Port=${virtualPort},${where}`);
    }
    const reply = await this.command(parts.join(' '), { signal: options.signal, ...timeoutOf(options) });
    const fields = new Map<string, string>();
    for (const line of reply.lines) {
      const eq = line.text.indexOf('=');
      if (eq > 0) fields.set(line.text.slice(0, eq), line.text.slice(eq + 1));
    }
    const serviceId = fields.get('ServiceID') ?? '';
    try {
      onionPublicKey(serviceId);
    } catch (err) {
      throw new PeerwayError(ErrorCodes.TOR_CONTROL, 'tor returned an invalid onion service id', {
        cause: err,
        details: { serviceId },
      });
    }
    const privateKey = fields.get('PrivateKey');
    return { serviceId, address: `${serviceId}.onion`, ...(privateKey === undefined ? {} : { privateKey }) };
  }

  /** Removes an onion service this connection (or a detached one) created. */
  async delOnion(serviceId: string, options: TorCommandOptions = {}): Promise<void> {
    const id = serviceId.toLowerCase().replace(/\.onion$/, '');
    if (!/^[a-z2-7]{56}$/.test(id)) throw invalid('DEL_ONION needs a v3 service id');
    await this.command(`DEL_ONION ${id}`, options);
  }

  /** GETINFO: values by key; multi-line values come back joined with `\n`. */
  async getInfo(keys: string[], options: TorCommandOptions = {}): Promise<Record<string, string>> {
    if (keys.length === 0) return {};
    for (const key of keys) if (!INFO_KEY.test(key)) throw invalid(`bad GETINFO key ${JSON.stringify(key)}`);
    const reply = await this.command(`GETINFO ${keys.join(' ')}`, options);
    const out: Record<string, string> = {};
    for (const line of reply.lines) {
      const eq = line.text.indexOf('=');
      if (eq <= 0) continue;
      const key = line.text.slice(0, eq);
      const raw = line.text.slice(eq + 1);
      out[key] = line.data ?? (raw.startsWith('"') ? readQuoted(raw, 0)[0] : raw);
    }
    return out;
  }

  /** Closes the connection; non-detached onion services go with it. Idempotent. */
  close(): Promise<void> {
    return this.connection.close();
  }

  /** Same as {@link close}. */
  stop(): Promise<void> {
    return this.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function chooseMethod(offered: string[], havePassword: boolean): TorAuthMethod | undefined {
  const order: TorAuthMethod[] = havePassword
    ? ['HASHEDPASSWORD', 'SAFECOOKIE', 'COOKIE', 'NULL']
    : ['SAFECOOKIE', 'COOKIE', 'NULL'];
  return order.find((m) => offered.includes(m));
}

function timeoutOf(options: TorCommandOptions): { timeout?: number } {
  return options.timeout === undefined ? {} : { timeout: options.timeout };
}

/** Parses a PROTOCOLINFO reply. */
export function parseProtocolInfo(reply: TorReply): TorProtocolInfo {
  const info: TorProtocolInfo = { protocolVersion: 0, authMethods: [] };
  for (const { text } of reply.lines) {
    const space = text.indexOf(' ');
    const head = space === -1 ? text : text.slice(0, space);
    const rest = space === -1 ? '' : text.slice(space + 1);
    if (head === 'PROTOCOLINFO') info.protocolVersion = Number(rest.trim());
    else if (head === 'AUTH') {
      const fields = parseKeyValues(rest);
      info.authMethods = (fields.get('METHODS') ?? '').split(',').filter((m) => m !== '');
      const cookieFile = fields.get('COOKIEFILE');
      if (cookieFile !== undefined) info.cookieFile = cookieFile;
    } else if (head === 'VERSION') {
      const version = parseKeyValues(rest).get('Tor');
      if (version !== undefined) info.torVersion = version;
    }
  }
  return info;
}

/**
 * Connects to a tor control port. Call {@link TorControl.authenticate} next.
 *
 * @example
 * ```ts
 * const tor = await connectTorControl({ host: '127.0.0.1', port: 9051, timeout: 10_000 });
 * ```
 */
export async function connectTorControl(init: TorControlInit = {}): Promise<TorControl> {
  return new TorControl(await openTorControlConnection(init));
}
