/**
 * Options of a directory cluster's NATS connection: servers, credentials and TLS as NATS clients
 * take them. Only our own types: the NATS client's types stay out of the published declarations
 * (they do not compile in a strict consumer), so the mapping to them is in nats-connect.ts.
 *
 * @module
 */
import type { Logger } from '../../core/index.js';

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
