/**
 * The two handshakes. A client sends 793 with its nick, location, network and features; the
 * directory answers 795 with `accepted` and its own nick. Both are JSON strings inside the
 * envelope's `line`, written with the reference's exact key order and spacing.
 *
 * @module
 */
import { ErrorCodes, PeerwayError } from '../../core/index.js';
import {
  APP_NAME,
  MAX_LOCATION_LENGTH,
  MAX_NICK_LENGTH,
  NICK_PATTERN,
  PROTOCOL_VERSION,
} from './constants.js';
import { parseLocation } from './location.js';
import { pythonJson, type JsonValue } from './python-json.js';

/** Feature flags a handshake may carry; unknown keys are kept and ignored. */
export type Features = Record<string, JsonValue>;

/** A client (or peer-to-peer) handshake, type 793. */
export interface ClientHandshake {
  /** `joinmarket`. */
  appName: string;
  /** False for clients; true only for directories speaking peer-to-peer. */
  directory: boolean;
  /** `host:port` the sender serves, or `NOT-SERVING-ONION`. */
  location: string;
  /** Protocol version: 5. */
  protoVer: number;
  /** Advertised features (`peerlist_features`, `ping`, `nick_auth`...). */
  features: Features;
  /** The sender's nick. */
  nick: string;
  /** `mainnet`, `testnet`, `signet`... */
  network: string;
}

/** A directory handshake reply, type 795. */
export interface DirectoryHandshake {
  appName: string;
  directory: boolean;
  protoVerMin: number;
  protoVerMax: number;
  features: Features;
  /** Whether the directory accepted our handshake. */
  accepted: boolean;
  /** The directory's nick. */
  nick: string;
  network: string;
  /** Message of the day (not read by the reference client). */
  motd?: string;
}

/** The 793 line for a client; key order as the reference writes it. */
export function formatClientHandshake(
  h: Omit<ClientHandshake, 'appName' | 'directory' | 'protoVer'> & Partial<ClientHandshake>,
): string {
  return pythonJson({
    'app-name': h.appName ?? APP_NAME,
    directory: h.directory ?? false,
    'location-string': h.location,
    'proto-ver': h.protoVer ?? PROTOCOL_VERSION,
    features: h.features,
    nick: h.nick,
    network: h.network,
  });
}

/** The 795 line for a directory; key order as the reference writes it. */
export function formatDirectoryHandshake(h: {
  accepted: boolean;
  nick: string;
  network: string;
  motd: string;
  features: Features;
}): string {
  return pythonJson({
    'app-name': APP_NAME,
    directory: true,
    'proto-ver-min': PROTOCOL_VERSION,
    'proto-ver-max': PROTOCOL_VERSION,
    features: h.features,
    accepted: h.accepted,
    nick: h.nick,
    network: h.network,
    motd: h.motd,
  });
}

function parseObject(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_HANDSHAKE, 'handshake is not JSON', { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_HANDSHAKE, 'handshake is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function isFeatures(v: unknown): v is Features {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a 793 line. Throws ERR_DIRECTORY_BAD_HANDSHAKE when a key the reference requires is
 * missing or has the wrong type (`app-name`, `directory`, `proto-ver` int, `features` object,
 * `location-string`, `nick`, `network` strings).
 */
export function parseClientHandshake(line: string): ClientHandshake {
  const o = parseObject(line);
  const appName = o['app-name'];
  const directory = o['directory'];
  const protoVer = o['proto-ver'];
  const features = o['features'];
  const location = o['location-string'];
  const nick = o['nick'];
  const network = o['network'];
  if (
    typeof appName !== 'string' ||
    typeof directory !== 'boolean' ||
    typeof protoVer !== 'number' ||
    !Number.isInteger(protoVer) ||
    !isFeatures(features) ||
    typeof location !== 'string' ||
    typeof nick !== 'string' ||
    typeof network !== 'string'
  ) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_HANDSHAKE, 'client handshake lacks a required key');
  }
  return { appName, directory, location, protoVer, features, nick, network };
}

/** True when `nick` is made of what JoinMarket nicks are made of, within {@link MAX_NICK_LENGTH}. */
export function isWellFormedNick(nick: string): boolean {
  return nick.length <= MAX_NICK_LENGTH && NICK_PATTERN.test(nick);
}

/** Why a directory refuses a client handshake, or undefined when it is acceptable. */
export function handshakeRejection(h: ClientHandshake, network: string): string | undefined {
  if (h.appName !== APP_NAME) return 'app-name';
  if (h.protoVer !== PROTOCOL_VERSION) return 'proto-ver';
  if (h.directory) return 'directory';
  if (h.network !== network) return 'network';
  if (h.location.length > MAX_LOCATION_LENGTH || parseLocation(h.location) === undefined) return 'location';
  if (!isWellFormedNick(h.nick)) return 'nick';
  return undefined;
}

/**
 * Parses a directory's reply. Accepts 795 with `proto-ver-min`/`proto-ver-max`, or a reply with a
 * single `proto-ver` (some directories answer with 793's shape). Throws
 * ERR_DIRECTORY_BAD_HANDSHAKE when a required key is missing.
 */
export function parseDirectoryHandshake(line: string): DirectoryHandshake {
  const o = parseObject(line);
  const single = o['proto-ver'];
  const min = o['proto-ver-min'] ?? single;
  const max = o['proto-ver-max'] ?? single;
  const { ['app-name']: appName, directory, features, accepted, nick, network, motd } = o;
  if (
    typeof appName !== 'string' ||
    typeof directory !== 'boolean' ||
    typeof min !== 'number' ||
    typeof max !== 'number' ||
    !isFeatures(features) ||
    typeof accepted !== 'boolean' ||
    typeof nick !== 'string' ||
    typeof network !== 'string'
  ) {
    throw new PeerwayError(ErrorCodes.DIRECTORY_BAD_HANDSHAKE, 'directory handshake lacks a required key');
  }
  const out: DirectoryHandshake = {
    appName,
    directory,
    protoVerMin: min,
    protoVerMax: max,
    features,
    accepted,
    nick,
    network,
  };
  if (typeof motd === 'string') out.motd = motd;
  return out;
}

/**
 * Checks a directory's reply the way the reference client does (app-name, directory flag,
 * version range, accepted) plus the network. Throws ERR_DIRECTORY_HANDSHAKE_REJECTED.
 */
export function checkDirectoryHandshake(h: DirectoryHandshake, network: string): void {
  let reason: string | undefined;
  if (!h.accepted) reason = 'accepted is false';
  else if (h.appName !== APP_NAME) reason = `app-name ${h.appName}`;
  else if (!h.directory) reason = 'peer is not a directory';
  else if (h.protoVerMin > PROTOCOL_VERSION || h.protoVerMax < PROTOCOL_VERSION) reason = 'protocol version';
  else if (h.network !== network) reason = `network ${h.network}`;
  if (reason !== undefined) {
    throw new PeerwayError(
      ErrorCodes.DIRECTORY_HANDSHAKE_REJECTED,
      `directory rejected the handshake: ${reason}`,
      {
        details: { reason, motd: h.motd, directoryNick: h.nick },
      },
    );
  }
}
