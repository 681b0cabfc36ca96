/**
 * The NATS client options of a cluster instance's connection, from its init: servers,
 * credentials, TLS, and reconnection that never gives up. Internal: the published types do not
 * name the NATS client's own.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { credsAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import { KV_TIMEOUT_MS, NATS_MAX_PINGS_OUT, NATS_PING_INTERVAL_MS, RECONNECT_WAIT_MS } from './constants.js';
import type { NatsDirectoryClusterInit } from './nats-options.js';

/** The NATS connection options of the instance `id`. */
export function natsConnectionOptions(i: NatsDirectoryClusterInit, id: string): NodeConnectionOptions {
  const opts: NodeConnectionOptions = {
    servers: i.servers,
    name: `peerway-directory-${id}`,
    // Our own pubmsgs and heartbeats are not delivered back to us.
    noEcho: true,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: RECONNECT_WAIT_MS,
    timeout: i.requestTimeout ?? KV_TIMEOUT_MS,
    pingInterval: NATS_PING_INTERVAL_MS,
    maxPingOut: NATS_MAX_PINGS_OUT,
  };
  if (i.user !== undefined) opts.user = i.user;
  if (i.pass !== undefined) opts.pass = i.pass;
  if (i.token !== undefined) opts.token = i.token;
  if (i.credsFile !== undefined) opts.authenticator = credsAuthenticator(readFileSync(i.credsFile));
  if (i.tls !== undefined) {
    const tls: NonNullable<NodeConnectionOptions['tls']> = {};
    if (i.tls.caFile !== undefined) tls.caFile = i.tls.caFile;
    if (i.tls.certFile !== undefined) tls.certFile = i.tls.certFile;
    if (i.tls.keyFile !== undefined) tls.keyFile = i.tls.keyFile;
    opts.tls = tls;
  }
  return opts;
}
