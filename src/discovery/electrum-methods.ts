/**
 * The Electrum `server.*` methods a discovery node answers, as one JSON-RPC handler: version
 * negotiation (once per connection, optionally required first), ping, features, peers.subscribe
 * and add_peer, plus any extra methods the embedder supplies.
 *
 * @module
 */
import { bump } from '../core/index.js';
import { MAX_CLIENT_NAME, PROTOCOL_MAX, PROTOCOL_MIN, SOFTWARE_VERSION } from './constants.js';
import { negotiateVersion } from './protocol-version.js';
import type { RpcConnection, RpcHandler } from './rpc-connection.js';
import { RpcError } from './rpc-error.js';
import { RpcErrorCodes, type RpcParams } from './rpc-message.js';
import type { PeerTuple } from './peer-entry.js';

/** An extra method: gets the params and the connection, returns the result or throws RpcError. */
export type ExtraMethod = (params: RpcParams, connection: RpcConnection) => unknown;

/** What the methods need from the node. */
export interface ElectrumMethodsInit {
  /** Our `server.features` result. */
  features: () => Record<string, unknown>;
  /** Our `server.peers.subscribe` result for a client (torClient: came through our Tor proxy). */
  peers: (torClient: boolean) => PeerTuple[];
  /** Decides `server.add_peer`; absent means every call is answered false. */
  addPeer?: ((params: RpcParams, sourceIp: string) => Promise<boolean>) | undefined;
  /** True when a connection came through our Tor proxy. @default () => false */
  isTorClient?: ((remoteAddress: string) => boolean) | undefined;
  /** Refuse anything before `server.version`, as protocol 1.6 requires. @default true */
  requireVersionFirst?: boolean | undefined;
  /** @default '1.4' */
  protocolMin?: string | undefined;
  /** @default '1.4.2' */
  protocolMax?: string | undefined;
  /** @default 'peerway-discovery 0.1' */
  softwareVersion?: string | undefined;
  /** More methods (test-only `blockchain.*` answers, a banner...). @default {} */
  extraMethods?: Record<string, ExtraMethod> | undefined;
  /**
   * Answers every method not handled here or in `extraMethods` (backend mode: forwards it).
   * @default undefined (such methods get -32601)
   */
  forward?: ((method: string, params: RpcParams, connection: RpcConnection) => Promise<unknown>) | undefined;
  /** Counts refusals. */
  stats: Record<string, number>;
}

/** The negotiated version, kept in `connection.state`. */
const VERSION_KEY = 'protocolVersion';

/** Builds the JSON-RPC handler for a discovery server. */
export function electrumMethods(init: ElectrumMethodsInit): RpcHandler {
  const min = init.protocolMin ?? PROTOCOL_MIN;
  const max = init.protocolMax ?? PROTOCOL_MAX;
  const software = init.softwareVersion ?? SOFTWARE_VERSION;
  const requireFirst = init.requireVersionFirst ?? true;
  const extra = init.extraMethods ?? {};
  return async (request, connection) => {
    const { method, params } = request;
    if (method === 'server.version') {
      if (connection.state[VERSION_KEY] !== undefined) {
        throw new RpcError(RpcErrorCodes.BAD_REQUEST, 'server.version already sent');
      }
      const [name, requested] = Array.isArray(params)
        ? [params[0], params[1]]
        : [params.client_name, params.protocol_version];
      if (name !== undefined && typeof name !== 'string') {
        throw new RpcError(RpcErrorCodes.BAD_REQUEST, 'client name must be a string');
      }
      connection.state.clientName = (name ?? '').slice(0, MAX_CLIENT_NAME);
      const result = negotiateVersion(requested, min, max);
      if (!result.ok) {
        bump(init.stats, 'versionRefused');
        throw new RpcError(RpcErrorCodes.BAD_REQUEST, result.reason, true);
      }
      connection.state[VERSION_KEY] = result.version;
      connection.identify();
      return [software, result.version];
    }
    if (requireFirst && connection.state[VERSION_KEY] === undefined) {
      bump(init.stats, 'versionMissing');
      throw new RpcError(RpcErrorCodes.BAD_REQUEST, 'use server.version to identify client', true);
    }
    switch (method) {
      case 'server.ping':
        return null;
      case 'server.features':
        return init.features();
      case 'server.peers.subscribe':
        return init.peers(init.isTorClient?.(connection.remoteAddress) ?? false);
      case 'server.add_peer':
        return init.addPeer === undefined ? false : await init.addPeer(params, connection.remoteAddress);
      default: {
        const fn = Object.hasOwn(extra, method) ? extra[method] : undefined;
        if (fn === undefined && init.forward !== undefined) return init.forward(method, params, connection);
        if (fn === undefined)
          throw new RpcError(RpcErrorCodes.METHOD_NOT_FOUND, `unknown method "${method.slice(0, 100)}"`);
        return fn(params, connection);
      }
    }
  };
}
