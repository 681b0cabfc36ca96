/**
 * Options of a directory cluster's NATS connection: servers, credentials and TLS as NATS clients
 * take them, and reconnection that never gives up.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { credsAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { Logger } from '../../core/index.js';
import { KV_TIMEOUT_MS, NATS_MAX_PINGS_OUT, NATS_PING_INTERVAL_MS, RECONNECT_WAIT_MS } from './constants.js';

/** TLS towards the NATS server, as NATS clients take it (PEM file paths). */
export interface NatsClusterTls {
  /** CA certificate file to verify the server with. @default the system's */
  caFile?: string;
  /** Client certificate file (mutual TLS). @default none */
  certFile?: string;
  /** Client key file (mutual TLS). @default none */
  keyFile?: string;
}

/** Options of {@link NatsDirectoryCluster}. */
export interface NatsDirectoryClusterInit {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Cluster name: instances with the same name and server are one directory. @default 'peerway' */
  name?: string;
  /** User name (with `pass`). @default none */
  user?: string;
  /** Password. @default none */
  pass?: string;
  /** Token. @default none */
  token?: string;
  /** A NATS `.creds` file (JWT and nkey seed). @default none */
  credsFile?: string;
  /** TLS options; set (even `{}`) to require TLS. @default none */
  tls?: NatsClusterTls;
  /** Heartbeat interval in ms. @default 1000 */
  heartbeatInterval?: number;
  /** An instance silent this long (ms) is dead and its nicks leave. @default 5000 */
  deadAfter?: number;
  /** Timeout of the first connection and of each key-value operation (ms). @default 5000 */
  requestTimeout?: number;
  /** Logger. @default silent */
  logger?: Logger;
}

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
